"""The async gateway to Stripe: the only code that calls the SDK. Methods return records, never SDK objects.

Every call is paced (`Pacer`) and its SDK exceptions become domain errors (`error_mapping`) in one place,
`_call`. The reads a portal page makes go through the SDK's raw request and have their JSON read in place
(`_get`, `convert.read_as`): building SDK objects was the largest cost of a cold dashboard besides Stripe's
latency. Writes and the rarer reads keep the SDK's services and objects. Every write sends
`portalql:<operation>:<caller's key>` as Stripe's idempotency key, so a retried request replays Stripe's first
answer instead of changing or refunding twice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from functools import reduce
from typing import TYPE_CHECKING, Literal, TypeVar
from urllib.parse import quote_plus

import httpx
import stripe

from stripe_gateway import convert, ids, params, webhook_deliveries
from stripe_gateway.error_mapping import domain_error
from stripe_gateway.errors import (
    CardDeclined,
    InvalidRequest,
    NotFound,
    PaymentActionRequired,
    UnusableEvent,
    WebhookSignatureInvalid,
)
from stripe_gateway.ids import IdKind
from stripe_gateway.pacing import PacedRetries, Pacer
from stripe_gateway.records import (
    PAUSED_AT_METADATA,
    AccountBranding,
    BalanceTransaction,
    CancellationFeedback,
    Charge,
    CollectionMethod,
    Coupon,
    CouponSpec,
    CreditGrant,
    CreditLedgerEntry,
    CreditSummary,
    Customer,
    CustomerUpdate,
    Event,
    Invoice,
    InvoicePayment,
    InvoiceStatus,
    ItemChange,
    Meter,
    MeterEvent,
    NewInvoiceItem,
    Page,
    PaymentIntent,
    PaymentMethod,
    PortalConfiguration,
    PortalFlow,
    Price,
    Product,
    Refund,
    RefundReason,
    SetupIntent,
    StripePortalSession,
    Subscription,
    SubscriptionStatus,
    TaxId,
    TaxIdType,
    UsageSeries,
    UsageWindow,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    from stripe.params import (
        AccountRetrieveCurrentParams,
        CouponCreateParams,
        CustomerBalanceTransactionListParams,
        CustomerListParams,
        CustomerRetrieveParams,
        EventListParams,
        InvoiceCreateParams,
        InvoiceCreatePreviewParams,
        InvoiceCreatePreviewParamsSubscriptionDetails,
        InvoiceListParams,
        InvoicePayParams,
        InvoiceRetrieveParams,
        PriceListParams,
        ProductListParams,
        RefundCreateParams,
        RefundListParams,
        SetupIntentCreateParams,
        SubscriptionCancelParams,
        SubscriptionUpdateParams,
        SubscriptionUpdateParamsDiscount,
        SubscriptionUpdateParamsPauseCollection,
    )
    from stripe.params.billing import (
        CreditBalanceSummaryRetrieveParams,
        CreditBalanceTransactionListParams,
        CreditGrantListParams,
        MeterEventCreateParams,
        MeterEventSummaryListParams,
        MeterListParams,
    )
    from stripe.params.billing_portal import SessionCreateParams

T = TypeVar("T")
R = TypeVar("R", bound=stripe.StripeObject)

# `products.list(ids=…)` takes at most 100 ids, and `limit` must be given (it defaults to 10).
_PRODUCTS_PER_CALL = 100
# Stripe's largest page.
_PRICES_PER_PAGE = 100
_METERS_PER_PAGE = 100
_SUMMARIES_PER_PAGE = 100
_GRANTS_PER_PAGE = 100
# The parameter Stripe names when it refuses a meter event whose identifier it already holds.
_IDENTIFIER_PARAM = "identifier"

# A plan change is applied only when its invoice (if any) is paid; a failed payment is a 402 that
# leaves the subscription as it was. See `change_subscription_items`.
_PLAN_CHANGE_PAYMENT_BEHAVIOR = "error_if_incomplete"
# Stripe's error code for a preview of a customer or subscription with nothing left to invoice.
_NOTHING_TO_PREVIEW = "invoice_upcoming_none"

# What the SDK imports lazily, module by module, on first use: the services this gateway calls and the
# classes of the objects Stripe answers them with (nested ones included). `_import_sdk` imports them when
# the gateway connects; left to the first request, the imports would run between its Stripe round trips.
_SERVICES = (
    "accounts", "billing.meter_events", "billing_portal.configurations", "billing_portal.sessions", "charges",
    "coupons", "customers", "events", "invoice_items", "invoice_payments", "invoices", "payment_intents",
    "payment_methods", "prices", "products", "refunds", "setup_intents", "subscription_schedules",
    "subscriptions",
)  # fmt: skip
_OBJECTS = (
    "Account", "File", "FileLink",
    "billing.CreditBalanceSummary", "billing.CreditBalanceTransaction", "billing.CreditGrant",
    "billing.Meter", "billing.MeterEvent", "billing.MeterEventSummary", "CustomerBalanceTransaction",
    "billing_portal.Configuration", "billing_portal.Session", "Charge", "Coupon", "Customer", "Event",
    "Invoice", "InvoiceItem", "InvoiceLineItem", "InvoicePayment", "ListObject", "PaymentIntent",
    "PaymentMethod", "Plan", "Price", "Product", "Refund", "SetupIntent", "Subscription", "SubscriptionItem",
    "SubscriptionSchedule",
)  # fmt: skip


# The account's logo and icon are file ids unless expanded; expanded, they carry their public links.
_BRANDING_FILES = ("settings.branding.logo", "settings.branding.icon")

# Stripe's code for an invoice whose PaymentIntent waits for the customer's authentication.
_INVOICE_REQUIRES_ACTION = "invoice_payment_intent_requires_action"


def _action_required(declined: CardDeclined) -> PaymentActionRequired | None:
    """The 402 of a payment that waits for 3-D Secure, as what it is; None for a real decline."""
    cause = declined.__cause__
    details = cause.error if isinstance(cause, stripe.StripeError) else None
    if declined.code != _INVOICE_REQUIRES_ACTION or details is None or details.payment_intent is None:
        return None
    return PaymentActionRequired(
        declined.message,
        payment_intent=convert.payment_intent(details.payment_intent),
        request_id=declined.request_id,
        code=declined.code,
    )


def _usage_value(value: float) -> str:
    """A meter event's value as Stripe's payload takes it: a string, without a needless `.0`."""
    return str(int(value)) if value == int(value) else repr(value)


def _path(resource: str, object_id: str) -> str:
    """The path of one object, its id quoted as the SDK's services quote it."""
    return f"/v1/{resource}/{quote_plus(object_id)}"


def _list(kind: type[R], response: stripe.StripeResponse) -> stripe.ListObject[R]:
    """A list answer read in place: `.data` of `kind` and `.has_more`, as on the SDK's ListObject."""
    return convert.read_as(stripe.ListObject[kind], response.data)  # type: ignore[valid-type]


def _import_sdk(client: stripe.StripeClient) -> None:
    for service in _SERVICES:
        reduce(getattr, service.split("."), client.v1)
    for name in _OBJECTS:
        reduce(getattr, name.split("."), stripe)


class StripeGateway:
    def __init__(self, client: stripe.StripeClient, http_client: stripe.HTTPXClient, pacer: Pacer) -> None:
        self._client = client
        self._http_client = http_client
        self._pacer = pacer
        self._v1 = client.v1

    # -- lifecycle ------------------------------------------------------------------------------------------
    @classmethod
    def connect(
        cls,
        api_key: str,
        *,
        api_base: str | None = None,
        max_network_retries: int = 2,
        timeout_seconds: float = 20.0,
        requests_per_second: float = 25.0,
        max_concurrency: int = 16,
        pacer: Pacer | None = None,
    ) -> StripeGateway:
        """Build the one StripeClient of the process (stock HTTPXClient, `base_addresses={"api": api_base}`).

        `max_network_retries` covers connection errors, timeouts, 409s, 5xx and any answer that Stripe
        marks `Stripe-Should-Retry: true` (including such 429s); the SDK backs off exponentially with
        jitter and reuses the idempotency key, so a retried write is applied once.
        """
        pacer = pacer or Pacer.local(requests_per_second, max_concurrency=max_concurrency)
        http_client = PacedRetries(
            pacer, timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 5.0))
        )
        client = stripe.StripeClient(
            api_key,
            http_client=http_client,
            max_network_retries=max_network_retries,
            # Usage may also be streamed to Stripe's own meter-events host; a compatible server serves both.
            base_addresses={"api": api_base, "meter_events": api_base} if api_base else None,
        )
        _import_sdk(client)
        return cls(client, http_client, pacer)

    async def close(self) -> None:
        await self._http_client.close_async()  # type: ignore[no-untyped-call]  # untyped in the SDK
        await self._pacer.close()

    async def ping(self) -> None:
        """A cheap authenticated read, for readiness checks; raises StripeUnavailable."""
        await self._call(lambda: self._v1.customers.list_async({"limit": 1}))

    def seen_by(self, customer_id: str) -> StripeGateway:  # noqa: ARG002 - a cache honours it
        """Every read here comes from Stripe, the same for every reader."""
        return self

    # Nothing is cached here, so nothing goes stale: the cache in front of this gateway drops its own reads.
    async def invalidate_customer(self, customer_id: str) -> None:
        pass

    async def invalidate_object(self, object_id: str) -> None:
        pass

    async def invalidate_catalog(self) -> None:
        pass

    async def cache_ready(self) -> bool:
        return True

    async def _get(
        self, path: str, query: Mapping[str, object], *, method: Literal["get", "post"] = "get"
    ) -> stripe.StripeResponse:
        """One call through the SDK's raw request (its retries, headers and errors), answered as Stripe's
        JSON (`.data`) for `convert.read_as`. `method="post"` is for reads Stripe takes as a POST."""
        return await self._call(lambda: self._raw_request(method, path, query))

    async def _raw_request(
        self, method: str, path: str, query: Mapping[str, object]
    ) -> stripe.StripeResponse:
        response: stripe.StripeResponse = await self._client.raw_request_async(method, path, **query)
        return response

    async def _call(self, request: Callable[[], Awaitable[T]]) -> T:
        """Run one SDK call paced, with its SDK exceptions turned into domain errors.

        A 429 that Stripe does not mark retryable surfaces as RateLimited at once: the pacer already keeps
        this process under its share of the limit, so a 429 means the account is saturated elsewhere or an
        object is locked by a concurrent write, and sleeping inside a user's request would only hold a
        concurrency slot that other requests need. The caller can retry with the same idempotency key.
        """
        async with self._pacer.slot():
            try:
                return await request()
            except stripe.StripeError as error:
                raise domain_error(error) from error

    # -- customers ------------------------------------------------------------------------------------------
    async def retrieve_customer(self, customer_id: str, *, with_subscriptions: bool = False) -> Customer:
        ids.check(IdKind.CUSTOMER, customer_id)
        # The tax ids come with every read of one customer: no call of their own.
        query: CustomerRetrieveParams = {
            "expand": ["subscriptions", "tax_ids"] if with_subscriptions else ["tax_ids"]
        }
        response = await self._get(_path("customers", customer_id), query)
        found = convert.read_as(stripe.Customer, response.data)
        if "deleted" in found and found.deleted:
            # Stripe still answers for a deleted customer, with only its id: to portalql it is gone.
            raise NotFound(
                f"No such customer: '{customer_id}' (deleted)",
                request_id=response.request_id,
                code="resource_missing",
                param="id",
            )
        return convert.customer(found)

    async def list_customers(
        self,
        *,
        limit: int,
        starting_after: str | None = None,
        email: str | None = None,
        with_subscriptions: bool = False,
    ) -> Page[Customer]:
        """One Stripe call; with_subscriptions expands `data.subscriptions` (no extra call per customer)."""
        ids.check(IdKind.CUSTOMER, starting_after)
        query: CustomerListParams = {"limit": limit}
        if starting_after is not None:
            query["starting_after"] = starting_after
        if email is not None:
            query["email"] = email
        query["expand"] = ["data.subscriptions", "data.tax_ids"] if with_subscriptions else ["data.tax_ids"]
        page = _list(stripe.Customer, await self._get("/v1/customers", query))
        return Page(tuple(convert.customer(found) for found in page.data), page.has_more)

    async def update_customer(
        self, customer_id: str, changes: CustomerUpdate, *, idempotency_key: str
    ) -> Customer:
        ids.check(IdKind.CUSTOMER, customer_id)
        key = params.idempotency_key("update_customer", idempotency_key)
        updated = await self._call(
            lambda: self._v1.customers.update_async(
                customer_id,
                {**params.customer_changes(changes), "expand": ["tax_ids"]},
                {"idempotency_key": key},
            )
        )
        return convert.customer(updated)

    async def create_tax_id(
        self, customer_id: str, tax_type: TaxIdType, value: str, *, idempotency_key: str
    ) -> TaxId:
        ids.check(IdKind.CUSTOMER, customer_id)
        key = params.idempotency_key("create_tax_id", idempotency_key)
        created = await self._call(
            lambda: self._v1.customers.tax_ids.create_async(
                customer_id, {"type": tax_type.value, "value": value}, {"idempotency_key": key}
            )
        )
        return convert.tax_id(created)

    async def delete_tax_id(self, customer_id: str, tax_id_id: str) -> None:
        ids.check(IdKind.CUSTOMER, customer_id)
        ids.check(IdKind.TAX_ID, tax_id_id)
        await self._call(lambda: self._v1.customers.tax_ids.delete_async(customer_id, tax_id_id))

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str, *, idempotency_key: str
    ) -> Customer:
        ids.check(IdKind.CUSTOMER, customer_id)
        ids.check(IdKind.PAYMENT_METHOD, payment_method_id)
        key = params.idempotency_key("set_default_payment_method", idempotency_key)
        updated = await self._call(
            lambda: self._v1.customers.update_async(
                customer_id,
                {"invoice_settings": {"default_payment_method": payment_method_id}, "expand": ["tax_ids"]},
                {"idempotency_key": key},
            )
        )
        return convert.customer(updated)

    # -- catalog --------------------------------------------------------------------------------------------
    async def list_products(
        self, product_ids: Sequence[str], *, with_default_price: bool = False
    ) -> tuple[Product, ...]:
        """Products by id through `products.list(ids=…, limit=len(ids))`, 100 per call.

        Duplicates are asked for once; ids Stripe does not know are absent from the result, and so are
        malformed ones, which are not asked for. `with_default_price` expands `data.default_price`, so the
        prices come in the same calls.
        """
        wanted = [id_ for id_ in dict.fromkeys(product_ids) if ids.is_well_formed(IdKind.PRODUCT, id_)]
        chunks = [
            wanted[start : start + _PRODUCTS_PER_CALL] for start in range(0, len(wanted), _PRODUCTS_PER_CALL)
        ]
        pages = await asyncio.gather(
            *(self._products_by_ids(chunk, with_default_price=with_default_price) for chunk in chunks)
        )
        found = {product.id: product for page in pages for product in page.data}
        return tuple(found[product_id] for product_id in wanted if product_id in found)

    async def _products_by_ids(self, ids: list[str], *, with_default_price: bool) -> Page[Product]:
        query: ProductListParams = {"ids": ids, "limit": len(ids)}
        if with_default_price:
            query["expand"] = ["data.default_price"]
        page = _list(stripe.Product, await self._get("/v1/products", query))
        return Page(tuple(convert.product(found) for found in page.data), page.has_more)

    async def retrieve_price(self, price_id: str) -> Price:
        ids.check(IdKind.PRICE, price_id)
        response = await self._get(_path("prices", price_id), {"expand": ["tiers"]})
        return convert.price(convert.read_as(stripe.Price, response.data))

    async def list_catalog_prices(self) -> tuple[Price, ...]:
        """Every active recurring price, each with its product expanded: what a portal can offer.

        Stripe cannot list prices by several ids or products, but a catalog is small: one call of 100 usually
        holds all of it, prices and products, and the list pages on only while Stripe has more.
        """
        query: PriceListParams = {
            "active": True,
            "type": "recurring",
            "limit": _PRICES_PER_PAGE,
            # Tiers come only when asked for; a metered plan shows its usage against them.
            "expand": ["data.product", "data.tiers"],
        }
        prices: list[Price] = []
        while True:
            page = _list(stripe.Price, await self._get("/v1/prices", query))
            prices.extend(convert.price(found) for found in page.data)
            if not page.has_more or not page.data:
                return tuple(prices)
            query = {**query, "starting_after": prices[-1].id}

    # -- subscriptions --------------------------------------------------------------------------------------
    async def retrieve_subscription(self, subscription_id: str) -> Subscription:
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        response = await self._get(_path("subscriptions", subscription_id), {})
        return convert.subscription(convert.read_as(stripe.Subscription, response.data))

    async def list_subscriptions(
        self, customer_id: str, *, status: str = "all", limit: int = 100
    ) -> Page[Subscription]:
        ids.check(IdKind.CUSTOMER, customer_id)
        query = {"customer": customer_id, "status": status, "limit": limit}
        page = _list(stripe.Subscription, await self._get("/v1/subscriptions", query))
        return Page(tuple(convert.subscription(found) for found in page.data), page.has_more)

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
        """Move items to other prices/quantities, add or remove items, prorated as of `proration_date` (the
        preview's); `reset_billing_cycle` restarts the cycle now, `end_trial` ends a trial now.

        `payment_behavior=error_if_incomplete`: when the change is invoiced now and the payment fails, Stripe
        answers 402 (CardDeclined) and the subscription stays on its old plan, so a customer never gets a
        plan they did not pay for and nothing is left half-done. (`pending_if_incomplete` would answer 200
        with a pending update that no caller checks; `allow_incomplete` would switch first and bill later.)
        """
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        ids.check(IdKind.PRICE, *(item.price_id for item in items if item.price_id is not None))
        change: SubscriptionUpdateParams = {
            "items": params.subscription_items(items),
            "proration_behavior": proration_behavior,
            "payment_behavior": _PLAN_CHANGE_PAYMENT_BEHAVIOR,
        }
        if end_trial:
            change["trial_end"] = "now"
        elif reset_billing_cycle:
            change["billing_cycle_anchor"] = {"type": "now"}
        # Stripe rejects a proration date when nothing is prorated.
        if proration_date is not None and proration_behavior != "none":
            change["proration_date"] = proration_date
        key = params.idempotency_key("change_subscription_items", idempotency_key)
        updated = await self._call(
            lambda: self._v1.subscriptions.update_async(subscription_id, change, {"idempotency_key": key})
        )
        return convert.subscription(updated)

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
        """Leave a change for the end of the period: a subscription schedule made from the subscription, whose
        current phase keeps `current` until `period_end` and whose next phase bills `upcoming` from then for
        one period, after which the schedule releases the subscription as it is.

        Two calls (Stripe makes a schedule from a subscription only without phases, then takes them as an
        update), each under its own key derived from the caller's, so a retry finishes what a failure left.
        """
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        ids.check(IdKind.PRICE, *(i.price_id for i in (*current, *upcoming) if i.price_id is not None))
        create_key = params.idempotency_key("schedule_change", idempotency_key)
        created = await self._call(
            lambda: self._v1.subscription_schedules.create_async(
                {"from_subscription": subscription_id}, {"idempotency_key": create_key}
            )
        )
        phases = params.schedule_phases(current, upcoming, period_start, period_end)
        update_key = params.idempotency_key("schedule_phases", idempotency_key)
        updated = await self._call(
            lambda: self._v1.subscription_schedules.update_async(
                created.id,
                {"end_behavior": "release", "phases": phases, "expand": ["subscription"]},
                {"idempotency_key": update_key},
            )
        )
        subscription = updated.subscription
        if not isinstance(subscription, stripe.Subscription):
            raise TypeError("the schedule's subscription was asked for expanded")
        return convert.subscription(subscription)

    async def cancel_at_period_end(
        self,
        subscription_id: str,
        *,
        feedback: CancellationFeedback | None,
        comment: str | None,
        idempotency_key: str,
    ) -> Subscription:
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        change: SubscriptionUpdateParams = {"cancel_at_period_end": True}
        details = params.cancellation_details(feedback, comment)
        if details is not None:
            change["cancellation_details"] = details
        key = params.idempotency_key("cancel_at_period_end", idempotency_key)
        updated = await self._call(
            lambda: self._v1.subscriptions.update_async(subscription_id, change, {"idempotency_key": key})
        )
        return convert.subscription(updated)

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
        """Cancel immediately (`DELETE /v1/subscriptions/:id`).

        Stripe ignores idempotency keys on DELETE and refuses to cancel twice (`resource_missing`), so a
        retried cancel is recognised by the subscription already being canceled and answered with it.
        """
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        cancel: SubscriptionCancelParams = {"prorate": prorate, "invoice_now": invoice_now}
        details = params.cancellation_details(feedback, comment)
        if details is not None:
            cancel["cancellation_details"] = details
        key = params.idempotency_key("cancel_now", idempotency_key)
        try:
            canceled = await self._call(
                lambda: self._v1.subscriptions.cancel_async(subscription_id, cancel, {"idempotency_key": key})
            )
        except (NotFound, InvalidRequest):  # however the refusal is worded, the current state decides
            current = await self.retrieve_subscription(subscription_id)
            if current.status is not SubscriptionStatus.CANCELED:
                raise
            return current
        return convert.subscription(canceled)

    async def pause_collection(
        self, subscription_id: str, *, resumes_at: int | None, paused_at: int, idempotency_key: str
    ) -> Subscription:
        """Pause payment collection until `resumes_at` (None: until resumed), voiding the invoices made
        meanwhile, as Stripe's own portal pauses: the subscription stays active and renews on its cycle,
        and Stripe resumes collection by itself at `resumes_at`. When it was paused is kept in metadata."""
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        pause: SubscriptionUpdateParamsPauseCollection = {"behavior": "void"}
        if resumes_at is not None:
            pause["resumes_at"] = resumes_at
        change: SubscriptionUpdateParams = {
            "pause_collection": pause,
            "metadata": {PAUSED_AT_METADATA: str(paused_at)},
        }
        key = params.idempotency_key("pause_collection", idempotency_key)
        updated = await self._call(
            lambda: self._v1.subscriptions.update_async(subscription_id, change, {"idempotency_key": key})
        )
        return convert.subscription(updated)

    async def resume_collection(self, subscription_id: str, *, idempotency_key: str) -> Subscription:
        """Collect payments again from the next renewal on (`pause_collection=""`)."""
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        change: SubscriptionUpdateParams = {"pause_collection": "", "metadata": {PAUSED_AT_METADATA: ""}}
        key = params.idempotency_key("resume_collection", idempotency_key)
        updated = await self._call(
            lambda: self._v1.subscriptions.update_async(subscription_id, change, {"idempotency_key": key})
        )
        return convert.subscription(updated)

    async def apply_coupon(
        self, subscription_id: str, coupon_id: str, *, kept_discount_ids: Sequence[str], idempotency_key: str
    ) -> Subscription:
        """Add the coupon to the subscription's discounts. Stripe overwrites the list, so the discounts it
        already has (`kept_discount_ids`, from the subscription as read) are sent along by id."""
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        discounts: list[SubscriptionUpdateParamsDiscount] = [
            {"discount": discount} for discount in kept_discount_ids
        ]
        discounts.append({"coupon": coupon_id})
        change: SubscriptionUpdateParams = {"discounts": discounts}
        key = params.idempotency_key("apply_coupon", idempotency_key)
        updated = await self._call(
            lambda: self._v1.subscriptions.update_async(subscription_id, change, {"idempotency_key": key})
        )
        return convert.subscription(updated)

    async def create_coupon(self, spec: CouponSpec, *, idempotency_key: str) -> Coupon:
        create: CouponCreateParams = {"name": spec.name, "duration": spec.duration.value}
        if spec.percent_off is not None:
            create["percent_off"] = spec.percent_off
        if spec.amount_off is not None and spec.currency is not None:
            create["amount_off"], create["currency"] = spec.amount_off, spec.currency
        if spec.duration_in_months is not None:
            create["duration_in_months"] = spec.duration_in_months
        key = params.idempotency_key("create_coupon", idempotency_key)
        created = await self._call(lambda: self._v1.coupons.create_async(create, {"idempotency_key": key}))
        return convert.coupon(created)

    async def uncancel(self, subscription_id: str, *, idempotency_key: str) -> Subscription:
        """Undo a scheduled cancellation (`cancel_at_period_end` or `cancel_at`).

        Both must be cleared, but Stripe takes only one of the two parameters per request. The first
        request clears `cancel_at_period_end` (which also drops the `cancel_at` it set); only when an
        explicit `cancel_at` is still left does a second request clear it with `""`. Each request has its
        own idempotency key, so a retried uncancel replays both.
        """
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        flag_key = params.idempotency_key("uncancel:cancel_at_period_end", idempotency_key)
        updated = await self._call(
            lambda: self._v1.subscriptions.update_async(
                subscription_id, {"cancel_at_period_end": False}, {"idempotency_key": flag_key}
            )
        )
        if updated.cancel_at is not None:
            at_key = params.idempotency_key("uncancel:cancel_at", idempotency_key)
            updated = await self._call(
                lambda: self._v1.subscriptions.update_async(
                    subscription_id, {"cancel_at": ""}, {"idempotency_key": at_key}
                )
            )
        return convert.subscription(updated)

    # -- invoices -------------------------------------------------------------------------------------------
    async def retrieve_invoice(
        self,
        invoice_id: str,
        *,
        with_payments: bool = False,
        fresh: bool = False,  # noqa: ARG002 - every read here is fresh; a caching gateway honours it
    ) -> Invoice:
        ids.check(IdKind.INVOICE, invoice_id)
        query: InvoiceRetrieveParams = {"expand": ["payments"]} if with_payments else {}
        response = await self._get(_path("invoices", invoice_id), query)
        return convert.invoice(convert.read_as(stripe.Invoice, response.data))

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
    ) -> Page[Invoice]:
        ids.check(IdKind.CUSTOMER, customer_id)
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        ids.check(IdKind.INVOICE, starting_after, ending_before)
        query: InvoiceListParams = {"limit": limit}
        if customer_id is not None:
            query["customer"] = customer_id
        if subscription_id is not None:
            query["subscription"] = subscription_id
        if status is not None:
            query["status"] = status.value
        if starting_after is not None:
            query["starting_after"] = starting_after
        if ending_before is not None:
            query["ending_before"] = ending_before
        if with_payments:
            query["expand"] = ["data.payments"]
        page = _list(stripe.Invoice, await self._get("/v1/invoices", query))
        return Page(tuple(convert.invoice(found) for found in page.data), page.has_more)

    async def create_invoice(
        self,
        customer_id: str,
        *,
        collection_method: CollectionMethod,
        days_until_due: int | None,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> Invoice:
        """A one-off draft that picks up none of the customer's pending invoice items: only the items added
        to it by id (`add_invoice_item`) are billed on it. Not advanced automatically until finalized."""
        ids.check(IdKind.CUSTOMER, customer_id)
        key = params.idempotency_key("create_invoice", idempotency_key)
        query: InvoiceCreateParams = {
            "customer": customer_id,
            "collection_method": collection_method.value,
            "pending_invoice_items_behavior": "exclude",
            "auto_advance": False,
            "metadata": dict(metadata),
        }
        if days_until_due is not None:
            query["days_until_due"] = days_until_due
        created = await self._call(lambda: self._v1.invoices.create_async(query, {"idempotency_key": key}))
        return convert.invoice(created)

    async def add_invoice_item(
        self,
        invoice_id: str,
        *,
        customer_id: str,
        item: NewInvoiceItem,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> str:
        """Add a line to a draft invoice; the invoice item's id."""
        ids.check(IdKind.INVOICE, invoice_id)
        ids.check(IdKind.CUSTOMER, customer_id)
        if item.price_id is not None:
            ids.check(IdKind.PRICE, item.price_id)
        key = params.idempotency_key("add_invoice_item", idempotency_key)
        query = params.invoice_item(invoice_id, customer_id, item, metadata)
        created = await self._call(
            lambda: self._v1.invoice_items.create_async(query, {"idempotency_key": key})
        )
        return created.id

    async def finalize_invoice(
        self,
        invoice_id: str,
        *,
        auto_advance: bool,
        idempotency_key: str,
        customer_id: str,  # noqa: ARG002 - the invoice's customer, whose reads a caching gateway drops
    ) -> Invoice:
        """Draft to open: numbered, with its hosted page. With `auto_advance` Stripe goes on to collect it."""
        ids.check(IdKind.INVOICE, invoice_id)
        key = params.idempotency_key("finalize_invoice", idempotency_key)
        finalized = await self._call(
            lambda: self._v1.invoices.finalize_invoice_async(
                invoice_id, {"auto_advance": auto_advance}, {"idempotency_key": key}
            )
        )
        return convert.invoice(finalized)

    async def send_invoice(
        self,
        invoice_id: str,
        *,
        idempotency_key: str,
        customer_id: str,  # noqa: ARG002 - the invoice's customer, whose reads a caching gateway drops
    ) -> Invoice:
        """Email an open invoice to its customer (test mode sends no email, only the `invoice.sent` event)."""
        ids.check(IdKind.INVOICE, invoice_id)
        key = params.idempotency_key("send_invoice", idempotency_key)
        sent = await self._call(
            lambda: self._v1.invoices.send_invoice_async(invoice_id, {}, {"idempotency_key": key})
        )
        return convert.invoice(sent)

    async def void_invoice(
        self,
        invoice_id: str,
        *,
        idempotency_key: str,
        customer_id: str,  # noqa: ARG002 - the invoice's customer, whose reads a caching gateway drops
    ) -> Invoice:
        ids.check(IdKind.INVOICE, invoice_id)
        key = params.idempotency_key("void_invoice", idempotency_key)
        voided = await self._call(
            lambda: self._v1.invoices.void_invoice_async(invoice_id, {}, {"idempotency_key": key})
        )
        return convert.invoice(voided)

    async def list_invoice_payments(self, invoice_id: str) -> tuple[InvoicePayment, ...]:
        ids.check(IdKind.INVOICE, invoice_id)
        page = await self._call(
            lambda: self._v1.invoice_payments.list_async({"invoice": invoice_id, "limit": 100})
        )
        payments = [convert.invoice_payment(found) for found in page.data]
        while page.has_more:
            page = await self._call(page.next_page_async)
            payments.extend(convert.invoice_payment(found) for found in page.data)
        return tuple(payments)

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
    ) -> Invoice | None:
        """`invoices.create_preview`: the next invoice, or what a plan change would bill; None when nothing is
        left to invoice (the subscription is about to end).

        A change billed at once previews as that invoice; `recurring` previews the first regular invoice
        after it instead (Stripe's `preview_mode=recurring`, without the change's prorations).
        """
        ids.check(IdKind.CUSTOMER, customer_id)
        ids.check(IdKind.SUBSCRIPTION, subscription_id)
        ids.check(IdKind.PRICE, *(item.price_id for item in items if item.price_id is not None))
        query: InvoiceCreatePreviewParams = {"customer": customer_id}
        if recurring:
            query["preview_mode"] = "recurring"
        if subscription_id is not None:
            query["subscription"] = subscription_id
        details: InvoiceCreatePreviewParamsSubscriptionDetails = {}
        if items:
            details["items"] = params.preview_items(items)
        if proration_behavior is not None:
            details["proration_behavior"] = proration_behavior
        if proration_date is not None and proration_behavior != "none":
            details["proration_date"] = proration_date
        if end_trial:
            details["trial_end"] = "now"
        elif reset_billing_cycle:
            details["billing_cycle_anchor"] = {"type": "now"}
        if cancel_now:
            details["cancel_now"] = True
        if details:
            query["subscription_details"] = details
        # A preview changes nothing, so it needs no idempotency key (the SDK adds a random one to the POST).
        as_of = int(time.time())
        try:
            response = await self._get("/v1/invoices/create_preview", query, method="post")
        except InvalidRequest as error:
            if error.code == _NOTHING_TO_PREVIEW:
                return None
            raise
        return dataclasses.replace(
            convert.invoice(convert.read_as(stripe.Invoice, response.data)), as_of=as_of
        )

    # -- payment methods ------------------------------------------------------------------------------------
    async def list_payment_methods(self, customer_id: str, *, limit: int = 100) -> Page[PaymentMethod]:
        ids.check(IdKind.CUSTOMER, customer_id)
        query = {"customer": customer_id, "limit": limit}
        page = _list(stripe.PaymentMethod, await self._get("/v1/payment_methods", query))
        return Page(tuple(convert.payment_method(found) for found in page.data), page.has_more)

    async def retrieve_payment_method(self, payment_method_id: str) -> PaymentMethod:
        ids.check(IdKind.PAYMENT_METHOD, payment_method_id)
        response = await self._get(_path("payment_methods", payment_method_id), {})
        return convert.payment_method(convert.read_as(stripe.PaymentMethod, response.data))

    async def attach_payment_method(
        self, payment_method_id: str, customer_id: str, *, idempotency_key: str
    ) -> PaymentMethod:
        ids.check(IdKind.PAYMENT_METHOD, payment_method_id)
        ids.check(IdKind.CUSTOMER, customer_id)
        key = params.idempotency_key("attach_payment_method", idempotency_key)
        attached = await self._call(
            lambda: self._v1.payment_methods.attach_async(
                payment_method_id, {"customer": customer_id}, {"idempotency_key": key}
            )
        )
        return convert.payment_method(attached)

    async def detach_payment_method(self, payment_method_id: str, *, idempotency_key: str) -> PaymentMethod:
        ids.check(IdKind.PAYMENT_METHOD, payment_method_id)
        key = params.idempotency_key("detach_payment_method", idempotency_key)
        detached = await self._call(
            lambda: self._v1.payment_methods.detach_async(payment_method_id, None, {"idempotency_key": key})
        )
        return convert.payment_method(detached)

    # -- collecting payment: saving cards, paying invoices ------------------------------------------------
    async def create_setup_intent(
        self, customer_id: str, *, metadata: Mapping[str, str], idempotency_key: str
    ) -> SetupIntent:
        """A SetupIntent that saves a card for the customer's later, off-session payments."""
        ids.check(IdKind.CUSTOMER, customer_id)
        key = params.idempotency_key("create_setup_intent", idempotency_key)
        query: SetupIntentCreateParams = {
            "customer": customer_id,
            "usage": "off_session",
            "metadata": dict(metadata),
        }
        created = await self._call(
            lambda: self._v1.setup_intents.create_async(query, {"idempotency_key": key})
        )
        return convert.setup_intent(created)

    async def retrieve_setup_intent(self, setup_intent_id: str) -> SetupIntent:
        ids.check(IdKind.SETUP_INTENT, setup_intent_id)
        return convert.setup_intent(
            await self._call(lambda: self._v1.setup_intents.retrieve_async(setup_intent_id))
        )

    async def pay_invoice(
        self,
        invoice_id: str,
        *,
        payment_method_id: str | None,
        idempotency_key: str,
        customer_id: str,  # noqa: ARG002 - the invoice's customer, whose reads a caching gateway drops
    ) -> Invoice:
        """Pay an open invoice now, with the given payment method or the one Stripe would charge. Raises
        CardDeclined, or PaymentActionRequired when the card needs 3-D Secure first."""
        ids.check(IdKind.INVOICE, invoice_id)
        if payment_method_id is not None:
            ids.check(IdKind.PAYMENT_METHOD, payment_method_id)
        key = params.idempotency_key("pay_invoice", idempotency_key)
        query: InvoicePayParams = {} if payment_method_id is None else {"payment_method": payment_method_id}
        try:
            paid = await self._call(
                lambda: self._v1.invoices.pay_async(invoice_id, query, {"idempotency_key": key})
            )
        except CardDeclined as declined:
            raise _action_required(declined) or declined from declined.__cause__
        return convert.invoice(paid)

    # -- payments and refunds -------------------------------------------------------------------------------
    async def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent:
        ids.check(IdKind.PAYMENT_INTENT, payment_intent_id)
        return convert.payment_intent(
            await self._call(lambda: self._v1.payment_intents.retrieve_async(payment_intent_id))
        )

    async def retrieve_charge(
        self,
        charge_id: str,
        *,
        fresh: bool = False,  # noqa: ARG002 - every read here is fresh; a caching gateway honours it
    ) -> Charge:
        ids.check(IdKind.CHARGE, charge_id)
        return convert.charge(await self._call(lambda: self._v1.charges.retrieve_async(charge_id)))

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
        """Refund `amount` (or everything left when None) of one payment, given by exactly one of its ids."""
        if (payment_intent_id is None) == (charge_id is None):
            raise ValueError("a refund needs exactly one of payment_intent_id and charge_id")
        ids.check(IdKind.PAYMENT_INTENT, payment_intent_id)
        ids.check(IdKind.CHARGE, charge_id)
        query: RefundCreateParams = {}
        if payment_intent_id is not None:
            query["payment_intent"] = payment_intent_id
        if charge_id is not None:
            query["charge"] = charge_id
        if amount is not None:
            query["amount"] = amount
        if reason is not None:
            query["reason"] = reason.value
        if metadata:
            query["metadata"] = dict(metadata)
        key = params.idempotency_key("create_refund", idempotency_key)
        return convert.refund(
            await self._call(lambda: self._v1.refunds.create_async(query, {"idempotency_key": key}))
        )

    async def retrieve_refund(self, refund_id: str) -> Refund:
        """A refund with its charge expanded: the charge names the customer, which a refund may not."""
        ids.check(IdKind.REFUND, refund_id)
        return convert.refund(
            await self._call(lambda: self._v1.refunds.retrieve_async(refund_id, {"expand": ["charge"]}))
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
        ids.check(IdKind.PAYMENT_INTENT, payment_intent_id)
        ids.check(IdKind.CHARGE, charge_id)
        ids.check(IdKind.REFUND, starting_after, ending_before)
        query: RefundListParams = {"limit": limit}
        if payment_intent_id is not None:
            query["payment_intent"] = payment_intent_id
        if charge_id is not None:
            query["charge"] = charge_id
        if starting_after is not None:
            query["starting_after"] = starting_after
        if ending_before is not None:
            query["ending_before"] = ending_before
        page = await self._call(lambda: self._v1.refunds.list_async(query))
        return Page(tuple(convert.refund(found) for found in page.data), page.has_more)

    # -- billing portal -------------------------------------------------------------------------------------
    async def retrieve_portal_configuration(self, configuration_id: str) -> PortalConfiguration:
        ids.check(IdKind.PORTAL_CONFIGURATION, configuration_id)
        return convert.portal_configuration(
            await self._call(lambda: self._v1.billing_portal.configurations.retrieve_async(configuration_id))
        )

    async def account_branding(self) -> AccountBranding:
        """The account's name and brand: one call, the logo and icon expanded for their public links."""
        query: AccountRetrieveCurrentParams = {"expand": list(_BRANDING_FILES)}
        return convert.account_branding(
            await self._call(lambda: self._v1.accounts.retrieve_current_async(query))
        )

    async def default_portal_configuration(self) -> PortalConfiguration:
        page = await self._call(
            lambda: self._v1.billing_portal.configurations.list_async({"is_default": True, "limit": 1})
        )
        if not page.data:
            response = page.last_response
            raise NotFound(
                "The Stripe account has no default billing portal configuration",
                request_id=response.request_id if response is not None else None,
                code="resource_missing",
            )
        return convert.portal_configuration(page.data[0])

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
        ids.check(IdKind.CUSTOMER, customer_id)
        ids.check(IdKind.PORTAL_CONFIGURATION, configuration_id)
        query: SessionCreateParams = {"customer": customer_id}
        if return_url is not None:
            query["return_url"] = return_url
        if configuration_id is not None:
            query["configuration"] = configuration_id
        if locale is not None:
            query["locale"] = locale
        if flow is not None:
            query["flow_data"] = params.flow_data(flow)
        key = params.idempotency_key("create_portal_session", idempotency_key)
        session = await self._call(
            lambda: self._v1.billing_portal.sessions.create_async(query, {"idempotency_key": key})
        )
        return convert.portal_session(session)

    # -- usage and credits ----------------------------------------------------------------------------------
    async def list_meters(self) -> tuple[Meter, ...]:
        """Every active meter, in one call (an account has a handful)."""
        query: MeterListParams = {"status": "active", "limit": _METERS_PER_PAGE}
        page = _list(stripe.billing.Meter, await self._get("/v1/billing/meters", query))
        return tuple(convert.meter(found) for found in page.data)

    async def meter_usage(
        self, meter_id: str, customer_id: str, *, start: int, end: int, window: UsageWindow | None
    ) -> UsageSeries:
        """One call: the meter's summaries for the customer over `[start, end)`, per `window` (or one in
        all). The bounds must be aligned as Stripe requires and span at most 100 windows (one page)."""
        ids.check(IdKind.METER, meter_id)
        ids.check(IdKind.CUSTOMER, customer_id)
        as_of = int(time.time())
        query: MeterEventSummaryListParams = {
            "customer": customer_id,
            "start_time": start,
            "end_time": end,
            "limit": _SUMMARIES_PER_PAGE,
        }
        if window is not None:
            query["value_grouping_window"] = window.value
        path = f"{_path('billing/meters', meter_id)}/event_summaries"
        page = _list(stripe.billing.MeterEventSummary, await self._get(path, query))
        windows = sorted((convert.meter_usage(found) for found in page.data), key=lambda usage: usage.start)
        return UsageSeries(meter_id=meter_id, customer_id=customer_id, as_of=as_of, windows=tuple(windows))

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
        """Report usage; `identifier` makes it count once, also when Stripe answered a first report and the
        answer was lost (Stripe then refuses the identifier, which is reported as `already_recorded`)."""
        ids.check(IdKind.CUSTOMER, customer_id)
        request: MeterEventCreateParams = {
            "event_name": event_name,
            "identifier": identifier,
            "payload": {"stripe_customer_id": customer_id, "value": _usage_value(value)},
        }
        if timestamp is not None:
            request["timestamp"] = timestamp
        key = params.idempotency_key("record_usage", idempotency_key)
        try:
            created = await self._call(
                lambda: self._v1.billing.meter_events.create_async(request, {"idempotency_key": key})
            )
        except InvalidRequest as error:
            if error.param != _IDENTIFIER_PARAM:
                raise
            return MeterEvent(
                identifier=identifier,
                event_name=event_name,
                customer_id=customer_id,
                value=value,
                timestamp=timestamp or int(time.time()),
                already_recorded=True,
            )
        return convert.meter_event(created, customer_id=customer_id, value=value)

    async def credit_summary(self, customer_id: str) -> CreditSummary:
        """One call: the customer's credit for metered prices, per currency."""
        ids.check(IdKind.CUSTOMER, customer_id)
        as_of = int(time.time())
        query: CreditBalanceSummaryRetrieveParams = {
            "customer": customer_id,
            "filter": {"type": "applicability_scope", "applicability_scope": {"price_type": "metered"}},
        }
        response = await self._get("/v1/billing/credit_balance_summary", query)
        summary = convert.read_as(stripe.billing.CreditBalanceSummary, response.data)
        return CreditSummary(customer_id, as_of, convert.credit_balances(summary))

    async def list_credit_grants(self, customer_id: str) -> Page[CreditGrant]:
        """One call: the customer's grants, newest first (the first 100)."""
        ids.check(IdKind.CUSTOMER, customer_id)
        query: CreditGrantListParams = {"customer": customer_id, "limit": _GRANTS_PER_PAGE}
        page = _list(stripe.billing.CreditGrant, await self._get("/v1/billing/credit_grants", query))
        return Page(tuple(convert.credit_grant(found) for found in page.data), page.has_more)

    async def list_credit_ledger(self, customer_id: str) -> Page[CreditLedgerEntry]:
        """One call: the latest 100 movements of the customer's grants (what tells what is left of each)."""
        ids.check(IdKind.CUSTOMER, customer_id)
        query: CreditBalanceTransactionListParams = {"customer": customer_id, "limit": _GRANTS_PER_PAGE}
        path = "/v1/billing/credit_balance_transactions"
        page = _list(stripe.billing.CreditBalanceTransaction, await self._get(path, query))
        return Page(tuple(convert.credit_ledger_entry(found) for found in page.data), page.has_more)

    async def list_balance_transactions(
        self, customer_id: str, *, limit: int, starting_after: str | None = None
    ) -> Page[BalanceTransaction]:
        """One call: a page of the customer's cash balance changes, newest first."""
        ids.check(IdKind.CUSTOMER, customer_id)
        query: CustomerBalanceTransactionListParams = {"limit": limit}
        if starting_after is not None:
            query["starting_after"] = starting_after
        path = f"{_path('customers', customer_id)}/balance_transactions"
        page = _list(stripe.CustomerBalanceTransaction, await self._get(path, query))
        return Page(tuple(convert.balance_transaction(found) for found in page.data), page.has_more)

    # -- events ---------------------------------------------------------------------------------------------
    def construct_event(
        self,
        payload: bytes,
        signature_header: str | None,
        secret: str,
        *,
        tolerance: int = 300,
    ) -> Event:
        """Verify a webhook delivery and read its event.

        Raises WebhookSignatureInvalid for a delivery that does not verify (or is not JSON), UnusableEvent
        for a verified one that is no event portalql can read. An empty secret rejects every delivery, and
        the timestamp check cannot be switched off (the SDK would skip it for a tolerance of 0).
        """
        if tolerance <= 0:
            raise ValueError("the webhook timestamp tolerance must be positive")
        if not secret.strip():
            raise WebhookSignatureInvalid("No webhook secret is configured", code="no_webhook_secret")
        webhook_deliveries.verify_signature(payload, signature_header, secret, tolerance=tolerance)
        try:
            document = json.loads(payload)
        except ValueError as error:
            raise WebhookSignatureInvalid("Malformed webhook payload", code="payload_invalid") from error
        reason = webhook_deliveries.unusable_reason(document)
        if reason is None:
            try:
                return convert.event(
                    self._client.construct_event(payload, signature_header, secret, tolerance)
                )
            except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as error:
                # A shape the records cannot hold, deeper in the event's object.
                reason = f"unreadable event: {type(error).__name__}"
        fields = document if isinstance(document, dict) else {}
        event_id, event_type = fields.get("id"), fields.get("type")
        raise UnusableEvent(
            reason,
            event_id=event_id if isinstance(event_id, str) else None,
            event_type=event_type if isinstance(event_type, str) else None,
            document=document,
        )

    async def list_events(
        self,
        *,
        created_gte: int | None = None,
        starting_after: str | None = None,
        types: Sequence[str] | None = None,
        limit: int = 100,
    ) -> Page[Event]:
        query: EventListParams = {"limit": limit}
        if created_gte is not None:
            query["created"] = {"gte": created_gte}
        if starting_after is not None:
            query["starting_after"] = starting_after
        if types:
            query["types"] = list(types)
        page = await self._call(lambda: self._v1.events.list_async(query))
        return Page(tuple(convert.event(found) for found in page.data), page.has_more)
