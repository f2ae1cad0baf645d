"""Outlook's winmail.dat (TNEF): the files inside it, read by tnefparse within fixed bounds.

Outlook sends a message's attachments wrapped in one ``application/ms-tnef`` part that no one
else can open. We unpack the plain case, files attached to the message, and each file then goes
through the web form's checks like any other attachment. We don't unpack: a blob larger than
the attachment limit (``ATTACHMENT_MAX_BYTES``, as for any file), one of more than
``MAX_OBJECTS`` records (tnefparse copies the rest of the blob for each record, so a crafted one
of many tiny records would take minutes), and one with an attached Outlook item (a message
inside the message, parsed recursively). Those, and anything
tnefparse fails on, stay one refused "winmail.dat" listed on the message; the raw email keeps it.
The message text is not read from TNEF: Outlook sends it as ordinary text and HTML parts too.
"""

from __future__ import annotations

import struct

from django.conf import settings
from tnefparse import TNEF

from mail.parsing import Attachment

SIGNATURE = struct.pack("<I", 0x223E9F78)
MAX_OBJECTS = 200
_EMBEDDED_MESSAGE = b"\x07\x03\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"  # IMessage's GUID
_HEADER = 9  # level (1 byte), attribute (4), length (4); then the data and a 2-byte checksum


def is_tnef(attachment: Attachment) -> bool:
    return attachment.content.startswith(SIGNATURE)


def unpack(content: bytes) -> list[Attachment] | None:
    """The files inside a TNEF blob, or None when it is not one we unpack (see above)."""
    if len(content) > settings.ATTACHMENT_MAX_BYTES or _EMBEDDED_MESSAGE in content or not _few_records(content):
        return None
    try:
        tnef = TNEF(content, do_checksum=False)
        files = [Attachment(filename=_name(item), content=bytes(item.data or b"")) for item in tnef.attachments]
    except Exception:  # a malformed blob: refused and listed, never a failed message
        return None
    return files or None  # nothing inside: keep it listed rather than let it vanish


def _few_records(content: bytes) -> bool:
    """Walk the record headers (no copying) and count them, stopping past ``MAX_OBJECTS``."""
    offset, count = 6, 0
    while offset + 12 < len(content):
        (length,) = struct.unpack_from("<I", content, offset + 5)
        offset += _HEADER + length + 2
        count += 1
        if count > MAX_OBJECTS:
            return False
    return True


def _name(item: object) -> str:
    """The file's long name, else its short one. tnefparse reads the short title as UTF-8, but
    Outlook writes it in the sender's code page (cp1252 in the West): those bytes are read here."""
    try:
        name = getattr(item, "long_filename", lambda: "")()
    except UnicodeDecodeError:
        name = getattr(item, "_name", b"")
    if isinstance(name, bytes):
        name = name.decode("cp1252", errors="replace")
    return str(name).strip("\x00").strip() or "attachment"
