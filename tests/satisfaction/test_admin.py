"""The admin's satisfaction settings (one row) and the read-only survey list."""

from __future__ import annotations

import pytest

from satisfaction.models import SatisfactionSettings
from satisfaction.services.config import settings_get

pytestmark = pytest.mark.django_db
URL = "/admin/satisfaction/"


def test_the_admin_changes_the_settings(admin_client_):
    config = settings_get()
    page = admin_client_.get(f"{URL}satisfactionsettings/{config.pk}/change/")
    assert page.status_code == 200 and "Rating scale" in page.content.decode()
    response = admin_client_.post(
        f"{URL}satisfactionsettings/{config.pk}/change/",
        {
            "surveys_on": "on",
            "scale": "5",
            "survey_every_days": "30",
            "survey_delay_minutes": "5",
            "auto_close_days": "3",
        },
    )
    assert response.status_code == 302
    config.refresh_from_db()
    assert (config.scale, config.survey_every_days, config.survey_delay_minutes, config.auto_close_days) == (
        5,
        30,
        5,
        3,
    )


def test_auto_close_needs_at_least_a_day(admin_client_):
    config = settings_get()
    response = admin_client_.post(
        f"{URL}satisfactionsettings/{config.pk}/change/",
        {"scale": "3", "survey_every_days": "14", "survey_delay_minutes": "10", "auto_close_days": "0"},
    )
    assert response.status_code == 200 and "greater than or equal to 1" in response.content.decode()
    assert SatisfactionSettings.objects.get().auto_close_days == 7


def test_the_list_opens_the_one_rows_form(admin_client_):
    response = admin_client_.get(f"{URL}satisfactionsettings/")
    config = SatisfactionSettings.objects.get()  # made with the defaults
    assert response["Location"] == f"{URL}satisfactionsettings/{config.pk}/change/"
    assert (config.surveys_on, config.scale, config.survey_every_days, config.auto_close_days) == (True, 3, 14, 7)


def test_one_row_only(admin_client_):
    settings_get()
    assert admin_client_.get(f"{URL}satisfactionsettings/add/").status_code == 403
    assert admin_client_.get(f"{URL}satisfactionsettings/1/delete/").status_code == 403


def test_surveys_are_listed_read_only(admin_client_, surveyed):
    assert surveyed.ticket.reference in admin_client_.get(f"{URL}survey/").content.decode()
    assert admin_client_.get(f"{URL}survey/add/").status_code == 403
