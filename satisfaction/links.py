"""The survey's rating links: ``/support/rate/<token>/<rating>/``, usable without signing in.

The token is ``django.core.signing`` over the survey's id, with a salt of its own (it opens the
rating form and nothing else) and an age limit (``SURVEY_LINK_MAX_AGE``, 30 days). The rating in
the path only preselects the answer on the page: a GET shows the choice, only the page's POST
records it, so a mail scanner that opens every link in the email casts no vote.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "satisfaction.survey.rate"
SURVEY_LINK_MAX_AGE = timedelta(days=30)


class LinkExpired(Exception):
    """A genuine link, older than ``SURVEY_LINK_MAX_AGE``."""


class LinkInvalid(Exception):
    """Not a link we made (forged, altered, or made for something else)."""


def rate_token(survey_id: int) -> str:
    return signing.dumps(survey_id, salt=SALT, compress=False)


def survey_id_from_token(token: str) -> int:
    """The survey a token was made for; raises ``LinkExpired`` or ``LinkInvalid``."""
    try:
        value = signing.loads(token, salt=SALT, max_age=SURVEY_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkInvalid
    return value


def rate_url(survey_id: int, rating: int) -> str:
    return settings.SITE_URL + reverse("portal:rate", kwargs={"token": rate_token(survey_id), "rating": rating})
