"""The gateway's interface, for code that takes either `StripeGateway` or `CachedGateway`.

`StripeGateway` documents each method; `CachedGateway` adds `fresh=True` to its reads to bypass the cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stripe_gateway.records import (
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
        TaxId,
        TaxIdType,
        UsageSeries,
        UsageWindow,
    )


class BillingGateway(Protocol):
    async def close(self) -> None: ...

    async def ping(self) -> None: ...

    # Dropping reads a change made stale (webhooks call these); a gateway without a cache has none to drop.
    async def invalidate_customer(self, customer_id: str) -> None: ...

    async def invalidate_object(self, object_id: str) -> None: ...

    async def invalidate_catalog(self) -> None: ...

    async def cache_ready(self) -> bool:
        """Whether the read cache's backing service (Redis) answers; reads still work when it does not."""
        ...

    def seen_by(self, customer_id: str) -> BillingGateway:
        """The reads as one customer's session may be served them: a cache reads another customer's objects
        from Stripe, as it reads missing ones."""
        ...

    async def retrieve_customer(self, customer_id: str, *, with_subscriptions: bool = False) -> Customer: ...

    async def list_customers(
        self,
        *,
        limit: int,
        starting_after: str | None = None,
        email: str | None = None,
        with_subscriptions: bool = False,
    ) -> Page[Customer]: ...

    async def update_customer(
        self, customer_id: str, changes: CustomerUpdate, *, idempotency_key: str
    ) -> Customer: ...

    async def create_tax_id(
        self, customer_id: str, tax_type: TaxIdType, value: str, *, idempotency_key: str
    ) -> TaxId: ...

    async def delete_tax_id(self, customer_id: str, tax_id_id: str) -> None:
        """Raises NotFound when the customer has no such tax id (any more)."""
        ...

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str, *, idempotency_key: str
    ) -> Customer: ...

    async def list_products(
        self, product_ids: Sequence[str], *, with_default_price: bool = False
    ) -> tuple[Product, ...]: ...

    async def retrieve_price(self, price_id: str) -> Price: ...

    async def list_catalog_prices(self) -> tuple[Price, ...]: ...

    async def retrieve_subscription(self, subscription_id: str) -> Subscription: ...

    async def list_subscriptions(
        self, customer_id: str, *, status: str = "all", limit: int = 100
    ) -> Page[Subscription]: ...

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
    ) -> Subscription: ...

    async def schedule_subscription_change(
        self,
        subscription_id: str,
        *,
        current: Sequence[ItemChange],
        upcoming: Sequence[ItemChange],
        period_start: int,
        period_end: int,
        idempotency_key: str,
    ) -> Subscription: ...

    async def cancel_at_period_end(
        self,
        subscription_id: str,
        *,
        feedback: CancellationFeedback | None,
        comment: str | None,
        idempotency_key: str,
    ) -> Subscription: ...

    async def cancel_now(
        self,
        subscription_id: str,
        *,
        prorate: bool,
        invoice_now: bool,
        feedback: CancellationFeedback | None,
        comment: str | None,
        idempotency_key: str,
    ) -> Subscription: ...

    async def uncancel(self, subscription_id: str, *, idempotency_key: str) -> Subscription: ...

    async def pause_collection(
        self, subscription_id: str, *, resumes_at: int | None, paused_at: int, idempotency_key: str
    ) -> Subscription: ...

    async def resume_collection(self, subscription_id: str, *, idempotency_key: str) -> Subscription: ...

    async def apply_coupon(
        self, subscription_id: str, coupon_id: str, *, kept_discount_ids: Sequence[str], idempotency_key: str
    ) -> Subscription: ...

    async def create_coupon(self, spec: CouponSpec, *, idempotency_key: str) -> Coupon: ...

    async def retrieve_invoice(
        self, invoice_id: str, *, with_payments: bool = False, fresh: bool = False
    ) -> Invoice:
        """`fresh=True` bypasses any cache: for reads that decide what to write."""
        ...

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
    ) -> Page[Invoice]: ...

    async def create_invoice(
        self,
        customer_id: str,
        *,
        collection_method: CollectionMethod,
        days_until_due: int | None,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> Invoice: ...

    async def add_invoice_item(
        self,
        invoice_id: str,
        *,
        customer_id: str,
        item: NewInvoiceItem,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> str: ...

    async def finalize_invoice(
        self, invoice_id: str, *, auto_advance: bool, idempotency_key: str, customer_id: str
    ) -> Invoice: ...

    async def send_invoice(self, invoice_id: str, *, idempotency_key: str, customer_id: str) -> Invoice: ...

    async def void_invoice(self, invoice_id: str, *, idempotency_key: str, customer_id: str) -> Invoice: ...

    async def list_invoice_payments(self, invoice_id: str) -> tuple[InvoicePayment, ...]: ...

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
    ) -> Invoice | None: ...

    async def list_payment_methods(self, customer_id: str, *, limit: int = 100) -> Page[PaymentMethod]: ...

    async def retrieve_payment_method(self, payment_method_id: str) -> PaymentMethod: ...

    async def attach_payment_method(
        self, payment_method_id: str, customer_id: str, *, idempotency_key: str
    ) -> PaymentMethod: ...

    async def detach_payment_method(
        self, payment_method_id: str, *, idempotency_key: str
    ) -> PaymentMethod: ...

    async def create_setup_intent(
        self, customer_id: str, *, metadata: Mapping[str, str], idempotency_key: str
    ) -> SetupIntent: ...

    async def retrieve_setup_intent(self, setup_intent_id: str) -> SetupIntent: ...

    async def pay_invoice(
        self, invoice_id: str, *, payment_method_id: str | None, idempotency_key: str, customer_id: str
    ) -> Invoice: ...

    async def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent: ...

    async def retrieve_charge(self, charge_id: str, *, fresh: bool = False) -> Charge:
        """`fresh=True` bypasses any cache: for reads that decide whether money moves."""
        ...

    async def create_refund(
        self,
        *,
        payment_intent_id: str | None = None,
        charge_id: str | None = None,
        amount: int | None,
        reason: RefundReason | None,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str,
    ) -> Refund: ...

    async def retrieve_refund(self, refund_id: str) -> Refund: ...

    async def list_refunds(
        self,
        *,
        payment_intent_id: str | None = None,
        charge_id: str | None = None,
        limit: int = 100,
        starting_after: str | None = None,
        ending_before: str | None = None,
    ) -> Page[Refund]: ...

    async def retrieve_portal_configuration(self, configuration_id: str) -> PortalConfiguration: ...

    async def default_portal_configuration(self) -> PortalConfiguration: ...

    async def account_branding(self) -> AccountBranding: ...

    async def create_portal_session(
        self,
        customer_id: str,
        *,
        return_url: str | None,
        configuration_id: str | None,
        locale: str | None,
        flow: PortalFlow | None,
        idempotency_key: str,
    ) -> StripePortalSession: ...

    async def list_meters(self) -> tuple[Meter, ...]: ...

    async def meter_usage(
        self, meter_id: str, customer_id: str, *, start: int, end: int, window: UsageWindow | None
    ) -> UsageSeries: ...

    async def record_meter_event(
        self,
        event_name: str,
        *,
        customer_id: str,
        value: float,
        identifier: str,
        timestamp: int | None,
        idempotency_key: str,
    ) -> MeterEvent: ...

    async def credit_summary(self, customer_id: str) -> CreditSummary: ...

    async def list_credit_grants(self, customer_id: str) -> Page[CreditGrant]: ...

    async def list_credit_ledger(self, customer_id: str) -> Page[CreditLedgerEntry]: ...

    async def list_balance_transactions(
        self, customer_id: str, *, limit: int, starting_after: str | None = None
    ) -> Page[BalanceTransaction]: ...

    def construct_event(
        self, payload: bytes, signature_header: str | None, secret: str, *, tolerance: int = 300
    ) -> Event: ...

    async def list_events(
        self,
        *,
        created_gte: int | None = None,
        starting_after: str | None = None,
        types: Sequence[str] | None = None,
        limit: int = 100,
    ) -> Page[Event]: ...


if TYPE_CHECKING:
    from stripe_gateway.caching.gateway import CachedGateway
    from stripe_gateway.gateway import StripeGateway

    # Both implementations must keep to the interface; mypy checks these two assignments.
    _stripe: type[BillingGateway] = StripeGateway
    _cached: type[BillingGateway] = CachedGateway
