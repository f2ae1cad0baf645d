import pytest

from tickets.links import link_matches, link_token, new_link_secret


@pytest.mark.django_db
def test_token_depends_on_the_secret_key(ticket, settings):
    token = link_token(ticket)
    settings.SECRET_KEY = "another-secret-key-entirely-different-0123456789"
    assert link_token(ticket) != token


def test_new_secrets_are_random_and_long():
    salts = {new_link_secret()[0] for _ in range(50)}
    assert len(salts) == 50
    assert all(len(salt) >= 40 for salt in salts)


@pytest.mark.django_db
def test_a_token_matches_only_its_own_ticket(desk):
    from tests.factories import TicketFactory

    one, two = TicketFactory(queue=desk.queue_a), TicketFactory(queue=desk.queue_a)
    assert link_matches(one, link_token(one))
    assert not link_matches(two, link_token(one))
    assert not link_matches(one, "")
