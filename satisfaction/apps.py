from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satisfaction"
    verbose_name = "Satisfaction"

    def ready(self) -> None:
        from satisfaction import emails, tasks  # noqa: F401  registers the survey email and the beat tasks

        emails.register()
