"""The signed-in user of a request that a guard has already checked, typed as a ``User``."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` behind a guard that lets only signed-in users through (the admin's
    ``admin_view``): a ``User``, not ``AnonymousUser``. Refused (403) if the guard were ever missing."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
