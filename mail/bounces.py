"""Delivery reports ("bounces"): which of our emails failed, for whom, how badly, and why.

Recognised shapes:
- RFC 3464, ``multipart/report; report-type=delivery-status`` (Postfix, Gmail, Microsoft 365,
  recent Exim, most servers): a ``message/delivery-status`` part with one block per recipient
  (Final-Recipient, Original-Recipient, Action, Status, Diagnostic-Code), and the returned
  message or its headers (``message/rfc822``, ``text/rfc822-headers``);
- the plain-text reports older servers send (Exim's "Mail delivery failed: returning message to
  sender", qmail's "failure notice", delay warnings): from a mailer-daemon or postmaster, or
  carrying ``X-Failed-Recipients``. The failed addresses, the status and the server's answer are
  read from the text, and our message from the copy below it.

Deciding reads the headers only, so an ordinary email costs one header parse. Nothing here says
which ticket a report concerns: it lists the Message-IDs, addresses and subjects the returned
message names, and ``mail.services`` looks them up. A report is a machine's message: none of its
text is ever filed as the customer's.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser
from email.utils import getaddresses, parseaddr

from mail.parsing import decode_bytes

_MACHINES = {"mailer-daemon", "mailer_daemon", "mail-daemon", "postmaster"}
_SUBJECTS = re.compile(
    r"^\s*(undeliver(ed|able)|mail delivery (failed|failure|system)|delivery status notification|returned mail"
    r"|failure notice|delivery (failure|failed|has failed|notification|delayed)|non-?delivery|delayed mail"
    r"|warning: message \S+ delayed|message (not delivered|delivery failure))",
    re.IGNORECASE,
)
_STATUS_PARTS = {"message/delivery-status", "message/global-delivery-status"}
_RETURNED_MESSAGE = {"message/rfc822", "message/global"}
_RETURNED_HEADERS = {"text/rfc822-headers", "message/rfc822-headers", "message/global-headers"}
# Where a plain-text report's copy of the message starts (Exim, qmail, sendmail).
_COPY_MARKER = re.compile(
    r"^[ \t]*-{2,}.*(copy of the message|below this line|original message|message headers?|returned message)"
    r".*$",
    re.IGNORECASE | re.MULTILINE,
)
_ADDRESS_LINE = re.compile(r"^[ \t]*<?([^\s<>@:]+@[^\s<>:]+?)>?:?[ \t]*$", re.MULTILINE)
_STATUS = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_SMTP_REPLY = re.compile(r"(?<![\w.\[])[45]\d\d[ -]\S.*$", re.MULTILINE)
_DELAYED = re.compile(
    r"\bdelay|will (continue|keep) (trying|to try)|still (being )?retr|(not yet been|has not been) delivered",
    re.IGNORECASE,
)
_DIAGNOSTIC_TYPE = re.compile(r"^[\w-]+\s*;\s*")
_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
_MESSAGE_ID_LINE = re.compile(r"^[ \t]*Message-ID:[ \t]*(<[^<>\s@]+@[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
_ANY_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_SCAN_CHARS = 100_000  # of a report's own text: the copy of a large message is never scanned in full
DETAIL_MAX = 200
_HEAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class Failure:
    """One recipient the report is about (deliveries that succeeded are left out)."""

    address: str  # as we addressed it (Original-Recipient), else where it ended (Final-Recipient)
    final_address: str
    action: str  # "failed" or "delayed"
    status: str  # "5.1.1", "4.4.7", or "" when the report gives none
    diagnostic: str  # the server's answer: "550 5.1.1 <grace@example.org>: User unknown"

    @property
    def permanent(self) -> bool:
        """The server gave up for good (5.x.x, or no status at all): the address does not work."""
        return self.action == "failed" and not self.status.startswith("4")

    @property
    def detail(self) -> str:
        """What agents read: the server's answer, with the status code when the answer lacks it."""
        if not self.diagnostic:
            return self.status or self.action
        if self.status and self.status not in self.diagnostic:
            return f"{self.diagnostic} ({self.status})"[:DETAIL_MAX]
        return self.diagnostic[:DETAIL_MAX]


@dataclass(frozen=True)
class DeliveryReport:
    failures: list[Failure]
    message_ids: list[str] = field(default_factory=list)  # named by the returned message and the report
    addresses: list[str] = field(default_factory=list)  # in the returned message (our signed Reply-To among them)
    subjects: list[str] = field(default_factory=list)  # the returned message's subject, then the report's


def _one_line(value: object) -> str:
    return " ".join(str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace").split())


def _looks_like_report(head: Message) -> bool:
    if head.get_content_type() == "multipart/report":
        return str(head.get_param("report-type", "")).lower() == "delivery-status"
    if head.get("X-Failed-Recipients") is not None:
        return True
    sender = parseaddr(_one_line(head.get("From", "")))[1].lower()
    return sender.partition("@")[0] in _MACHINES and bool(_SUBJECTS.match(_one_line(head.get("Subject", ""))))


def delivery_report(raw: bytes) -> DeliveryReport | None:
    """The delivery report ``raw`` is, or None for any other message. Never raises on bad content."""
    head = BytesHeaderParser(policy=email.policy.compat32).parsebytes(_header_block(raw))
    if not _looks_like_report(head):
        return None
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    status_blocks, returned, text = _parts(msg)
    if not returned and text:
        text, returned = _split_copy(text)
    failures = [f for f in map(_failure, status_blocks) if f is not None]
    if not status_blocks:
        failures = _failures_from_text(msg, text, returned)
    own = [_one_line(msg.get(name, "")) for name in ("In-Reply-To", "References")]
    scanned = text[:_SCAN_CHARS]
    return DeliveryReport(
        failures=failures,
        message_ids=_unique(
            [
                *_MESSAGE_ID.findall(_one_line(returned.get("Message-ID", ""))),
                *_MESSAGE_ID.findall(" ".join(own)),
                *_MESSAGE_ID_LINE.findall(scanned),
            ]
        ),
        addresses=_unique([*_header_addresses(returned), *(a.lower() for a in _ANY_ADDRESS.findall(scanned))]),
        subjects=[s for s in (_one_line(returned.get("Subject", "")), _one_line(msg.get("Subject", ""))) if s],
    )


def _header_block(raw: bytes) -> bytes:
    """The message's headers alone: the header parser reads to the end, which costs seconds on a
    40 MB message. Headers longer than ``_HEAD_BYTES`` are cut there (not a report, then)."""
    head = raw[:_HEAD_BYTES]
    ends = [end for end in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if end >= 0]
    return head[: min(ends)] + b"\n\n" if ends else head


def _parts(msg: Message) -> tuple[list[Message], Message, str]:
    """The per-recipient status blocks, the returned message's headers, and the report's own text."""
    blocks: list[Message] = []
    returned = Message()
    texts: list[str] = []
    stack = [msg]
    while stack:
        part = stack.pop(0)
        kind = part.get_content_type()
        payload = part.get_payload()
        if kind in _STATUS_PARTS:
            blocks.extend(_status_blocks(part)[1:])  # the first block is about the message, not a recipient
        elif kind in _RETURNED_MESSAGE and isinstance(payload, list) and payload and not returned.keys():
            if isinstance(payload[0], Message):
                returned = payload[0]  # its body is never read: it is our own email
        elif kind in _RETURNED_HEADERS and not returned.keys():
            returned = HeaderParser(policy=email.policy.compat32).parsestr(_text_of(part), headersonly=True)
        elif part.is_multipart() and isinstance(payload, list):
            stack[:0] = [p for p in payload if isinstance(p, Message)]
        elif part.get_content_maintype() == "text":
            texts.append(_text_of(part))
    return blocks, returned, "\n".join(texts)


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Transfer-encoded (base64, say): the parser left it as text; decode and split it ourselves.
    text = _text_of(part).replace("\r\n", "\n")
    parser = HeaderParser(policy=email.policy.compat32)
    return [parser.parsestr(chunk.strip() + "\n") for chunk in re.split(r"\n[ \t]*\n", text) if chunk.strip()]


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload()) if isinstance(part.get_payload(), str) else ""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(payload, charset)


def _recipient(value: object) -> str:
    """``rfc822; grace@example.org`` -> ``grace@example.org``."""
    text = _one_line(value or "")
    address = text.partition(";")[2] if ";" in text else text
    return parseaddr(address.strip())[1].lower() or address.strip().strip("<>").lower()


def _failure(block: Message) -> Failure | None:
    action = _one_line(block.get("Action", "")).lower().split(" ")[0]
    status = _STATUS.search(_one_line(block.get("Status", "")))
    if action not in ("failed", "delayed"):
        if action or not status or status.group(1).startswith("2"):
            return None  # delivered, relayed, expanded: not a failure
        action = "delayed" if status.group(1).startswith("4") else "failed"
    final = _recipient(block.get("Final-Recipient"))
    original = _recipient(block.get("Original-Recipient"))
    diagnostic = _one_line(block.get("Diagnostic-Code", ""))
    diagnostic = _DIAGNOSTIC_TYPE.sub("", diagnostic)  # "smtp; 550 ..." -> "550 ..."
    if not (final or original):
        return None
    return Failure(
        address=original or final,
        final_address=final or original,
        action=action,
        status=status.group(1) if status else "",
        diagnostic=diagnostic,
    )


def _split_copy(text: str) -> tuple[str, Message]:
    """A plain-text report: the report above the copy marker, the returned message's headers below."""
    marker = _COPY_MARKER.search(text)
    if marker is None:
        return text, Message()
    below = text[marker.end() :].lstrip("\r\n")
    returned = HeaderParser(policy=email.policy.compat32).parsestr(below[:_SCAN_CHARS], headersonly=True)
    return text[: marker.start()], returned


def _failures_from_text(msg: Message, text: str, returned: Message) -> list[Failure]:
    header = _one_line(msg.get("X-Failed-Recipients", ""))
    addresses = [a.lower() for _, a in getaddresses([header]) if a] if header else []
    if not addresses:
        addresses = [a.lower() for a in _ADDRESS_LINE.findall(text)]
    if not addresses:
        addresses = _header_addresses(returned, names=("To",))[:1]
    status_match = _STATUS.search(text)
    status = status_match.group(1) if status_match else ""
    reply = _SMTP_REPLY.search(text)
    delayed = _DELAYED.search(_one_line(msg.get("Subject", ""))) or _DELAYED.search(text[:_SCAN_CHARS])
    action = "delayed" if delayed else "failed"
    diagnostic = " ".join(reply.group(0).split()) if reply else ""
    return [Failure(a, a, action, status, diagnostic) for a in _unique(addresses)]


def _header_addresses(msg: Message, names: tuple[str, ...] = ("Reply-To", "To", "Cc", "From")) -> list[str]:
    values = [_one_line(v) for name in names for v in msg.get_all(name) or []]
    return [address.lower() for _, address in getaddresses(values) if address]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
