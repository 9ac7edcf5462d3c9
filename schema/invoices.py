"""Invoices: `Invoice` (also previews of upcoming ones), its lines and payments, and the connection."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.catalog import price_by_id, product_by_id
from resolvers.invoice_refunds import invoice_amount_refunded, invoice_refunds
from resolvers.invoices import invoice_payments
from resolvers.pagination import Slice, page_request
from resolvers.payment_attention import invoice_pay_refusal, last_payment_error
from resolvers.payments import charge_by_id, payment_intent_by_id
from resolvers.subscriptions import subscription_of_invoice
from schema.catalog import Price, Product
from schema.context import Info
from schema.enums import InvoicePaymentStatus, InvoiceStatus
from schema.fields import field
from schema.lookahead import selects
from schema.money import Money, maybe_money, money
from schema.node import Node
from schema.pagination import Connection, connection
from schema.payment_errors import PaymentError
from schema.payments import (
    AFTER,
    BEFORE,
    FIRST,
    LAST,
    Charge,
    PaymentIntent,
    RefundConnection,
    refund_connection,
)
from schema.scalars import instant, maybe_instant
from stripe_gateway import records

if TYPE_CHECKING:
    from schema.customers import Customer
    from schema.subscriptions import Subscription, SubscriptionAction


@strawberry.type(description="One line of an invoice: a subscription item's period, a proration, or an item.")
class InvoiceLineItem:
    record: strawberry.Private[records.InvoiceLine]

    @field("The line's Stripe id (`il_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The line's amount, before invoice-level discounts and taxes.")
    def amount(self) -> Money:
        return money(self.record.amount, self.record.currency)

    @field("What the line bills for, as printed on the invoice.")
    def description(self) -> str | None:
        return self.record.description

    @field("The quantity billed; null for lines without one.")
    def quantity(self) -> int | None:
        return self.record.quantity

    @field("The start of the period the line covers.")
    def period_start(self) -> datetime:
        return instant(self.record.period_start)

    @field("The end of the period the line covers.")
    def period_end(self) -> datetime:
        return instant(self.record.period_end)

    @field("Whether the line prorates a mid-period change.")
    def proration(self) -> bool:
        return self.record.proration

    @field("The price billed; null for lines not made from a price.")
    async def price(self, info: Info) -> Price | None:
        if self.record.price_id is None:
            return None
        return Price.of(await price_by_id(info.context.request_context, self.record.price_id))

    @field("The product billed; null for lines not made from a price.")
    async def product(self, info: Info) -> Product | None:
        if self.record.product_id is None:
            return None
        found = await product_by_id(
            info.context.request_context,
            self.record.product_id,
            with_default_price=selects(info, "defaultPrice"),
        )
        return Product.of(found)


@strawberry.type(description="One payment attempt towards an invoice.")
class InvoicePayment:
    record: strawberry.Private[records.InvoicePayment]

    @field("The invoice payment's Stripe id (`inpay_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The amount this payment paid; null until it is paid.")
    def amount_paid(self) -> Money | None:
        return maybe_money(self.record.amount_paid, self.record.currency)

    @field("The amount this payment asked for.")
    def amount_requested(self) -> Money:
        return money(self.record.amount_requested, self.record.currency)

    @field("Where the payment stands.")
    def status(self) -> InvoicePaymentStatus:
        return self.record.status

    @field("Whether this is the invoice's default payment, the one a new attempt would retry.")
    def is_default(self) -> bool:
        return self.record.is_default

    @field("When the payment succeeded; null unless it did.")
    def paid_at(self) -> datetime | None:
        return maybe_instant(self.record.paid_at)

    @field("The payment intent that collected it; null for other kinds of payment.")
    async def payment_intent(self, info: Info) -> PaymentIntent | None:
        if self.record.payment_intent_id is None:
            return None
        return PaymentIntent.of(
            await payment_intent_by_id(info.context.request_context, self.record.payment_intent_id)
        )

    @field("The charge that collected it, when it was paid by a charge directly; null otherwise.")
    async def charge(self, info: Info) -> Charge | None:
        if self.record.charge_id is None:
            return None
        return Charge.of(await charge_by_id(info.context.request_context, self.record.charge_id))


@strawberry.type(
    description="What the portal lets the customer do with an invoice now, decided by the rules its mutation "
    "enforces. A customer session's scopes (`Viewer.scopes`) limit it further."
)
class InvoiceActions:
    record: strawberry.Private[records.Invoice]

    @field(
        "Paying it now (`payInvoice`): refused unless it is open, or where the portal does not let the "
        "customer manage payment methods. Costs no Stripe call beyond the portal configuration."
    )
    async def pay(
        self, info: Info
    ) -> Annotated["SubscriptionAction", strawberry.lazy("schema.subscriptions")]:
        from schema.subscriptions import SubscriptionAction  # noqa: PLC0415 - the two modules refer to each other

        return SubscriptionAction(found=await invoice_pay_refusal(info.context.request_context, self.record))


@strawberry.type(
    description="A bill for a customer, or the preview of an upcoming one (then `isPreview` is true, its id "
    "starts with `upcoming_in_` and it has no number)."
)
class Invoice(Node):
    record: strawberry.Private[records.Invoice]

    @classmethod
    def of(cls, record: records.Invoice) -> "Invoice":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("Whether this is a preview of an invoice that does not exist yet.")
    def is_preview(self) -> bool:
        return self.record.is_preview

    @field(
        "Why the last attempt to pay this open invoice failed (decline code and a message for the customer); "
        "null when it is not open or was never attempted."
    )
    async def last_payment_error(self, info: Info) -> PaymentError | None:
        if self.record.is_preview:
            return None
        return PaymentError.of(await last_payment_error(info.context.request_context, self.record))

    @field("The invoice number printed on it, such as `A1B2C3-0007`; null for drafts and previews.")
    def number(self) -> str | None:
        return self.record.number

    @field("Where the invoice is in its life (a preview is a DRAFT); null when Stripe gave none.")
    def status(self) -> InvoiceStatus | None:
        return self.record.status

    @field("The ISO 4217 currency code, lowercase as Stripe writes it.")
    def currency(self) -> str:
        return self.record.currency

    @field("The total before discounts and taxes.")
    def subtotal(self) -> Money:
        return money(self.record.subtotal, self.record.currency)

    @field("The total after discounts and taxes.")
    def total(self) -> Money:
        return money(self.record.total, self.record.currency)

    @field("Billing credit (from credit grants) taken off the subtotal on metered usage; zero when none.")
    def credit_applied(self) -> Money:
        return money(self.record.credited, self.record.currency)

    @field("What the customer owes for this invoice (the total less any credit balance applied).")
    def amount_due(self) -> Money:
        return money(self.record.amount_due, self.record.currency)

    @field(
        'The customer\'s credit balance taken off the total ("applied from your balance"); zero when none.'
    )
    def balance_applied(self) -> Money:
        return money(self.record.balance_applied, self.record.currency)

    @field("What has been paid.")
    def amount_paid(self) -> Money:
        return money(self.record.amount_paid, self.record.currency)

    @field("What is still to pay.")
    def amount_remaining(self) -> Money:
        return money(self.record.amount_remaining, self.record.currency)

    @field("When the invoice was created.")
    def created(self) -> datetime:
        return instant(self.record.created)

    @field(
        "Stripe's invoice period start: when items began accruing to this invoice. For a renewal this is "
        "the period that just ended; the lines carry the periods billed."
    )
    def period_start(self) -> datetime:
        return instant(self.record.period_start)

    @field("Stripe's invoice period end: when items stopped accruing (a renewal's date).")
    def period_end(self) -> datetime:
        return instant(self.record.period_end)

    @field("When payment is due, for invoices sent to be paid by the customer; null otherwise.")
    def due_date(self) -> datetime | None:
        return maybe_instant(self.record.due_date)

    @field("When the invoice was paid; null until it is.")
    def paid_at(self) -> datetime | None:
        return maybe_instant(self.record.paid_at)

    @field("Why the invoice was created, such as `subscription_cycle` or `subscription_update`.")
    def billing_reason(self) -> str | None:
        return self.record.billing_reason

    @field("Stripe's page where the customer can view and pay the invoice; null for drafts and previews.")
    def hosted_invoice_url(self) -> str | None:
        return self.record.hosted_invoice_url

    @field("A link to the invoice as a PDF; null for drafts and previews.")
    def invoice_pdf(self) -> str | None:
        return self.record.invoice_pdf

    @field("The invoice's lines (the first page of them; see `hasMoreLines`).")
    def lines(self) -> list[InvoiceLineItem]:
        return [InvoiceLineItem(record=line) for line in self.record.lines]

    @field("Whether the invoice has more lines than `lines` holds.")
    def has_more_lines(self) -> bool:
        return self.record.lines_has_more

    @field("What has been refunded of the invoice's payments.")
    async def amount_refunded(self, info: Info) -> Money:
        amount = await invoice_amount_refunded(info.context.request_context, self.record)
        return money(amount, self.record.currency)

    @field("The refunds of the invoice's payments, newest first.")
    async def refunds(
        self,
        info: Info,
        *,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> RefundConnection:
        request = page_request(first=first, after=after, last=last, before=before)
        return refund_connection(await invoice_refunds(info.context.request_context, self.record, request))

    @field("The payment attempts towards the invoice, newest first.")
    async def payments(self, info: Info) -> list[InvoicePayment]:
        found = await invoice_payments(info.context.request_context, self.record)
        return [InvoicePayment(record=payment) for payment in found]

    @field("The subscription the invoice bills; null for invoices not made by a subscription.")
    async def subscription(
        self, info: Info
    ) -> Annotated["Subscription", strawberry.lazy("schema.subscriptions")] | None:
        from schema.subscriptions import Subscription  # noqa: PLC0415 - the two modules refer to each other

        found = await subscription_of_invoice(info.context.request_context, self.record)
        return None if found is None else Subscription.of(found)

    @field("The customer billed.")
    def customer(self, info: Info) -> Annotated["Customer", strawberry.lazy("schema.customers")]:
        from schema.customers import Customer  # noqa: PLC0415 - the two modules refer to each other

        return Customer.lazy(info, self.record.customer_id)

    @field("What the portal lets the customer do with the invoice now, with the reason when not.")
    def actions(self) -> InvoiceActions:
        return InvoiceActions(record=self.record)


InvoiceConnection = Connection[Invoice]


def invoice_connection(page: Slice[records.Invoice]) -> InvoiceConnection:
    return connection(page, Invoice.of)


def maybe_invoice(record: records.Invoice | None) -> Invoice | None:
    return None if record is None else Invoice.of(record)
