"""Portal configuration loaders: by id, or the account's default one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import PortalConfiguration

# The key of the account's default portal configuration (aiodataloader refuses None as a key).
_DEFAULT = "default"


class PortalLoaders:
    """Portal configurations by id, the default one under its own key."""

    def __init__(self, gateway: BillingGateway) -> None:
        self._gateway = gateway
        self._configurations = Loader(self._fetch)

    def configuration(self, configuration_id: str | None) -> Awaitable[PortalConfiguration]:
        return self._configurations.load(configuration_id or _DEFAULT)

    async def _fetch(self, keys: list[str]) -> list[PortalConfiguration | Exception]:
        async def fetch(key: str) -> PortalConfiguration:
            if key == _DEFAULT:
                return await self._gateway.default_portal_configuration()
            return await self._gateway.retrieve_portal_configuration(key)

        return await each(keys, fetch)
