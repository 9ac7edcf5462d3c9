"""The async gateway to Stripe: the only code that calls the SDK. Methods return records, never SDK objects.

INTERFACE DRAFT: every signature below is the contract the resolvers code against; bodies are being written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stripe_gateway.records import (
    CancellationFeedback,
    Charge,
    Customer,
    CustomerUpdate,
    Event,
    Invoice,
    InvoicePayment,
    InvoiceStatus,
    ItemChange,
    Page,
    PaymentIntent,
    PaymentMethod,
    PortalConfiguration,
    PortalFlow,
    Price,
    Product,
    Refund,
    RefundReason,
    StripePortalSession,
    Subscription,
)


class StripeGateway:
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
    ) -> StripeGateway:
        """Build the one StripeClient of the process (stock HTTPXClient, `base_addresses={"api": api_base}`)."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def ping(self) -> None:
        """A cheap authenticated read, for readiness checks; raises StripeUnavailable."""
        raise NotImplementedError

    # -- customers ------------------------------------------------------------------------------------------
    async def retrieve_customer(self, customer_id: str, *, with_subscriptions: bool = False) -> Customer:
        raise NotImplementedError

    async def list_customers(
        self, *, limit: int, starting_after: str | None = None, email: str | None = None,
        with_subscriptions: bool = False,
    ) -> Page[Customer]:
        """One Stripe call; with_subscriptions expands `data.subscriptions` (no extra call per customer)."""
        raise NotImplementedError

    async def update_customer(self, customer_id: str, changes: CustomerUpdate, *, idempotency_key: str) -> Customer:
        raise NotImplementedError

    async def set_default_payment_method(
        self, customer_id: str, payment_method_id: str, *, idempotency_key: str
    ) -> Customer:
        raise NotImplementedError

    # -- catalog --------------------------------------------------------------------------------------------
    async def list_products(self, product_ids: Sequence[str]) -> tuple[Product, ...]:
        """Products by id through `products.list(ids=…, limit=len(ids))`, 100 per call; missing ids are absent."""
        raise NotImplementedError

    async def retrieve_price(self, price_id: str) -> Price:
        raise NotImplementedError

    async def list_prices(
        self, *, product_id: str | None = None, lookup_keys: Sequence[str] | None = None,
        active: bool | None = True, limit: int = 100,
    ) -> Page[Price]:
        raise NotImplementedError

    # -- subscriptions --------------------------------------------------------------------------------------
    async def retrieve_subscription(self, subscription_id: str) -> Subscription:
        raise NotImplementedError

    async def list_subscriptions(self, customer_id: str, *, status: str = "all", limit: int = 100) -> Page[Subscription]:
        raise NotImplementedError

    async def change_subscription_items(
        self, subscription_id: str, items: Sequence[ItemChange], *, proration_behavior: str,
        proration_date: int | None, idempotency_key: str,
    ) -> Subscription:
        raise NotImplementedError

    async def cancel_at_period_end(
        self, subscription_id: str, *, feedback: CancellationFeedback | None, comment: str | None,
        idempotency_key: str,
    ) -> Subscription:
        raise NotImplementedError

    async def cancel_now(
        self, subscription_id: str, *, prorate: bool, invoice_now: bool, feedback: CancellationFeedback | None,
        comment: str | None, idempotency_key: str,
    ) -> Subscription:
        raise NotImplementedError

    async def uncancel(self, subscription_id: str, *, idempotency_key: str) -> Subscription:
        """Undo a scheduled cancellation (`cancel_at_period_end` or `cancel_at`)."""
        raise NotImplementedError

    # -- invoices -------------------------------------------------------------------------------------------
    async def retrieve_invoice(self, invoice_id: str, *, with_payments: bool = False) -> Invoice:
        raise NotImplementedError

    async def list_invoices(
        self, *, customer_id: str | None = None, subscription_id: str | None = None,
        status: InvoiceStatus | None = None, limit: int = 10, starting_after: str | None = None,
        ending_before: str | None = None, with_payments: bool = False,
    ) -> Page[Invoice]:
        raise NotImplementedError

    async def list_invoice_payments(self, invoice_id: str) -> tuple[InvoicePayment, ...]:
        raise NotImplementedError

    async def preview_invoice(
        self, *, customer_id: str, subscription_id: str | None = None, items: Sequence[ItemChange] = (),
        proration_behavior: str | None = None, proration_date: int | None = None,
    ) -> Invoice:
        """`invoices.create_preview`: the next invoice, or what a plan change would bill."""
        raise NotImplementedError

    # -- payment methods ------------------------------------------------------------------------------------
    async def list_payment_methods(self, customer_id: str, *, limit: int = 100) -> Page[PaymentMethod]:
        raise NotImplementedError

    async def retrieve_payment_method(self, payment_method_id: str) -> PaymentMethod:
        raise NotImplementedError

    async def attach_payment_method(
        self, payment_method_id: str, customer_id: str, *, idempotency_key: str
    ) -> PaymentMethod:
        raise NotImplementedError

    async def detach_payment_method(self, payment_method_id: str, *, idempotency_key: str) -> PaymentMethod:
        raise NotImplementedError

    # -- payments and refunds -------------------------------------------------------------------------------
    async def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent:
        raise NotImplementedError

    async def retrieve_charge(self, charge_id: str) -> Charge:
        raise NotImplementedError

    async def create_refund(
        self, *, payment_intent_id: str | None = None, charge_id: str | None = None, amount: int | None,
        reason: RefundReason | None, metadata: Mapping[str, str] | None = None, idempotency_key: str,
    ) -> Refund:
        raise NotImplementedError

    async def list_refunds(
        self, *, payment_intent_id: str | None = None, charge_id: str | None = None, limit: int = 100
    ) -> Page[Refund]:
        raise NotImplementedError

    # -- billing portal -------------------------------------------------------------------------------------
    async def retrieve_portal_configuration(self, configuration_id: str) -> PortalConfiguration:
        raise NotImplementedError

    async def default_portal_configuration(self) -> PortalConfiguration:
        raise NotImplementedError

    async def create_portal_session(
        self, customer_id: str, *, return_url: str | None, configuration_id: str | None, locale: str | None,
        flow: PortalFlow | None, idempotency_key: str,
    ) -> StripePortalSession:
        raise NotImplementedError

    # -- events ---------------------------------------------------------------------------------------------
    def construct_event(self, payload: bytes, signature_header: str | None, secret: str, *, tolerance: int = 300) -> Event:
        """Verify a webhook delivery; raises WebhookSignatureInvalid."""
        raise NotImplementedError

    async def list_events(
        self, *, created_gte: int | None = None, starting_after: str | None = None,
        types: Sequence[str] | None = None, limit: int = 100,
    ) -> Page[Event]:
        raise NotImplementedError
