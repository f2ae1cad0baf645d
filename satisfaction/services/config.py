"""The admin's settings: one row, made with the defaults the first time it is read."""

from __future__ import annotations

from satisfaction.models import SatisfactionSettings

SETTINGS_PK = 1


def settings_get() -> SatisfactionSettings:
    config, _ = SatisfactionSettings.objects.get_or_create(pk=SETTINGS_PK)
    return config
