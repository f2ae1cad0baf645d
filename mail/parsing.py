"""One raw RFC 5322 message in, the parts intake needs out; never raises on bad content.

Any charset and transfer encoding: a part is decoded with its declared charset, else UTF-8, else
Windows-1252, with replacement characters for bytes that fit none, so a broken message still
shows what can be read. The text is the text/plain body, else the HTML body turned into text.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import hashlib
import mimetypes
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr

from mail.big_parts import set_aside, set_aside_size
from mail.html_text import html_to_text

# RFC 3834 and the headers autoresponders and list servers actually send.
_BULK_PRECEDENCE = {"bulk", "junk", "list"}
_MACHINE_SENDERS = ("mailer-daemon@", "postmaster@")
# Where a signed reply address may appear: the headers a client writes and the ones an MTA adds.
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    set_aside: int = 0  # a file too large to read (``mail.big_parts``): its decoded size; content is b""

    @property
    def size(self) -> int:
        return self.set_aside or len(self.content)


@dataclass
class Parsed:
    message_id: str
    sender_email: str
    sender_name: str
    subject: str
    text: str
    recipients: list[str]
    references: list[str]
    automatic: str  # why a machine wrote it ("Auto-Submitted: auto-replied"), or ""
    attachments: list[Attachment] = field(default_factory=list)
    addressed: list[str] = field(default_factory=list)  # To and Cc as written, for the copied people


def _clean(value: object) -> str:
    """Raw 8-bit header bytes arrive as surrogates: read them as UTF-8, replacing what isn't."""
    return str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _header(msg: Message, name: str) -> str:
    """A header's raw value on one line (compat32 never decodes, so it never fails on a bad one)."""
    value = msg.get(name)
    return " ".join(_clean(value).split()) if value is not None else ""


def _all_headers(msg: Message, name: str) -> list[str]:
    return [_clean(v) for v in msg.get_all(name) or []]


def decode_bytes(payload: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            codecs.lookup(candidate)
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("cp1252", errors="replace")


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(payload, charset)


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or (bool(part.get_filename()) and part.get_content_maintype() != "text")


def _is_file(part: Message) -> bool:
    """Whatever is not text is a file, named or not (an inline image known only by its Content-ID)."""
    return part.get_content_maintype() not in ("text", "message", "multipart")


def _walk(msg: Message, aside: bytes | None) -> tuple[str, str, list[Attachment]]:
    plain, html, attachments = "", "", []
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if (
            _is_attachment(part)
            or (name and part.get_content_type() not in ("text/plain", "text/html"))
            or _is_file(part)
        ):
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            name = name or "attachment" + (mimetypes.guess_extension(part.get_content_type()) or "")
            big = set_aside_size(content, aside)
            attachments.append(Attachment(_decoded(_clean(name)), b"" if big else content, set_aside=big))
        elif part.get_content_type() == "text/plain" and not plain:
            plain = _part_text(part)
        elif part.get_content_type() == "text/html" and not html:
            html = _part_text(part)
    return plain, html, attachments


def _message_ids(values: list[str]) -> list[str]:
    ids: list[str] = []
    for value in values:
        ids.extend(token for token in value.replace(",", " ").split() if token.startswith("<") and token.endswith(">"))
    return ids


def _automatic(msg: Message, sender: str) -> str:
    auto = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(msg, "Precedence").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "List-Id"):
        if msg.get(name) is not None:
            return f"{name} present"
    if sender.startswith(_MACHINE_SENDERS):
        return f"sent by {sender}"
    return ""


def parse(raw: bytes, *, files_up_to: int | None = None) -> Parsed:
    """``files_up_to``: files larger than this many bytes are not read, only listed with their size
    (``mail.big_parts``), which keeps a 40 MB message fast; None reads every file."""
    aside = None
    if files_up_to is not None:
        raw, aside = set_aside(raw, above=files_up_to)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    name, address = parseaddr(_header(msg, "From"))
    sender = address.strip().lower()
    plain, html, attachments = _walk(msg, aside)
    text = plain if plain.strip() else html_to_text(html)
    headers = [value for name in _RECIPIENT_HEADERS for value in _all_headers(msg, name)]
    recipients = [addr.lower() for _, addr in getaddresses(headers) if addr]
    addressed = [addr for _, addr in getaddresses(_all_headers(msg, "To") + _all_headers(msg, "Cc")) if addr]
    return Parsed(
        message_id=next(iter(_message_ids([_header(msg, "Message-ID")])), "")[:255],
        sender_email=sender,
        sender_name=_decoded(name),
        subject=_decoded(_header(msg, "Subject")),
        text=text.replace("\r\n", "\n").replace("\x00", ""),
        recipients=recipients,
        references=_message_ids([_header(msg, "In-Reply-To"), _header(msg, "References")]),
        automatic=_automatic(msg, sender),
        attachments=attachments,
        addressed=addressed,
    )


def _decoded(value: str) -> str:
    """An RFC 2047 header (=?iso-2022-jp?B?...?=) as text, with replacement for unknown charsets."""
    try:
        chunks = decode_header(value)
    except Exception:
        return value
    out = []
    for chunk, charset in chunks:
        out.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return " ".join("".join(out).split())


# What the writer's client put in a message, never what relays add on the way (Received,
# Delivered-To, Return-Path, X-Original-To, spam scores...): the same message delivered to two
# mailboxes, or piped by Postfix and then fetched over IMAP, carries the same values of these.
_KEY_HEADERS = ("From", "Sender", "To", "Cc", "Subject", "Date", "In-Reply-To", "References")


def fallback_key(raw: bytes) -> str:
    """The key of a message without a Message-ID: ``sha256:`` of the writer's headers and the body.

    Line endings are normalised (IMAP serves CRLF, a pipe may give LF). Bytes with none of those
    headers (hardly a message) are keyed by all their bytes. Never raises.
    """
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        head = "\n".join(f"{name}: {_header(msg, name)}" for name in _KEY_HEADERS if msg.get(name) is not None)
    except Exception:
        head = ""
    if not head:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    text = raw.replace(b"\r\n", b"\n")
    _, _, body = text.partition(b"\n\n")
    return "sha256:" + hashlib.sha256(head.encode("utf-8", "replace") + b"\n\n" + body.rstrip()).hexdigest()


DISPLAY_HEADERS = ("From", "To", "Cc", "Date", "Subject")


def display_headers(raw: bytes) -> list[tuple[str, str]]:
    """The headers a person reads (From, To, Cc, Date, Subject), decoded, in that order; those present."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    return [(name, _decoded(_header(msg, name))) for name in DISPLAY_HEADERS if msg.get(name) is not None]
