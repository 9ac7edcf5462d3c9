"""The webhook app of `tests.webhooks`, for the hostile deliveries sent to it here."""

from tests.webhooks.conftest import cache_store, cached_gateway, client, webhook_app

__all__ = ["cache_store", "cached_gateway", "client", "webhook_app"]
