from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Email in"

    def ready(self) -> None:
        from mail import tasks  # noqa: F401  registers the poll task beat queues by name
