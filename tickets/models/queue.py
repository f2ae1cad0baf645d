from __future__ import annotations

from django.conf import settings
from django.db import models


class QueueQuerySet(models.QuerySet["Queue"]):
    def for_agent(self, user: models.Model) -> QueueQuerySet:
        """The queues an agent works in or leads (team leads follow their queues' tickets)."""
        return self.filter(models.Q(agents=user) | models.Q(team_lead=user)).distinct()


class Queue(models.Model):
    """A team's inbox. Agents see the tickets of the queues they belong to."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="helpdesk_queues", blank=True)
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_queues",
    )
    calendar = models.ForeignKey(
        "tickets.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Business hours for this queue's promises. Empty: around the clock.",
    )
    busy_threshold = models.PositiveSmallIntegerField(
        default=8,
        help_text="Open unassigned tickets per on-duty agent above which new customers are told the desk is busy "
        "and their first promise is stretched. 0 turns this off.",
    )
    is_default = models.BooleanField(default=False, help_text="New tickets from the public form land in this queue.")
    takes_complaints = models.BooleanField(
        default=False,
        help_text="Complaints land here, from the web form and every mailbox, and go to this queue's team lead "
        "when it has one. At most one queue.",
    )

    objects = QueueQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="queue_one_default"
            ),
            models.UniqueConstraint(
                fields=["takes_complaints"],
                condition=models.Q(takes_complaints=True),
                name="queue_one_complaints",
            ),
        ]

    def __str__(self) -> str:
        return self.name
