"""`CachedGateway`: the gateway's interface with reads served from a shared cache and writes invalidating it.

Entries are keyed by Stripe object (or by the query, for lists) and belong to groups: their customer, each
Stripe object they contain, or the catalog. Webhooks and our own writes drop groups; the TTL is only a safety
net. An entry is cached only when a customer or catalog invalidation reaches it, because those are what
webhooks send: a list that names no customer (refunds, an empty page of a subscription's invoices) is not,
while a refund read by id is, under the customer of the charge it came with.
A failing cache never fails a read: it is logged and the read goes to Stripe.

Concurrent misses for one entry, from any requests, share one Stripe call (a flight). The flight waits in
the pacer until the latest of its requests' deadlines, and is dropped once every request waiting for it has
lost its client: nobody would read the answer.

A customer session reads through `seen_by(customer_id)`: an entry outside that customer's group (another
customer's object) is not served to it but read from Stripe, as a missing object is, so that the time of
the answer does not tell another customer's object from none.

Every read served from the cache, or read from Stripe and kept, reports its groups and lifetime to the
answer being built (`dependencies`); every call that is not such a read (a fresh read, a list that is not
cached, a write) reports that the answer must not be cached.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import json
import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar, cast, get_args, get_origin

from stripe_gateway.caching import dependencies
from stripe_gateway.caching.codec import FORMAT_VERSION, CodecError, encode
from stripe_gateway.caching.decoded import DecodedRecords
from stripe_gateway.caching.stores import CacheUnavailable
from stripe_gateway.errors import Throttled
from stripe_gateway.metrics import CACHE_LOOKUPS
from stripe_gateway.pacing import Deadline, current_deadline
from stripe_gateway.records import (
    AccountBranding,
    BalanceTransaction,
    Charge,
    CreditGrant,
    CreditLedgerEntry,
    CreditSummary,
    Customer,
    Invoice,
    InvoicePayment,
    Meter,
    MeterEvent,
    Page,
    PaymentIntent,
    PaymentMethod,
    PortalConfiguration,
    Price,
    Product,
    Refund,
    SetupIntent,
    Subscription,
    UsageSeries,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence

    from stripe_gateway.caching.stores import CacheStore, Entries
    from stripe_gateway.gateway import StripeGateway
    from stripe_gateway.records import (
        CancellationFeedback,
        CollectionMethod,
        Coupon,
        CouponSpec,
        CustomerUpdate,
        Event,
        InvoiceStatus,
        ItemChange,
        NewInvoiceItem,
        PortalFlow,
        RefundReason,
        StripePortalSession,
        TaxId,
        TaxIdType,
        UsageWindow,
    )

T = TypeVar("T")
logger = logging.getLogger(__name__)

CATALOG = "catalog"
# Usage summaries, credit balances and upcoming invoices (which bill usage so far) change with every usage
# report and send no webhook for it: they are kept this long, and say when they were read (`as_of`).
USAGE_TTL_SECONDS = 60.0


class _NothingToPreview(Exception):  # noqa: N818 - not an error: a preview of nothing
    """Raised through `_read` so that a preview of nothing is returned without being cached."""


def customer_group(customer_id: str) -> str:
    return f"customer:{customer_id}"


def usage_group(customer_id: str) -> str:
    """What a usage report makes stale: the customer's usage summaries and upcoming invoices."""
    return f"usage:{customer_id}"


def object_group(object_id: str) -> str:
    return f"object:{object_id}"


def _kind_label(kind: type[object]) -> str:
    """`Customer`, or `Page[Invoice]` for a page of them: the metrics' label for what was looked up."""
    origin, arguments = get_origin(kind), get_args(kind)
    if origin is None:
        return kind.__name__
    return f"{origin.__name__}[{', '.join(getattr(a, '__name__', str(a)) for a in arguments)}]"


def _customers(*customer_ids: str | None) -> set[str]:
    return {customer_group(customer_id) for customer_id in customer_ids if customer_id}


def _objects(*object_ids: str | None) -> set[str]:
    return {object_group(object_id) for object_id in object_ids if object_id}


async def _awaited(read: Callable[[], Awaitable[T]]) -> T:
    return await read()


def _client_gone() -> Throttled:
    return Throttled("The client is gone; its reads are not sent to Stripe.", retry_after=1.0)


def _query(**params: object) -> str:
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class _Hit(Generic[T]):
    """A record found in the cache, and the seconds its entry has left."""

    record: T
    ttl: float


@dataclass
class _Flight(Generic[T]):
    """One read from Stripe that several requests wait for."""

    task: asyncio.Task[T]
    deadline: Deadline
    waiters: int = 0


class CachedGateway:
    """The same reads as `StripeGateway` (each with `fresh=True` to bypass the cache), cached in `store`."""

    def __init__(
        self,
        gateway: StripeGateway,
        store: CacheStore,
        *,
        ttl_seconds: float = 300.0,
        catalog_ttl_seconds: float = 900.0,
        usage_ttl_seconds: float = USAGE_TTL_SECONDS,
    ) -> None:
        self._gateway = gateway
        self._store = store
        self._ttl = ttl_seconds
        self._catalog_ttl = catalog_ttl_seconds
        self._usage_ttl = usage_ttl_seconds
        self._decoded = DecodedRecords()
        self._flights: dict[str, _Flight[object]] = {}
        # The customer whose session reads through this view (`seen_by`); None serves every entry.
        self._reader: str | None = None

    def seen_by(self, customer_id: str) -> CachedGateway:
        """This cache as one customer's session reads it (one view per request; the store is shared)."""
        view = copy.copy(self)
        view._reader = customer_id
        return view

    # -- lifecycle and pass-through -------------------------------------------------------------------------
    async def close(self) -> None:
        await self._store.close()
        await self._gateway.close()

    async def ping(self) -> None:
        await self._gateway.ping()

    async def cache_ready(self) -> bool:
        """Whether the cache's backing service (Redis) answers; reads still work when it does not."""
        return await self._store.ping()

    def forget_customer_here(self, customer_id: str) -> None:
        """Drop the customer's entries from this process's tier only: for a change another instance made,
        heard of (a live update) before its invalidation's broadcast arrives."""
        self._store.drop([customer_group(customer_id)])

    @property
    def own_entries(self) -> Entries:
        """The cache's tier of this process's own entries, under the same groups and invalidations as its
        reads: where whatever is built from them (a whole answer) can be kept."""
        return self._store.local

    def construct_event(
        self, payload: bytes, signature_header: str | None, secret: str, *, tolerance: int = 300
    ) -> Event:
        return self._gateway.construct_event(payload, signature_header, secret, tolerance=tolerance)

    async def list_events(
        self,
        *,
        created_gte: int | None = None,
        starting_after: str | None = None,
        types: Sequence[str] | None = None,
        limit: int = 100,
    ) -> Page[Event]:
        """Not cached: replaying events is about what Stripe has now."""
        dependencies.uncached()
        return await self._gateway.list_events(
            created_gte=created_gte, starting_after=starting_after, types=types, limit=limit
        )

    # -- invalidation (webhooks call these; they raise CacheUnavailable so the event is retried) -----------
    async def invalidate_customer(self, customer_id: str) -> None:
        """Drop everything of one customer: it, its subscriptions, invoices, payment methods and previews."""
        await self._store.invalidate([customer_group(customer_id)])

    async def invalidate_object(self, object_id: str) -> None:
        """Drop one Stripe object and every cached list or parent that contains it."""
        await self._store.invalidate([object_group(object_id)])

    async def invalidate_catalog(self) -> None:
        """Drop every product, price and portal configuration."""
        await self._store.invalidate([CATALOG])

    # -- customers ------------------------------------------------------------------------------------------
    async def retrieve_customer(
        self, customer_id: str, *, with_subscriptions: bool = False, fresh: bool = False
    ) -> Customer:
        return await self._read(
            _customer_key(customer_id, with_subscriptions=with_subscriptions),
            Customer,
            lambda: self._gateway.retrieve_customer(customer_id, with_subscriptions=with_subscriptions),
            _customer_groups,
            fresh=fresh,
        )

    async def list_customers(
        self,
        *,
        limit: int,
        starting_after: str | None = None,
        email: str | None = None,
        with_subscriptions: bool = False,
    ) -> Page[Customer]:
        """Not cached as a list (new customers send no event we act on), but each customer on the page is
        cached as if retrieved, so opening one from an admin list costs nothing."""
        dependencies.uncached()
        since = await self._mark()
        page = await self._gateway.list_customers(
            limit=limit, starting_after=starting_after, email=email, with_subscriptions=with_subscriptions
        )
        for customer in page.data:
            key = _key(_customer_key(customer.id, with_subscriptions=with_subscriptions))
            await self._keep(key, customer, _customer_groups(customer), self._ttl, since)
        return page

    async def update_customer(
        self, customer_id: str, changes: CustomerUpdate, *, idempotency_key: str
    ) -> Customer:
        try:
            return await self._gateway.update_customer(customer_id, changes, idempotency_key=idempotency_key)
        finally:
            await self._forget(_customers(customer_id))

    async def create_tax_id(
        self, customer_id: str, tax_type: TaxIdType, value: str, *, idempotency_key: str
    ) -> TaxId:
        try:
            return await self._gateway.create_tax_id(
                customer_id, tax_type, value, idempotency_key=idempotency_key
            )
        finally:
            await self._forget(_customers(customer_id))

    async def delete_tax_id(self, customer_id: str, tax_id_id: str) -> None:
        try:
            await self._gateway.delete_tax_id(customer_id, tax_id_id)
        finally:
            await self._forget(_customers(customer_id))

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str, *, idempotency_key: str
    ) -> Customer:
        try:
            return await self._gateway.set_default_payment_method(
                customer_id, payment_method_id, idempotency_key=idempotency_key
            )
        finally:
            await self._forget(_customers(customer_id))

    # -- catalog --------------------------------------------------------------------------------------------
    async def list_products(
        self, product_ids: Sequence[str], *, with_default_price: bool = False, fresh: bool = False
    ) -> tuple[Product, ...]:
        """Each product is cached on its own; the ones missing are fetched together in one batched read."""
        wanted = list(dict.fromkeys(product_ids))
        found: dict[str, Product] = {}
        if fresh:
            dependencies.uncached()
        else:
            for product_id in wanted:
                key = _key(_product_key(product_id, with_default_price=with_default_price))
                hit = await self._lookup(key, Product)
                if hit is not None:
                    found[product_id] = hit.record
                    dependencies.read(_product_groups(hit.record), hit.ttl)
        missing = [product_id for product_id in wanted if product_id not in found]
        if missing:
            since = await self._mark()
            for product in await self._gateway.list_products(missing, with_default_price=with_default_price):
                found[product.id] = product
                key = _key(_product_key(product.id, with_default_price=with_default_price))
                groups = _product_groups(product)
                if await self._keep(key, product, groups, self._catalog_ttl, since):
                    dependencies.read(groups, self._catalog_ttl)
                else:
                    dependencies.uncached()
            if len(found) < len(wanted):
                dependencies.uncached()  # that a product is missing is not cached
        return tuple(found[product_id] for product_id in wanted if product_id in found)

    async def retrieve_price(self, price_id: str, *, fresh: bool = False) -> Price:
        return await self._read(
            f"price:{price_id}",
            Price,
            lambda: self._gateway.retrieve_price(price_id),
            lambda price: {CATALOG, object_group(price.id)},
            fresh=fresh,
            catalog=True,
        )

    async def list_catalog_prices(self, *, fresh: bool = False) -> tuple[Price, ...]:
        """The whole catalog read is one entry, with its products, dropped with the rest of the catalog."""
        page = await self._read(
            "catalog_prices",
            Page[Price],
            self._catalog_prices_page,
            lambda found: (
                {CATALOG} | _objects(*(p.id for p in found.data), *(p.product_id for p in found.data))
            ),
            fresh=fresh,
            catalog=True,
        )
        return page.data

    async def _catalog_prices_page(self) -> Page[Price]:
        return Page(await self._gateway.list_catalog_prices(), has_more=False)

    # -- subscriptions --------------------------------------------------------------------------------------
    async def retrieve_subscription(self, subscription_id: str, *, fresh: bool = False) -> Subscription:
        return await self._read(
            f"subscription:{subscription_id}",
            Subscription,
            lambda: self._gateway.retrieve_subscription(subscription_id),
            _subscription_groups,
            fresh=fresh,
        )

    async def list_subscriptions(
        self, customer_id: str, *, status: str = "all", limit: int = 100, fresh: bool = False
    ) -> Page[Subscription]:
        return await self._read(
            f"subscriptions:{customer_id}:{status}:{limit}",
            Page[Subscription],
            lambda: self._gateway.list_subscriptions(customer_id, status=status, limit=limit),
            lambda page: _customers(customer_id) | _groups_of(page.data, _subscription_groups),
            fresh=fresh,
        )

    async def change_subscription_items(
        self,
        subscription_id: str,
        items: Sequence[ItemChange],
        *,
        proration_behavior: str,
        proration_date: int | None,
        idempotency_key: str,
        reset_billing_cycle: bool = False,
        end_trial: bool = False,
    ) -> Subscription:
        return await self._write_subscription(
            subscription_id,
            lambda: self._gateway.change_subscription_items(
                subscription_id,
                items,
                proration_behavior=proration_behavior,
                proration_date=proration_date,
                idempotency_key=idempotency_key,
                reset_billing_cycle=reset_billing_cycle,
                end_trial=end_trial,
            ),
        )

    async def schedule_subscription_change(
        self,
        subscription_id: str,
        *,
        current: Sequence[ItemChange],
        upcoming: Sequence[ItemChange],
        period_start: int,
        period_end: int,
        idempotency_key: str,
    ) -> Subscription:
        return await self._write_subscription(
            subscription_id,
            lambda: self._gateway.schedule_subscription_change(
                subscription_id,
                current=current,
                upcoming=upcoming,
                period_start=period_start,
                period_end=period_end,
                idempotency_key=idempotency_key,
            ),
        )

    async def pause_collection(
        self, subscription_id: str, *, resumes_at: int | None, paused_at: int, idempotency_key: str
    ) -> Subscription:
        return await self._write_subscription(
            subscription_id,
            lambda: self._gateway.pause_collection(
                subscription_id, resumes_at=resumes_at, paused_at=paused_at, idempotency_key=idempotency_key
            ),
        )

    async def resume_collection(self, subscription_id: str, *, idempotency_key: str) -> Subscription:
        return await self._write_subscription(
            subscription_id,
            lambda: self._gateway.resume_collection(subscription_id, idempotency_key=idempotency_key),
        )

    async def apply_coupon(
        self, subscription_id: str, coupon_id: str, *, kept_discount_ids: Sequence[str], idempotency_key: str
    ) -> Subscription:
        return await self._write_subscription(
            subscription_id,
            lambda: self._gateway.apply_coupon(
                subscription_id,
                coupon_id,
                kept_discount_ids=kept_discount_ids,
                idempotency_key=idempotency_key,
            ),
        )

    async def create_coupon(self, spec: CouponSpec, *, idempotency_key: str) -> Coupon:
        dependencies.uncached()
        return await self._gateway.create_coupon(spec, idempotency_key=idempotency_key)

    async def cancel_at_period_end(
        self,
        subscription_id: str,
        *,
        feedback: CancellationFeedback | None,
        comment: str | None,
        idempotency_key: str,
    ) -> Subscription:
        return await self._write_subscription(
            subscription_id,
            lambda: self._gateway.cancel_at_period_end(
                subscription_id, feedback=feedback, comment=comment, idempotency_key=idempotency_key
            ),
        )

    async def cancel_now(
        self,
        subscription_id: str,
        *,
        prorate: bool,
        invoice_now: bool,
        feedback: CancellationFeedback | None,
        comment: str | None,
        idempotency_key: str,
    ) -> Subscription:
        return await self._write_subscription(
            subscription_id,
            lambda: self._gateway.cancel_now(
                subscription_id,
                prorate=prorate,
                invoice_now=invoice_now,
                feedback=feedback,
                comment=comment,
                idempotency_key=idempotency_key,
            ),
        )

    async def uncancel(self, subscription_id: str, *, idempotency_key: str) -> Subscription:
        return await self._write_subscription(
            subscription_id, lambda: self._gateway.uncancel(subscription_id, idempotency_key=idempotency_key)
        )

    # -- invoices -------------------------------------------------------------------------------------------
    async def retrieve_invoice(
        self, invoice_id: str, *, with_payments: bool = False, fresh: bool = False
    ) -> Invoice:
        return await self._read(
            _invoice_key(invoice_id, with_payments=with_payments),
            Invoice,
            lambda: self._gateway.retrieve_invoice(invoice_id, with_payments=with_payments),
            _invoice_groups,
            fresh=fresh,
        )

    async def list_invoices(
        self,
        *,
        customer_id: str | None = None,
        subscription_id: str | None = None,
        status: InvoiceStatus | None = None,
        limit: int = 10,
        starting_after: str | None = None,
        ending_before: str | None = None,
        with_payments: bool = False,
        fresh: bool = False,
    ) -> Page[Invoice]:
        query = _query(
            customer=customer_id,
            subscription=subscription_id,
            status=status,
            limit=limit,
            starting_after=starting_after,
            ending_before=ending_before,
            with_payments=with_payments,
        )
        return await self._read(
            "invoices:" + query,
            Page[Invoice],
            lambda: self._gateway.list_invoices(
                customer_id=customer_id,
                subscription_id=subscription_id,
                status=status,
                limit=limit,
                starting_after=starting_after,
                ending_before=ending_before,
                with_payments=with_payments,
            ),
            lambda page: (
                _customers(customer_id) | _objects(subscription_id) | _groups_of(page.data, _invoice_groups)
            ),
            fresh=fresh,
        )

    async def create_invoice(
        self,
        customer_id: str,
        *,
        collection_method: CollectionMethod,
        days_until_due: int | None,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> Invoice:
        try:
            return await self._gateway.create_invoice(
                customer_id,
                collection_method=collection_method,
                days_until_due=days_until_due,
                metadata=metadata,
                idempotency_key=idempotency_key,
            )
        finally:
            await self._forget(_customers(customer_id))

    async def add_invoice_item(
        self,
        invoice_id: str,
        *,
        customer_id: str,
        item: NewInvoiceItem,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> str:
        try:
            return await self._gateway.add_invoice_item(
                invoice_id,
                customer_id=customer_id,
                item=item,
                metadata=metadata,
                idempotency_key=idempotency_key,
            )
        finally:
            await self._forget(_customers(customer_id) | _objects(invoice_id))

    async def finalize_invoice(
        self, invoice_id: str, *, auto_advance: bool, idempotency_key: str, customer_id: str
    ) -> Invoice:
        try:
            return await self._gateway.finalize_invoice(
                invoice_id,
                auto_advance=auto_advance,
                idempotency_key=idempotency_key,
                customer_id=customer_id,
            )
        finally:
            await self._forget(_customers(customer_id) | _objects(invoice_id))

    async def send_invoice(self, invoice_id: str, *, idempotency_key: str, customer_id: str) -> Invoice:
        try:
            return await self._gateway.send_invoice(
                invoice_id, idempotency_key=idempotency_key, customer_id=customer_id
            )
        finally:
            await self._forget(_customers(customer_id) | _objects(invoice_id))

    async def void_invoice(self, invoice_id: str, *, idempotency_key: str, customer_id: str) -> Invoice:
        try:
            return await self._gateway.void_invoice(
                invoice_id, idempotency_key=idempotency_key, customer_id=customer_id
            )
        finally:
            await self._forget(_customers(customer_id) | _objects(invoice_id))

    async def list_invoice_payments(
        self, invoice_id: str, *, fresh: bool = False
    ) -> tuple[InvoicePayment, ...]:
        """Cached under the invoice's customer when the invoice is cached (it usually was just shown)."""
        owner: Invoice | None = None
        for with_payments in (False, True):
            if owner is None:
                hit = await self._lookup(_key(_invoice_key(invoice_id, with_payments=with_payments)), Invoice)
                owner = hit.record if hit is not None else None
        owner_groups = _customers(owner.customer_id if owner is not None else None)
        page = await self._read(
            f"invoice_payments:{invoice_id}",
            Page[InvoicePayment],
            lambda: self._invoice_payments_page(invoice_id),
            lambda found: owner_groups | _objects(invoice_id, *_payment_ids(found.data)),
            fresh=fresh or owner is None,
        )
        return page.data

    async def _invoice_payments_page(self, invoice_id: str) -> Page[InvoicePayment]:
        return Page(await self._gateway.list_invoice_payments(invoice_id), has_more=False)

    async def preview_invoice(
        self,
        *,
        customer_id: str,
        subscription_id: str | None = None,
        items: Sequence[ItemChange] = (),
        proration_behavior: str | None = None,
        proration_date: int | None = None,
        recurring: bool = False,
        reset_billing_cycle: bool = False,
        end_trial: bool = False,
        cancel_now: bool = False,
        fresh: bool = False,
    ) -> Invoice | None:
        """Cached when the preview is fixed in time: without a proration date, a change prorates to "now".
        Nothing to preview is not cached: Stripe is asked again next time."""

        async def fetch() -> Invoice:
            preview = await self._gateway.preview_invoice(
                customer_id=customer_id,
                subscription_id=subscription_id,
                items=items,
                proration_behavior=proration_behavior,
                proration_date=proration_date,
                recurring=recurring,
                reset_billing_cycle=reset_billing_cycle,
                end_trial=end_trial,
                cancel_now=cancel_now,
            )
            if preview is None:
                raise _NothingToPreview
            return preview

        # A change that restarts the cycle, ends a trial or cancels bills from "now": never fixed in time.
        moves_now = reset_billing_cycle or end_trial or cancel_now
        if moves_now or (items and proration_date is None and proration_behavior != "none" and not recurring):
            dependencies.uncached()
            preview = fetch()
        else:
            query = _query(
                customer=customer_id,
                subscription=subscription_id,
                items=[[item.item_id, item.price_id, item.quantity, item.deleted] for item in items],
                proration_behavior=proration_behavior,
                proration_date=proration_date,
                recurring=recurring,
            )
            preview = self._read(
                "preview:" + query,
                Invoice,
                fetch,
                lambda preview: (
                    _customers(customer_id, preview.customer_id)
                    | _objects(subscription_id)
                    | {usage_group(customer_id)}
                ),
                fresh=fresh,
                ttl=self._usage_ttl,
            )
        try:
            return await preview
        except _NothingToPreview:
            dependencies.uncached()  # nothing is cached for it
            return None

    # -- usage and credits ----------------------------------------------------------------------------------
    async def list_meters(self, *, fresh: bool = False) -> tuple[Meter, ...]:
        page = await self._read(
            "meters", Page[Meter], self._meters_page, lambda _found: {CATALOG}, fresh=fresh, catalog=True
        )
        return page.data

    async def _meters_page(self) -> Page[Meter]:
        return Page(await self._gateway.list_meters(), has_more=False)

    async def meter_usage(
        self,
        meter_id: str,
        customer_id: str,
        *,
        start: int,
        end: int,
        window: UsageWindow | None,
        fresh: bool = False,
    ) -> UsageSeries:
        query = _query(meter=meter_id, customer=customer_id, start=start, end=end, window=window)
        return await self._read(
            "usage:" + query,
            UsageSeries,
            lambda: self._gateway.meter_usage(meter_id, customer_id, start=start, end=end, window=window),
            lambda _series: _customers(customer_id) | {usage_group(customer_id)},
            fresh=fresh,
            ttl=self._usage_ttl,
        )

    async def record_meter_event(
        self,
        event_name: str,
        *,
        customer_id: str,
        value: float,
        identifier: str,
        timestamp: int | None,
        idempotency_key: str,
    ) -> MeterEvent:
        try:
            return await self._gateway.record_meter_event(
                event_name,
                customer_id=customer_id,
                value=value,
                identifier=identifier,
                timestamp=timestamp,
                idempotency_key=idempotency_key,
            )
        finally:
            await self._forget({usage_group(customer_id)})

    async def credit_summary(self, customer_id: str, *, fresh: bool = False) -> CreditSummary:
        return await self._read(
            f"credit_summary:{customer_id}",
            CreditSummary,
            lambda: self._gateway.credit_summary(customer_id),
            lambda _summary: _customers(customer_id),
            fresh=fresh,
            ttl=self._usage_ttl,
        )

    async def list_credit_grants(self, customer_id: str, *, fresh: bool = False) -> Page[CreditGrant]:
        return await self._read(
            f"credit_grants:{customer_id}",
            Page[CreditGrant],
            lambda: self._gateway.list_credit_grants(customer_id),
            lambda _page: _customers(customer_id),
            fresh=fresh,
            ttl=self._usage_ttl,
        )

    async def list_credit_ledger(self, customer_id: str, *, fresh: bool = False) -> Page[CreditLedgerEntry]:
        return await self._read(
            f"credit_ledger:{customer_id}",
            Page[CreditLedgerEntry],
            lambda: self._gateway.list_credit_ledger(customer_id),
            lambda _page: _customers(customer_id),
            fresh=fresh,
            ttl=self._usage_ttl,
        )

    async def list_balance_transactions(
        self, customer_id: str, *, limit: int, starting_after: str | None = None, fresh: bool = False
    ) -> Page[BalanceTransaction]:
        """Every balance change updates the customer (`customer.updated`), which drops these pages."""
        return await self._read(
            "balance_transactions:" + _query(customer=customer_id, limit=limit, after=starting_after),
            Page[BalanceTransaction],
            lambda: self._gateway.list_balance_transactions(
                customer_id, limit=limit, starting_after=starting_after
            ),
            lambda _page: _customers(customer_id),
            fresh=fresh,
        )

    # -- payment methods ------------------------------------------------------------------------------------
    async def list_payment_methods(
        self, customer_id: str, *, limit: int = 100, fresh: bool = False
    ) -> Page[PaymentMethod]:
        return await self._read(
            f"payment_methods:{customer_id}:{limit}",
            Page[PaymentMethod],
            lambda: self._gateway.list_payment_methods(customer_id, limit=limit),
            lambda page: _customers(customer_id) | _groups_of(page.data, _payment_method_groups),
            fresh=fresh,
        )

    async def retrieve_payment_method(self, payment_method_id: str, *, fresh: bool = False) -> PaymentMethod:
        return await self._read(
            f"payment_method:{payment_method_id}",
            PaymentMethod,
            lambda: self._gateway.retrieve_payment_method(payment_method_id),
            _payment_method_groups,
            fresh=fresh,
        )

    async def attach_payment_method(
        self, payment_method_id: str, customer_id: str, *, idempotency_key: str
    ) -> PaymentMethod:
        try:
            return await self._gateway.attach_payment_method(
                payment_method_id, customer_id, idempotency_key=idempotency_key
            )
        finally:
            await self._forget(_customers(customer_id) | _objects(payment_method_id))

    async def detach_payment_method(self, payment_method_id: str, *, idempotency_key: str) -> PaymentMethod:
        # The answer no longer names the customer, so learn it from the cached copy, if there is one.
        hit = await self._lookup(_key(f"payment_method:{payment_method_id}"), PaymentMethod)
        try:
            return await self._gateway.detach_payment_method(
                payment_method_id, idempotency_key=idempotency_key
            )
        finally:
            owner = hit.record.customer_id if hit is not None else None
            await self._forget(_customers(owner) | _objects(payment_method_id))

    # -- collecting payment: saving cards, paying invoices ------------------------------------------------
    async def create_setup_intent(
        self, customer_id: str, *, metadata: Mapping[str, str], idempotency_key: str
    ) -> SetupIntent:
        # Nothing cached changes until the browser confirms it (then the customer's cards are dropped).
        dependencies.uncached()
        return await self._gateway.create_setup_intent(
            customer_id, metadata=metadata, idempotency_key=idempotency_key
        )

    async def retrieve_setup_intent(self, setup_intent_id: str) -> SetupIntent:
        """Never cached: the browser changes a SetupIntent without portalql seeing it."""
        dependencies.uncached()
        return await self._gateway.retrieve_setup_intent(setup_intent_id)

    async def pay_invoice(
        self, invoice_id: str, *, payment_method_id: str | None, idempotency_key: str, customer_id: str
    ) -> Invoice:
        """`customer_id` is the invoice's: a payment (or a failed attempt) changes the customer's reads. The
        paid invoice Stripe answers with is kept: paid is final, and a retry reads it."""
        paid = None
        try:
            paid = await self._gateway.pay_invoice(
                invoice_id,
                payment_method_id=payment_method_id,
                idempotency_key=idempotency_key,
                customer_id=customer_id,
            )
            return paid
        finally:
            await self._forget(_customers(customer_id) | _objects(invoice_id))
            if paid is not None:
                key = _key(_invoice_key(invoice_id, with_payments=False))
                await self._keep(key, paid, _invoice_groups(paid), self._ttl, await self._mark())

    # -- payments and refunds -------------------------------------------------------------------------------
    async def retrieve_payment_intent(self, payment_intent_id: str, *, fresh: bool = False) -> PaymentIntent:
        """Pass `fresh=True` when the answer decides whether money moves (a refund's precondition)."""
        return await self._read(
            f"payment_intent:{payment_intent_id}",
            PaymentIntent,
            lambda: self._gateway.retrieve_payment_intent(payment_intent_id),
            lambda intent: _customers(intent.customer_id) | _objects(intent.id, intent.latest_charge_id),
            fresh=fresh,
        )

    async def retrieve_charge(self, charge_id: str, *, fresh: bool = False) -> Charge:
        """Pass `fresh=True` when the answer decides whether money moves (a refund's precondition)."""
        return await self._read(
            f"charge:{charge_id}",
            Charge,
            lambda: self._gateway.retrieve_charge(charge_id),
            lambda charge: _customers(charge.customer_id) | _objects(charge.id, charge.payment_intent_id),
            fresh=fresh,
        )

    async def create_refund(
        self,
        *,
        payment_intent_id: str | None = None,
        charge_id: str | None = None,
        amount: int | None,
        reason: RefundReason | None,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str,
    ) -> Refund:
        refund = None
        try:
            refund = await self._gateway.create_refund(
                payment_intent_id=payment_intent_id,
                charge_id=charge_id,
                amount=amount,
                reason=reason,
                metadata=metadata,
                idempotency_key=idempotency_key,
            )
            return refund
        finally:
            paid_by = (refund.charge_id, refund.payment_intent_id) if refund is not None else ()
            await self._forget(_objects(payment_intent_id, charge_id, *paid_by))

    async def retrieve_refund(self, refund_id: str, *, fresh: bool = False) -> Refund:
        """Cached under its charge's customer and its charge, so `charge.refunded` and our refunds drop it."""
        return await self._read(
            f"refund:{refund_id}",
            Refund,
            lambda: self._gateway.retrieve_refund(refund_id),
            _refund_groups,
            fresh=fresh,
        )

    async def list_refunds(
        self,
        *,
        payment_intent_id: str | None = None,
        charge_id: str | None = None,
        limit: int = 100,
        starting_after: str | None = None,
        ending_before: str | None = None,
    ) -> Page[Refund]:
        """Not cached: refunds name no customer, so no webhook invalidation would reach a cached list."""
        dependencies.uncached()
        return await self._gateway.list_refunds(
            payment_intent_id=payment_intent_id,
            charge_id=charge_id,
            limit=limit,
            starting_after=starting_after,
            ending_before=ending_before,
        )

    # -- billing portal -------------------------------------------------------------------------------------
    async def retrieve_portal_configuration(
        self, configuration_id: str, *, fresh: bool = False
    ) -> PortalConfiguration:
        return await self._read(
            f"portal_configuration:{configuration_id}",
            PortalConfiguration,
            lambda: self._gateway.retrieve_portal_configuration(configuration_id),
            lambda configuration: {CATALOG, object_group(configuration.id)},
            fresh=fresh,
            catalog=True,
        )

    async def account_branding(self, *, fresh: bool = False) -> AccountBranding:
        """Account-wide, so cached like the catalog: every page load after the first reads no Stripe."""
        return await self._read(
            "account:branding",
            AccountBranding,
            self._gateway.account_branding,
            lambda _branding: {CATALOG},
            fresh=fresh,
            catalog=True,
        )

    async def default_portal_configuration(self, *, fresh: bool = False) -> PortalConfiguration:
        return await self._read(
            "portal_configuration:default",
            PortalConfiguration,
            self._gateway.default_portal_configuration,
            lambda configuration: {CATALOG, object_group(configuration.id)},
            fresh=fresh,
            catalog=True,
        )

    async def create_portal_session(
        self,
        customer_id: str,
        *,
        return_url: str | None,
        configuration_id: str | None,
        locale: str | None,
        flow: PortalFlow | None,
        idempotency_key: str,
    ) -> StripePortalSession:
        dependencies.uncached()
        return await self._gateway.create_portal_session(
            customer_id,
            return_url=return_url,
            configuration_id=configuration_id,
            locale=locale,
            flow=flow,
            idempotency_key=idempotency_key,
        )

    # -- the cache itself -----------------------------------------------------------------------------------
    async def _read(
        self,
        key: str,
        kind: type[T],
        fetch: Callable[[], Awaitable[T]],
        groups: Callable[[T], set[str]],
        *,
        fresh: bool,
        catalog: bool = False,
        ttl: float | None = None,
    ) -> T:
        """The cached record, or Stripe's, which is then cached (a fresh read refreshes the entry).

        A fresh read makes its own call: one already under way may have started before what it must see."""
        full_key = _key(key)
        ttl = ttl if ttl is not None else self._catalog_ttl if catalog else self._ttl
        if fresh:
            # Read past the cache because the cache must not answer it: nor may a cached answer built on it.
            dependencies.uncached()
            record, _kept = await self._fetch_and_keep(full_key, fetch, groups, ttl)
            return record
        hit = await self._lookup(full_key, kind)
        if hit is not None:
            held = groups(hit.record)
            if catalog or self._serves(held):
                dependencies.read(held, hit.ttl)
                return hit.record
        # Reported here, in the reader's context: the flight's task runs in the context of whoever started it.
        record, kept = await self._join(full_key, lambda: self._fetch_and_keep(full_key, fetch, groups, ttl))
        if kept is None:
            dependencies.uncached()
        else:
            dependencies.read(kept, ttl)
        return record

    async def _fetch_and_keep(
        self, key: str, fetch: Callable[[], Awaitable[T]], groups: Callable[[T], set[str]], ttl: float
    ) -> tuple[T, set[str] | None]:
        """Stripe's record, and the groups it was cached under; None when it was not cached (an invalidation
        since the read began, no invalidation that would reach it, or the cache failing), so that what it
        says may already be stale, or become so unnoticed."""
        since = await self._mark()
        record = await fetch()
        held = groups(record)
        return record, held if await self._keep(key, record, held, ttl, since) else None

    async def _join(self, key: str, read: Callable[[], Awaitable[T]]) -> T:
        """Wait for the flight reading `key`, starting one if none is under way; leave if the client goes."""
        deadline = current_deadline.get()
        if deadline is not None and deadline.gone.is_set():
            raise _client_gone()
        flight = cast("_Flight[T] | None", self._flights.get(key))
        if flight is None:
            flight = self._start(key, read)
        flight.deadline.at = max(flight.deadline.at, math.inf if deadline is None else deadline.at)
        flight.waiters += 1
        try:
            if deadline is None:
                return await asyncio.shield(flight.task)
            gone = asyncio.ensure_future(deadline.gone.wait())
            try:
                await asyncio.wait((flight.task, gone), return_when=asyncio.FIRST_COMPLETED)
            finally:
                gone.cancel()
            if not flight.task.done():
                raise _client_gone()
            try:
                return flight.task.result()
            except Throttled as error:
                deadline.refused(error.retry_after)
                raise
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                flight.task.cancel()

    def _start(self, key: str, read: Callable[[], Awaitable[T]]) -> _Flight[T]:
        # The flight's own deadline, moved later by each request that joins it.
        deadline = Deadline(-math.inf)
        context = contextvars.copy_context()
        context.run(current_deadline.set, deadline)
        flight = _Flight(asyncio.get_running_loop().create_task(_awaited(read), context=context), deadline)
        self._flights[key] = cast("_Flight[object]", flight)

        def landed(_task: asyncio.Task[T]) -> None:
            if self._flights.get(key) is flight:
                del self._flights[key]
            if not _task.cancelled():
                _task.exception()  # retrieved here: every waiter may have left before it failed

        flight.task.add_done_callback(landed)
        return flight

    def _serves(self, groups: Collection[str]) -> bool:
        """Whether the reader may be served an entry of `groups` from the cache (catalog entries aside)."""
        return self._reader is None or customer_group(self._reader) in groups

    async def _write_subscription(
        self, subscription_id: str, write: Callable[[], Awaitable[Subscription]]
    ) -> Subscription:
        # Even a failed write may have changed something (a timeout after Stripe applied it), so always
        # invalidate; the customer comes from the answer, or else from the cached copy.
        hit = await self._lookup(_key(f"subscription:{subscription_id}"), Subscription)
        result = None
        try:
            result = await write()
            return result
        finally:
            owner = result or (hit.record if hit is not None else None)
            await self._forget(_objects(subscription_id) | _customers(owner.customer_id if owner else None))

    async def _lookup(self, key: str, kind: type[T]) -> _Hit[T] | None:
        found = await self._cached(key, kind)
        CACHE_LOOKUPS.labels(_kind_label(kind), "miss" if found is None else "hit").inc()
        return found

    async def _cached(self, key: str, kind: type[T]) -> _Hit[T] | None:
        try:
            found = await self._store.get(key)
        except CacheUnavailable as error:
            logger.warning("cache unavailable, reading from Stripe: %s", error)
            return None
        if found is None:
            return None
        try:
            return _Hit(self._decoded.decode(key, found.value, kind), found.ttl)
        except CodecError as error:
            logger.warning("dropping an unreadable cache entry %s: %s", key, error)
            return None

    async def _mark(self) -> int | None:
        try:
            return await self._store.mark()
        except CacheUnavailable as error:
            logger.warning("cache unavailable, not caching: %s", error)
            return None

    async def _keep(
        self, key: str, record: object, groups: Collection[str], ttl: float, since: int | None
    ) -> bool:
        """Cache the record; whether it was."""
        if since is None or not _reachable(groups):
            return False
        try:
            return await self._store.put(key, encode(record), groups=groups, ttl=ttl, since=since)
        except CacheUnavailable as error:
            logger.warning("cache unavailable, not caching: %s", error)
            return False

    async def _forget(self, groups: Collection[str]) -> None:
        """Invalidate after our own write; the write is done, so a cache failure must not undo its answer."""
        dependencies.uncached()  # a write is no read an answer could be cached on
        try:
            await self._store.invalidate(groups)
        except CacheUnavailable as error:
            # The store dropped its own copy and replays the invalidation when its backing service returns.
            logger.warning("could not invalidate %s after a write yet: %s", sorted(groups), error)


def _reachable(groups: Collection[str]) -> bool:
    """Whether the invalidations webhooks send (a customer's, the catalog's) reach an entry of `groups`."""
    return any(group == CATALOG or group.startswith(customer_group("")) for group in groups)


def _key(key: str) -> str:
    return f"v{FORMAT_VERSION}:{key}"


def _customer_key(customer_id: str, *, with_subscriptions: bool) -> str:
    return f"customer:{customer_id}" + (":subscriptions" if with_subscriptions else "")


def _product_key(product_id: str, *, with_default_price: bool) -> str:
    return f"product:{product_id}" + (":default_price" if with_default_price else "")


def _invoice_key(invoice_id: str, *, with_payments: bool) -> str:
    return f"invoice:{invoice_id}" + (":payments" if with_payments else "")


def _groups_of(records: Iterable[T], groups: Callable[[T], set[str]]) -> set[str]:
    found: set[str] = set()
    for record in records:
        found |= groups(record)
    return found


def _customer_groups(customer: Customer) -> set[str]:
    subscriptions = customer.subscriptions or ()
    return (
        _customers(customer.id)
        | _objects(customer.id, customer.default_payment_method_id)
        | _groups_of(subscriptions, _subscription_groups)
    )


def _product_groups(product: Product) -> set[str]:
    held = product.default_price
    return {CATALOG} | _objects(product.id, held.id if held is not None else None)


def _subscription_groups(subscription: Subscription) -> set[str]:
    return _customers(subscription.customer_id) | _objects(subscription.id)


def _invoice_groups(invoice: Invoice) -> set[str]:
    return _customers(invoice.customer_id) | _objects(invoice.id, *_payment_ids(invoice.payments or ()))


def _payment_method_groups(payment_method: PaymentMethod) -> set[str]:
    return _customers(payment_method.customer_id) | _objects(payment_method.id)


def _refund_groups(refund: Refund) -> set[str]:
    owner = refund.charge.customer_id if refund.charge is not None else None
    return _customers(owner) | _objects(refund.id, refund.charge_id, refund.payment_intent_id)


def _payment_ids(payments: Iterable[InvoicePayment]) -> list[str | None]:
    return [found for payment in payments for found in (payment.payment_intent_id, payment.charge_id)]
