from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The agents' way in (/desk/): pages only; every write goes through the domain's services."""

    name = "desk"
    verbose_name = "Agent desk"
