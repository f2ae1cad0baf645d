from webhooks.models.delivery import DispatchCursor, WebhookAttempt, WebhookDelivery
from webhooks.models.endpoint import WebhookEndpoint

__all__ = ["DispatchCursor", "WebhookAttempt", "WebhookDelivery", "WebhookEndpoint"]
