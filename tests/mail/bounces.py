"""Delivery reports as real mail servers write them, each wrapped around the email we sent.

Every builder takes ``original``: the bytes of our email as it went out (the SMTP sink's copy, or
``build_email(row).message().as_bytes()``), and the recipient that failed. The shapes follow the
servers' own templates: Postfix's bounce(8) and delay notices, Exim's plain-text "Mail delivery
failed", Gmail's "Delivery Status Notification", Microsoft 365's NDR, and a bare RFC 3464 report.
"""

from __future__ import annotations

import email
import email.policy
from email.message import Message

GRACE = "grace@example.org"


def _lines(*lines: str) -> bytes:
    return "\r\n".join(lines).encode() + b"\r\n"


def _original(original: bytes) -> tuple[str, str, str]:
    """Our email as text (CRLF line ends), its headers alone, and its subject."""
    text = original.decode("utf-8", "replace").replace("\r\n", "\n").replace("\n", "\r\n")
    headers = text.split("\r\n\r\n", 1)[0]
    parsed: Message = email.message_from_bytes(original, policy=email.policy.compat32)
    return text.rstrip("\r\n"), headers, " ".join(str(parsed["Subject"] or "").split())


def rfc3464(original: bytes, *, recipient: str = GRACE, status: str = "5.1.1", action: str = "failed") -> bytes:
    """A bare standard report with the returned headers only (text/rfc822-headers)."""
    _, headers, _ = _original(original)
    return _lines(
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>",
        "To: support@localhost",
        "Subject: Returned mail: see transcript for details",
        "Date: Mon, 30 Nov 2026 10:05:00 +0000",
        "Message-ID: <202611301005.dsn1@mx.example.org>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-1"',
        "Auto-Submitted: auto-replied",
        "",
        "--dsn-1",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "The original message was received at Mon, 30 Nov 2026 10:00:00 +0000",
        "   ----- The following addresses had permanent fatal errors -----",
        f"<{recipient}>",
        "",
        "--dsn-1",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.org",
        "Arrival-Date: Mon, 30 Nov 2026 10:00:00 +0000",
        "",
        f"Final-Recipient: RFC822; {recipient}",
        f"Action: {action}",
        f"Status: {status}",
        "Remote-MTA: DNS; mail.example.org",
        f"Diagnostic-Code: SMTP; 550 {status} User unknown",
        "Last-Attempt-Date: Mon, 30 Nov 2026 10:05:00 +0000",
        "",
        "--dsn-1",
        "Content-Type: text/rfc822-headers",
        "",
        headers,
        "",
        "--dsn-1--",
    )


def postfix(original: bytes, *, recipient: str = GRACE) -> bytes:
    """Postfix bounce(8): "Undelivered Mail Returned to Sender", the whole message returned."""
    text, _, _ = _original(original)
    return _lines(
        "Return-Path: <>",
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)",
        "To: support@localhost",
        "Subject: Undelivered Mail Returned to Sender",
        "Date: Mon, 30 Nov 2026 10:05:01 +0000 (UTC)",
        "Message-Id: <20261130100501.7C2A81E0F3@mx.example.org>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status;",
        '\tboundary="7C2A81E0F3.1764496701/mx.example.org"',
        "",
        "This is a MIME-encapsulated message.",
        "",
        "--7C2A81E0F3.1764496701/mx.example.org",
        "Content-Description: Notification",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "This is the mail system at host mx.example.org.",
        "",
        "I'm sorry to have to inform you that your message could not",
        "be delivered to one or more recipients. It's attached below.",
        "",
        "                   The mail system",
        "",
        f"<{recipient}>: host mail.example.org[192.0.2.25] said: 550 5.1.1",
        f"    <{recipient}>: Recipient address rejected: User unknown in virtual mailbox",
        "    table (in reply to RCPT TO command)",
        "",
        "--7C2A81E0F3.1764496701/mx.example.org",
        "Content-Description: Delivery report",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.org",
        "X-Postfix-Queue-ID: 7C2A81E0F3",
        "X-Postfix-Sender: rfc822; support@localhost",
        "Arrival-Date: Mon, 30 Nov 2026 10:05:00 +0000 (UTC)",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        f"Original-Recipient: rfc822;{recipient}",
        "Action: failed",
        "Status: 5.1.1",
        "Remote-MTA: dns; mail.example.org",
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:",
        "    User unknown in virtual mailbox table",
        "",
        "--7C2A81E0F3.1764496701/mx.example.org",
        "Content-Description: Undelivered Message",
        "Content-Type: message/rfc822",
        "",
        text,
        "",
        "--7C2A81E0F3.1764496701/mx.example.org--",
    )


def postfix_delayed(original: bytes, *, recipient: str = GRACE) -> bytes:
    """Postfix's delay notice: "Delayed Mail (still being retried)", headers only, 4.4.1."""
    _, headers, _ = _original(original)
    return _lines(
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)",
        "To: support@localhost",
        "Subject: Delayed Mail (still being retried)",
        "Date: Mon, 30 Nov 2026 14:05:01 +0000 (UTC)",
        "Message-Id: <20261130140501.D1E2F3A4B5@mx.example.org>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="D1E2F3A4B5.1764511501/mx"',
        "",
        "--D1E2F3A4B5.1764511501/mx",
        "Content-Description: Notification",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "This is the mail system at host mx.example.org.",
        "",
        "####################################################################",
        "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #",
        "####################################################################",
        "",
        "Your message could not be delivered for more than 4 hour(s).",
        "It will be retried until it is 5 day(s) old.",
        "",
        "--D1E2F3A4B5.1764511501/mx",
        "Content-Description: Delivery report",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.org",
        "X-Postfix-Queue-ID: D1E2F3A4B5",
        "Arrival-Date: Mon, 30 Nov 2026 10:05:00 +0000 (UTC)",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        f"Original-Recipient: rfc822;{recipient}",
        "Action: delayed",
        "Status: 4.4.1",
        "Diagnostic-Code: X-Postfix; connect to mail.example.org[192.0.2.25]:25: Connection",
        "    timed out",
        "Will-Retry-Until: Sat, 5 Dec 2026 10:05:00 +0000 (UTC)",
        "",
        "--D1E2F3A4B5.1764511501/mx",
        "Content-Description: Undelivered Message Headers",
        "Content-Type: text/rfc822-headers",
        "",
        headers,
        "",
        "--D1E2F3A4B5.1764511501/mx--",
    )


def exim(original: bytes, *, recipient: str = GRACE) -> bytes:
    """Exim's classic plain-text bounce, the copy of the message below a dashed line."""
    text, _, _ = _original(original)
    return _lines(
        "Return-path: <>",
        "From: Mail Delivery System <Mailer-Daemon@mx.example.net>",
        "To: support@localhost",
        "Subject: Mail delivery failed: returning message to sender",
        f"X-Failed-Recipients: {recipient}",
        "Auto-Submitted: auto-replied",
        "Message-Id: <E1vQx2A-0004Zz-7K@mx.example.net>",
        "Date: Mon, 30 Nov 2026 10:05:02 +0000",
        "",
        "This message was created automatically by mail delivery software.",
        "",
        "A message that you sent could not be delivered to one or more of its",
        "recipients. This is a permanent error. The following address(es) failed:",
        "",
        f"  {recipient}",
        "    host mail.example.org [192.0.2.25]",
        f"    SMTP error from remote mail server after RCPT TO:<{recipient}>:",
        "    550 5.1.1 No such user here",
        "",
        "------ This is a copy of the message, including all the headers. ------",
        "",
        "Return-path: <support@localhost>",
        "Received: from localhost ([127.0.0.1]) by mx.example.net with esmtp (Exim 4.96)",
        "\tid 1vQx29-0004Zy-3J; Mon, 30 Nov 2026 10:05:01 +0000",
        text,
    )


def gmail(original: bytes, *, recipient: str = GRACE) -> bytes:
    """Gmail's "Delivery Status Notification (Failure)", with X-Failed-Recipients."""
    text, _, subject = _original(original)
    return _lines(
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        "To: support@localhost",
        f"X-Failed-Recipients: {recipient}",
        "Auto-Submitted: auto-replied",
        "Subject: Delivery Status Notification (Failure)",
        "Message-ID: <6745f0a1.050a0220.1c3a2b.0001.GMR@mx.google.com>",
        "Date: Mon, 30 Nov 2026 02:05:03 -0800 (PST)",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; boundary="000000000000dsn9f0"; report-type=delivery-status',
        "",
        "--000000000000dsn9f0",
        'Content-Type: multipart/alternative; boundary="000000000000dsn9f1"',
        "",
        "--000000000000dsn9f1",
        'Content-Type: text/plain; charset="UTF-8"',
        "",
        "** Address not found **",
        "",
        f"Your message wasn't delivered to {recipient} because the address couldn't be found,",
        "or is unable to receive mail.",
        "",
        "The response from the remote server was:",
        f"550 5.1.1 The email account that you tried to reach does not exist. {subject[:20]}",
        "",
        "--000000000000dsn9f1",
        'Content-Type: text/html; charset="UTF-8"',
        "",
        "<html><body><h2>Address not found</h2><p>Your message wasn't delivered.</p></body></html>",
        "",
        "--000000000000dsn9f1--",
        "",
        "--000000000000dsn9f0",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; googlemail.com",
        "Arrival-Date: Mon, 30 Nov 2026 02:05:02 -0800 (PST)",
        "X-Original-Message-ID: <ignored@example.invalid>",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        "Action: failed",
        "Status: 5.1.1",
        "Remote-MTA: dns; mail.example.org. (192.0.2.25, the server for the domain example.org.)",
        "Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does not exist.",
        "Last-Attempt-Date: Mon, 30 Nov 2026 02:05:03 -0800 (PST)",
        "",
        "--000000000000dsn9f0",
        "Content-Type: message/rfc822",
        "",
        text,
        "",
        "--000000000000dsn9f0--",
    )


def microsoft365(original: bytes, *, recipient: str = GRACE) -> bytes:
    """Microsoft 365's NDR: "Undeliverable: <subject>", a multipart/alternative explanation,
    lower-case field names, and the returned headers."""
    _, headers, subject = _original(original)
    return _lines(
        "From: Microsoft Outlook <postmaster@contoso.onmicrosoft.com>",
        "To: <support@localhost>",
        "Date: Mon, 30 Nov 2026 10:05:04 +0000",
        "Content-Type: multipart/report; report-type=delivery-status;",
        '\tboundary="a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b"',
        "X-MS-Exchange-Message-Is-Ndr:",
        "Content-Language: en-US",
        "Message-ID: <a1b2c3d4-aaaa-bbbb-cccc-ddddeeeeffff@DB9PR01MB0001.eurprd01.prod.outlook.com>",
        f"Subject: Undeliverable: {subject}",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        "",
        "--a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b",
        "Content-Type: multipart/alternative; differences=Content-Type;",
        '\tboundary="b2c3d4e5-f6a7-4811-9bac-1d2e3f4a5b6c"',
        "",
        "--b2c3d4e5-f6a7-4811-9bac-1d2e3f4a5b6c",
        'Content-Type: text/plain; charset="us-ascii"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Your message to " + recipient + " couldn't be delivered.",
        "grace wasn't found at example.org.",
        "",
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient=",
        " not found by SMTP address lookup'",
        "",
        "--b2c3d4e5-f6a7-4811-9bac-1d2e3f4a5b6c",
        'Content-Type: text/html; charset="us-ascii"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<html><body><p>Your message couldn't be delivered.</p></body></html>",
        "",
        "--b2c3d4e5-f6a7-4811-9bac-1d2e3f4a5b6c--",
        "",
        "--a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns;DB9PR01MB0001.eurprd01.prod.outlook.com",
        "Received-From-MTA: dns;DB9PR01MB0002.eurprd01.prod.outlook.com",
        "Arrival-Date: Mon, 30 Nov 2026 10:05:03 +0000",
        "",
        f"Final-recipient: rfc822;{recipient}",
        "Action: failed",
        "Status: 5.1.10",
        "Diagnostic-code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        "X-Display-Name: Grace Hopper",
        "",
        "--a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b",
        "Content-Type: text/rfc822-headers",
        "",
        headers,
        "",
        "--a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b--",
    )


PERMANENT = {"rfc3464": rfc3464, "postfix": postfix, "exim": exim, "gmail": gmail, "microsoft365": microsoft365}
