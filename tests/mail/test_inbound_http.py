"""POST /mail/inbound/<mailbox>/: what an inbound-mail service sees, status by status."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from mail import views
from mail.models import InboundMessage
from mail.services import inbound_token_rotate
from tests.mail.corpus import LATIN1
from tickets.models import Ticket

URL = "/mail/inbound/support/"


def post(raw: bytes, token: str | None, url: str = URL):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return Client(enforce_csrf_checks=True).post(url, raw, content_type="message/rfc822", headers=headers)


@pytest.fixture
def token(mailbox) -> str:
    return inbound_token_rotate(mailbox=mailbox)


@pytest.mark.django_db
def test_a_message_is_accepted_and_the_same_again_makes_no_second_ticket(token):
    first = post(LATIN1, token)
    assert first.status_code == 202
    ticket = Ticket.objects.get()
    assert first.json() == {"status": "ticket", "duplicate": False, "ticket": ticket.reference}
    again = post(LATIN1, token)
    assert again.status_code == 202
    assert again.json() == {"status": "ticket", "duplicate": True, "ticket": ticket.reference}
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_multipart_upload_is_accepted(token):
    upload = SimpleUploadedFile("message.eml", LATIN1, content_type="message/rfc822")
    response = Client().post(URL, {"message": upload}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 202
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("given", [None, "", "wrong-token"])
def test_a_missing_or_wrong_token_is_refused_and_nothing_is_stored(token, given):
    response = post(LATIN1, given)
    assert response.status_code == 401
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_an_unknown_mailbox_answers_like_a_wrong_token(token):
    unknown = post(LATIN1, token, url="/mail/inbound/nobody/")
    wrong = post(LATIN1, "wrong-token")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json()) == (401, wrong.json())


@pytest.mark.django_db
def test_a_mailbox_without_a_token_refuses_every_token(mailbox):
    assert post(LATIN1, "").status_code == 401
    assert post(LATIN1, "anything").status_code == 401


@pytest.mark.django_db
def test_a_new_token_retires_the_old_one(mailbox, token):
    newer = inbound_token_rotate(mailbox=mailbox)
    assert post(LATIN1, token).status_code == 401
    assert post(LATIN1, newer).status_code == 202
    mailbox.refresh_from_db()
    assert newer not in mailbox.inbound_token_hash  # only the hash is kept


@pytest.mark.django_db
def test_a_message_over_the_limit_gets_413(token, settings):
    settings.MAIL_INBOUND_MAX_BYTES = len(LATIN1) - 1
    response = post(LATIN1, token)
    assert response.status_code == 413
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_database_error_gets_503_so_the_sender_retries(token, monkeypatch):
    def database_down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "email_ingest", database_down)  # the database is the edge here
    response = post(LATIN1, token)
    assert response.status_code == 503
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_switched_off_mailbox_gets_503_so_nothing_is_lost(mailbox, token):
    mailbox.is_active = False
    mailbox.save()
    assert post(LATIN1, token).status_code == 503
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_get_is_not_allowed(token):
    assert Client().get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 405


@pytest.mark.django_db
def test_the_command_prints_a_working_token_once(mailbox):
    out = io.StringIO()
    call_command("mailbox_token", mailbox="support", stdout=out)
    printed = out.getvalue().strip()
    assert post(LATIN1, printed).status_code == 202


@pytest.mark.django_db
def test_the_admin_action_shows_a_working_token(mailbox, admin_client_):
    response = admin_client_.post(
        "/admin/mail/mailbox/",
        {"action": "new_inbound_token", "_selected_action": [mailbox.pk]},
        follow=True,
    )
    [shown] = [str(m) for m in response.context["messages"]]
    assert post(LATIN1, shown.rsplit(" ", 1)[1]).status_code == 202


@pytest.mark.django_db
def test_a_message_larger_than_the_form_limit_is_accepted(token, settings):
    big = LATIN1 + (b"\r\n" + b"y" * 76) * 40_000  # about 3 MB of text
    assert len(big) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = post(big, token)
    assert response.status_code == 202
    assert InboundMessage.objects.get().raw_size == len(big)
