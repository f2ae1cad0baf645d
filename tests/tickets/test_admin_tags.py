"""Tags in the admin: names and colours curated there, names unique whatever their case."""

import pytest
from django.urls import reverse

from tickets.models import Tag

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_tag_with_a_colour_and_sees_it_as_agents_will(admin_client_):
    response = admin_client_.post(reverse("admin:tickets_tag_add"), {"name": "  VIP   customer ", "colour": "purple"})
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert (tag.name, tag.colour) == ("VIP customer", "purple") and tag.created_at is not None
    page = admin_client_.get(reverse("admin:tickets_tag_changelist")).content.decode()
    assert '<span class="badge tag tag-purple">VIP customer</span>' in page
    assert "/static/css/tags.css" in page
    assert "/desk/?tag=VIP+customer" in page


def test_the_same_name_in_another_case_is_refused(admin_client_):
    Tag.objects.create(name="vip", created_at="2026-01-01T00:00:00Z")
    response = admin_client_.post(reverse("admin:tickets_tag_add"), {"name": "VIP", "colour": "red"})
    assert response.status_code == 200
    assert "There is already a tag “vip”" in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert Tag.objects.count() == 1


def test_agents_cannot_open_the_tag_admin(alice):
    assert alice.get(reverse("admin:tickets_tag_changelist")).status_code in (302, 403)
