"""Payment loaders: charges, payment intents, refunds by id and by page, and every refund of a payment."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each
from resolvers.pagination import MAX_PAGE_SIZE
from stripe_gateway.ids import is_charge_id
from stripe_gateway.records import Refund

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Awaitable

    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import Charge, Page, PaymentIntent


@dataclass(frozen=True, slots=True)
class RefundPageKey:
    """One page of the refunds of a charge (`ch_…`) or a payment intent (`pi_…`), as Stripe lists them."""

    payment_id: str
    limit: int
    starting_after: str | None = None
    ending_before: str | None = None


def _refund_page(gateway: BillingGateway, key: RefundPageKey) -> Awaitable[Page[Refund]]:
    by_charge = is_charge_id(key.payment_id)
    return gateway.list_refunds(
        charge_id=key.payment_id if by_charge else None,
        payment_intent_id=None if by_charge else key.payment_id,
        limit=key.limit,
        starting_after=key.starting_after,
        ending_before=key.ending_before,
    )


async def every_refund(gateway: BillingGateway, payment_id: str) -> AsyncGenerator[Refund, None]:
    """Every refund of a charge or payment intent, newest first, read from Stripe a full page at a time."""
    key = RefundPageKey(payment_id, MAX_PAGE_SIZE)
    while True:
        page = await _refund_page(gateway, key)
        for refund in page.data:
            yield refund
        if not page.has_more or not page.data:
            return
        key = replace(key, starting_after=page.data[-1].id)


class PaymentLoaders:
    """Charges, payment intents, and refunds (a refund primes the charge it came with)."""

    def __init__(self, gateway: BillingGateway) -> None:
        self._gateway = gateway
        self._charges = Loader(self._fetch_charges)
        self._payment_intents = Loader(self._fetch_payment_intents)
        self._refunds = Loader(self._fetch_refunds)
        self._refund_pages = Loader(self._fetch_refund_pages)
        self._all_refunds = Loader(self._fetch_all_refunds)

    def charge(self, charge_id: str) -> Awaitable[Charge]:
        return self._charges.load(charge_id)

    def payment_intent(self, payment_intent_id: str) -> Awaitable[PaymentIntent]:
        return self._payment_intents.load(payment_intent_id)

    def refund(self, refund_id: str) -> Awaitable[Refund]:
        return self._refunds.load(refund_id)

    def refund_page(self, key: RefundPageKey) -> Awaitable[Page[Refund]]:
        return self._refund_pages.load(key)

    def all_refunds(self, payment_id: str) -> Awaitable[tuple[Refund, ...]]:
        return self._all_refunds.load(payment_id)

    async def _fetch_charges(self, ids: list[str]) -> list[Charge | Exception]:
        return await each(ids, self._gateway.retrieve_charge)

    async def _fetch_payment_intents(self, ids: list[str]) -> list[PaymentIntent | Exception]:
        return await each(ids, self._gateway.retrieve_payment_intent)

    async def _fetch_refunds(self, ids: list[str]) -> list[Refund | Exception]:
        refunds = await each(ids, self._gateway.retrieve_refund)
        for refund in refunds:
            if isinstance(refund, Refund) and refund.charge is not None:
                self._charges.prime(refund.charge.id, refund.charge)
        return refunds

    async def _fetch_refund_pages(self, keys: list[RefundPageKey]) -> list[Page[Refund] | Exception]:
        return await each(keys, lambda key: _refund_page(self._gateway, key))

    async def _fetch_all_refunds(self, payment_ids: list[str]) -> list[tuple[Refund, ...] | Exception]:
        async def fetch(payment_id: str) -> tuple[Refund, ...]:
            return tuple([refund async for refund in every_refund(self._gateway, payment_id)])

        return await each(payment_ids, fetch)
