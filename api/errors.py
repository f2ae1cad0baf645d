"""Errors as JSON: 400 with field errors (``{"field": ["message"]}``), 401/403/404 that leak nothing.

The domain's services raise Django's ``ValidationError`` with the field each message is about,
exactly what the desk's forms show beside their fields (``desk/views/*.py``); here it becomes
DRF's 400 body. A message about no one field goes under ``non_field_errors``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_handler


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        field = api_settings.NON_FIELD_ERRORS_KEY
        return {(name if name != "__all__" else field): list(messages) for name, messages in exc.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    return drf_handler(exc, context)


def as_field(exc: ValidationError, renames: dict[str, str]) -> ValidationError:
    """``exc`` with its fields named as the API names them (a service's ``next_update_at`` is ``due_at``)."""
    errors = field_errors(exc)
    return ValidationError({renames.get(name, name): messages for name, messages in errors.items()})
