"""mail.trimming: what the customer newly wrote, from bodies shaped as real mail clients write them."""

from __future__ import annotations

import pytest

from mail.html_text import html_to_text
from mail.trimming import trim

HISTORY = "Hello Grace,\nWe've got your request and a person from our team will look at it."


def quoted(text: str, mark: str = "> ") -> str:
    return "\n".join(f"{mark}{line}".rstrip() for line in text.split("\n"))


CASES = {
    "gmail": (
        "Thanks, the new driver fixed it.\n\n"
        "On Mon, 30 Nov 2026 at 09:12, Support <support@example.com> wrote:\n\n" + quoted(HISTORY),
        "Thanks, the new driver fixed it.",
    ),
    "gmail-wrapped-attribution": (
        "Still broken.\n\nOn Mon, Nov 30, 2026 at 9:12\u202fAM Example Support Team <\n"
        "support+HD-1001-abc@example.com> wrote:\n\n" + quoted(HISTORY),
        "Still broken.",
    ),
    "apple-mail-with-iphone-footer": (
        "Yes, it's the HP on the 2nd floor.\n\nSent from my iPhone\n\n"
        "> On 30 Nov 2026, at 09:12, Support <support@example.com> wrote:\n>\n" + quoted(HISTORY),
        "Yes, it's the HP on the 2nd floor.",
    ),
    "thunderbird": (
        "It works now.\n\nOn 30/11/2026 09:12, Support wrote:\n" + quoted(HISTORY),
        "It works now.",
    ),
    "thunderbird-signature-below-quote": (
        "It works now.\n\nOn 30/11/2026 09:12, Support wrote:\n" + quoted(HISTORY) + "\n\n-- \nGrace Hopper\nACME Ltd",
        "It works now.",
    ),
    "gmail-signature-above-quote": (
        "It works now.\n\n-- \nGrace Hopper\nHead of IT, ACME Ltd\n+44 20 7946 0000\n\n"
        "On Mon, 30 Nov 2026 at 09:12, Support <support@example.com> wrote:\n" + quoted(HISTORY),
        "It works now.",
    ),
    "outlook-desktop": (
        "Yes, that's right.\n\nKind regards\nGrace\n\n________________________________\n"
        "From: Support <support@example.com>\nSent: Monday, 30 November 2026 09:12\n"
        "To: Grace Hopper <grace@example.org>\nSubject: We've got your request [HD-1001]\n\n" + HISTORY,
        "Yes, that's right.\n\nKind regards\nGrace",
    ),
    "outlook-bold-headers-german": (
        "Ja, das stimmt.\n\n*Von:* Support <support@example.com>\n*Gesendet:* Montag, 30. November 2026 09:12\n"
        "*An:* Grace <grace@example.org>\n*Betreff:* Anfrage [HD-1001]\n\n" + HISTORY,
        "Ja, das stimmt.",
    ),
    "outlook-original-message": (
        "Please close it.\n\n-----Original Message-----\nFrom: Support [mailto:support@example.com]\n"
        "Sent: Monday, November 30, 2026 9:12 AM\n\n" + HISTORY,
        "Please close it.",
    ),
    "outlook-mobile-footer": ("Done, thanks!\n\nGet Outlook for iOS<https://aka.ms/o0ukef>", "Done, thanks!"),
    "german-gmail": (
        "Danke!\n\nAm Mo., 30. Nov. 2026 um 09:12 Uhr schrieb Support <support@example.com>:\n\n" + quoted(HISTORY),
        "Danke!",
    ),
    "french-gmail": (
        "Merci !\n\nLe lun. 30 nov. 2026 à 09:12, Support <support@example.com> a écrit :\n\n" + quoted(HISTORY),
        "Merci !",
    ),
    "spanish-apple": (
        "Gracias.\n\nEnviado desde mi iPhone\n\n"
        "> El 30 nov 2026, a las 9:12, Support <support@example.com> escribió:\n>\n" + quoted(HISTORY),
        "Gracias.",
    ),
    "japanese-gmail": (
        "ありがとうございます。\n\n2026年11月30日(月) 9:12 Support <support@example.com>:\n\n" + quoted(HISTORY),
        "ありがとうございます。",
    ),
    "german-iphone-footer": ("Passt, danke.\n\nVon meinem iPhone gesendet", "Passt, danke."),
    "unprefixed-history-after-dated-attribution": (
        "Fixed.\n\nOn Mon, 30 Nov 2026 at 09:12, Support <support@example.com> wrote:\n" + HISTORY,
        "Fixed.",
    ),
    "signature-dashes-without-space": ("See you.\n--\nGrace", "See you."),
    "nested-quotes": (
        "Agreed.\n\nOn Tue, 1 Dec 2026 at 10:00, Support <support@example.com> wrote:\n"
        "> Shall we close it?\n>\n>> On Mon, 30 Nov 2026 at 09:12, Grace wrote:\n>> It broke again.",
        "Agreed.",
    ),
}


@pytest.mark.parametrize("body,visible", CASES.values(), ids=CASES.keys())
def test_quoted_history_and_signatures_are_trimmed_from_the_visible_text(body: str, visible: str):
    result = trim(body)
    assert result.visible == visible
    assert result.full == body.strip()  # the whole text is kept beside it
    assert result.trimmed


def test_an_interleaved_answer_keeps_its_text_and_the_questions_it_answers():
    body = (
        "On Mon, 30 Nov 2026 at 09:12, Support <support@example.com> wrote:\n"
        "> Which printer is it?\n\nThe HP on the 2nd floor.\n\n> Since when?\n\nSince Friday's update.\n\n-- \nGrace"
    )
    visible = trim(body).visible
    assert visible == body.removesuffix("\n\n-- \nGrace")
    assert "The HP on the 2nd floor." in visible and "Since Friday's update." in visible


def test_an_answer_below_the_quote_is_kept_with_the_quote_it_answers():
    body = "> Which printer is it?\n\nThe HP on the 2nd floor."
    assert trim(body).visible == body
    assert not trim(body).trimmed


@pytest.mark.parametrize(
    "body",
    [
        "> Just the quote, nothing new.\n> Second line.",
        "On Mon, 30 Nov 2026 at 09:12, Support <support@example.com> wrote:\n> Only a quote.",
        "-----Original Message-----\nFrom: Support\nSent: Monday\n\nOnly history.",
        "-- \nGrace Hopper",
        "Sent from my iPhone",
    ],
)
def test_a_message_that_would_trim_to_nothing_is_kept_whole(body: str):
    result = trim(body)
    assert result.visible == body
    assert not result.trimmed


@pytest.mark.parametrize(
    "body",
    [
        "On Monday my colleague wrote:\nThe printer is broken again.",  # no time: not a client's attribution
        "The log says:\nFrom: cron\nrun failed",  # From without Sent and To
        "Notes\n-- \n" + "\n".join(f"step {n}" for n in range(20)),  # too long for a signature
        "I was sent from my desk to the 3rd floor.",
        "Use the address below:\n> support@example.com\nand then sign in.",
    ],
)
def test_ordinary_text_that_only_looks_like_quoting_is_left_alone(body: str):
    assert trim(body).visible == body


def test_a_gmail_forward_keeps_the_forwarded_message_and_trims_only_the_note_s_signature():
    forwarded = (
        "---------- Forwarded message ---------\nFrom: Billing <billing@vendor.example>\n"
        "Date: Mon, 30 Nov 2026 at 08:00\nSubject: Invoice 42\nTo: <grace@example.org>\n\nYour invoice is overdue."
    )
    result = trim("Is this genuine?\n\n-- \nGrace\n\n" + forwarded, subject="Fwd: Invoice 42")
    assert result.visible == "Is this genuine?\n\n" + forwarded


def test_an_apple_mail_forward_is_kept():
    body = (
        "See below.\n\nBegin forwarded message:\n\n"
        "From: Billing <billing@vendor.example>\nSubject: Invoice 42\n\nPay now."
    )
    assert trim(body, subject="Fwd: Invoice 42").visible == body


def test_an_outlook_forward_is_told_from_a_reply_by_its_subject():
    body = (
        "FYI, see the vendor's mail.\n\n________________________________\nFrom: Billing <billing@vendor.example>\n"
        "Sent: Monday, 30 November 2026 08:00\nTo: Grace Hopper <grace@example.org>\nSubject: Invoice 42\n\nPay now."
    )
    assert trim(body, subject="FW: Invoice 42").visible == body
    assert trim(body, subject="RE: Invoice 42").visible == "FYI, see the vendor's mail."


def test_crlf_line_ends_are_read_like_lf():
    assert trim("Thanks.\r\n\r\nOn 30/11/2026 09:12, Support wrote:\r\n> Hi\r\n").visible == "Thanks."


class TestHtmlOnlyMessages:
    """HTML-only mail goes through html_to_text first: its blockquotes become "> " lines."""

    def test_gmail_quote_div(self):
        html = (
            '<div dir="ltr">Thanks, it works.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
            "On Mon, 30 Nov 2026 at 09:12, Support &lt;support@example.com&gt; wrote:<br></div>"
            '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div>Hello Grace,</div>'
            "<div>We've got your request.</div></blockquote></div>"
        )
        result = trim(html_to_text(html))
        assert result.visible == "Thanks, it works."
        assert "> We've got your request." in result.full

    def test_thunderbird_cite_prefix_and_signature(self):
        html = (
            '<p>It works now.</p><pre class="moz-signature" cols="72">-- \nGrace Hopper\nACME Ltd</pre>'
            '<div class="moz-cite-prefix">On 30/11/2026 09:12, Support wrote:<br></div>'
            '<blockquote type="cite" cite="mid:ack@example.com">Hello Grace,<br>We\'ve got it.</blockquote>'
        )
        assert trim(html_to_text(html)).visible == "It works now."

    def test_apple_mail_cite_blockquote(self):
        html = (
            '<div>Yes please.</div><div><br><blockquote type="cite"><div>On 30 Nov 2026, at 09:12, Support '
            "&lt;support@example.com&gt; wrote:</div><br><div><div>Hello Grace,</div></div></blockquote></div>"
        )
        assert trim(html_to_text(html)).visible == "Yes please."

    def test_outlook_reply_header_div(self):
        html = (
            '<div>Yes, that is right.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
            '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Support &lt;support@example.com&gt;'
            "<br><b>Sent:</b> Monday, 30 November 2026 09:12<br><b>To:</b> Grace Hopper &lt;grace@example.org&gt;"
            "<br><b>Subject:</b> We've got your request</font><div>&nbsp;</div></div><div>Hello Grace,</div>"
        )
        assert trim(html_to_text(html)).visible == "Yes, that is right."

    def test_interleaved_html_answers_keep_their_text(self):
        html = "<blockquote>Which printer?</blockquote><p>The HP.</p><blockquote>Since when?</blockquote><p>Friday.</p>"
        assert trim(html_to_text(html)).visible == "> Which printer?\n\nThe HP.\n\n> Since when?\n\nFriday."


def test_a_long_tail_of_quotes_and_footers_is_trimmed_in_linear_time():
    import time

    body = "Real words.\n" + "> quoted\nSent from my iPhone\n" * 10_000  # ~0.6 s; copying the list per cut took >10 s
    started = time.monotonic()
    assert trim(body).visible == "Real words."
    assert time.monotonic() - started < 3
