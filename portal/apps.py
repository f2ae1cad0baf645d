from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer's way in (/support/): pages only; every write goes through tickets' services."""

    name = "portal"
    verbose_name = "Customer portal"
