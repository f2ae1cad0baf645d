from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Reports"

    def ready(self) -> None:
        from reporting import tasks  # noqa: F401 - registers the roll-up task's name in every process
