"""Small shapes shared by several resources."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from tickets.models import Customer, Queue


class QueueRefSerializer(serializers.ModelSerializer[Queue]):
    class Meta:
        model = Queue
        fields = ["id", "name", "slug"]


class CustomerRefSerializer(serializers.ModelSerializer[Customer]):
    class Meta:
        model = Customer
        fields = ["id", "name", "email"]


class AgentRefSerializer(serializers.ModelSerializer[User]):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()


def page_serializer(item: type[serializers.Serializer[Any]], name: str) -> type[serializers.Serializer[Any]]:
    """The shape of a cursor page of ``item``: ``next`` (a URL, or null on the last page) and ``results``."""
    fields = {
        "next": serializers.URLField(allow_null=True, help_text="The next page; null on the last one."),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
