from __future__ import annotations

from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower


class CustomerQuerySet(models.QuerySet["Customer"]):
    def with_email(self, email: str) -> CustomerQuerySet:
        """The customer whose address is ``email``, whatever its case: ``LOWER(email) = LOWER(%s)``, the
        expression of the unique index, so PostgreSQL seeks it (``email__iexact`` compares UPPER()
        and would read the whole table)."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email.strip())))


class Customer(models.Model):
    """Someone who asks us for help. Known by email address, whatever its case.

    A customer merged into another (``tickets.services.customers.customer_merge``) keeps its row,
    without tickets, as the other one's second address: ``merged_into`` names the customer that
    address now belongs to, so a new request or a "find my requests" from it reaches the same
    person (``kept``). Merges are flattened: ``merged_into`` never names a merged customer.
    """

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    timezone = models.CharField(max_length=64, blank=True, help_text="IANA zone, when known.")
    created_at = models.DateTimeField()
    # Set by a permanent delivery failure (a bounce) of an email to this address; cleared when
    # the customer writes in again from it, or by an agent (tickets.services.bounces).
    email_bouncing_since = models.DateTimeField(null=True, blank=True, help_text="When emails to it began to bounce.")
    email_bounce_reason = models.CharField(
        max_length=200, blank=True, help_text="What the receiving server answered, e.g. 550 5.1.1 user unknown."
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="aliases", editable=False
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customer_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def email_bounces(self) -> bool:
        return self.email_bouncing_since is not None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @property
    def kept_id(self) -> int:
        """The id of the customer this address belongs to: its own, or the one it was merged into."""
        return self.merged_into_id or self.pk
