"""Huge files in a raw message, set aside before the MIME parser reads it.

Python's email parser reads a 40 MB message line by line: seconds of CPU and some 300 MB of
memory, for a file the intake refuses anyway (it is over ``ATTACHMENT_MAX_BYTES``). So before
parsing, each base64 body of a non-text part that would decode to more than ``above`` bytes is
replaced by a one-line stand-in carrying its decoded size; the parser then reads a small message,
and the file is still listed as refused, with its real size. The stored raw message is the
original, untouched: this only changes what the parser is given.

The stand-in carries a random token made for each call, so a message cannot forge one.
"""

from __future__ import annotations

import base64
import re
import secrets

# Base64 characters and line ends right after a blank line: the body of one part. One character
# class and no repeated group, so the regex keeps no state per line and never backtracks.
_BODY = re.compile(rb"\n\r?\n([A-Za-z0-9+/=\r\n]+)")
_BASE64 = re.compile(rb"(?im)^content-transfer-encoding:[ \t]*base64")
_TEXT = re.compile(rb"(?im)^content-type:[ \t]*(?:text|message|multipart)/")
_HEADERS_BACK = 16 * 1024  # how far back a part's headers are looked for


def set_aside(raw: bytes, *, above: int) -> tuple[bytes, bytes]:
    """``raw`` with every base64 file body decoding to more than ``above`` bytes replaced by a
    stand-in, and the prefix that marks a stand-in once decoded (``set_aside_size`` reads it)."""
    prefix = b"\x00set-aside:" + secrets.token_hex(8).encode() + b":"
    pieces: list[bytes] = []
    kept_from = 0
    for match in _BODY.finditer(raw):
        start, end = match.span(1)
        if raw[end - 1 : end] != b"\n":  # it stopped inside a line: not a base64 body
            continue
        size = _decoded_size(raw, start, end)
        if size <= above or not _is_base64_file(raw[max(0, start - _HEADERS_BACK) : start]):
            continue
        pieces += [raw[kept_from:start], base64.b64encode(prefix + str(size).encode()), b"\r\n"]
        kept_from = end
    if not pieces:
        return raw, prefix
    pieces.append(raw[kept_from:])
    return b"".join(pieces), prefix


def set_aside_size(content: bytes, prefix: bytes | None) -> int:
    """The decoded size of a file set aside, or 0 when ``content`` is a real file's bytes."""
    if prefix is None or not content.startswith(prefix):
        return 0
    digits = content[len(prefix) :]
    return int(digits) if digits.isdigit() else 0


def _decoded_size(raw: bytes, start: int, end: int) -> int:
    """What the base64 in ``raw[start:end]`` decodes to: line ends and padding off, nothing copied."""
    chars = end - start - raw.count(b"\n", start, end) - raw.count(b"\r", start, end)
    return max(0, chars * 3 // 4 - raw.count(b"=", max(start, end - 8), end))


def _is_base64_file(before: bytes) -> bool:
    """Whether the part whose headers end ``before`` is a base64 file (not text, not a container)."""
    headers = before[before.rfind(b"\n--") + 1 :]
    return bool(_BASE64.search(headers)) and not _TEXT.search(headers)
