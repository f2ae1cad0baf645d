from django.apps import AppConfig


class CannedResponsesConfig(AppConfig):
    name = "canned_responses"
    verbose_name = "Canned responses"
