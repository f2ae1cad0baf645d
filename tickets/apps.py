from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from tickets import tasks  # noqa: F401  registers the tasks that services queue by name
        from tickets.models import BusinessCalendar, Holiday, OpeningHours, Queue, SlaPolicy
        from tickets.periodic import ensure_periodic_tasks
        from tickets.sla_config import sla_config_changed

        post_migrate.connect(ensure_periodic_tasks, sender=self)
        for model in (SlaPolicy, BusinessCalendar, OpeningHours, Holiday, Queue):
            for signal in (post_save, post_delete):
                signal.connect(sla_config_changed, sender=model, dispatch_uid=f"sla-config-{model.__name__}")
