"""The top bar's availability switch: off-duty agents aren't counted for load nor told of unassigned tickets."""

import pytest

from tickets.models import AgentProfile

pytestmark = pytest.mark.django_db


def test_an_agent_goes_off_duty_and_back(desk, alice):
    assert "On duty" in alice.get("/desk/").content.decode()
    response = alice.post("/desk/availability/", {"on_duty": "0", "next": "/desk/?kind=problem"})
    assert response.status_code == 302 and response["Location"] == "/desk/?kind=problem"
    assert AgentProfile.objects.get(user=desk.agent_a).on_duty is False
    assert "Off duty" in alice.get("/desk/").content.decode()
    alice.post("/desk/availability/", {"on_duty": "1"})
    assert AgentProfile.objects.get(user=desk.agent_a).on_duty is True


def test_the_switch_never_redirects_off_site_and_refuses_get(desk, alice, stranger):
    response = alice.post("/desk/availability/", {"on_duty": "0", "next": "https://evil.example/"})
    assert response["Location"] == "/desk/"
    assert alice.get("/desk/availability/").status_code == 405
    assert stranger.post("/desk/availability/", {"on_duty": "0"}).status_code == 302  # to the login page
    assert not AgentProfile.objects.filter(on_duty=False).exclude(user=desk.agent_a).exists()
