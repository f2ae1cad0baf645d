from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tickets import tasks  # noqa: F401  registers the tasks that services queue by name
        from tickets.periodic import ensure_periodic_tasks

        post_migrate.connect(ensure_periodic_tasks, sender=self)
