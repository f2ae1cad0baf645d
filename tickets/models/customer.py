from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class Customer(models.Model):
    """Someone who asks us for help. Known by email address, whatever its case."""

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    timezone = models.CharField(max_length=64, blank=True, help_text="IANA zone, when known.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customer_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name
