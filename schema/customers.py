"""`Customer`: the billing identity, with its subscriptions, invoices and payment methods."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.capabilities import customer_capabilities
from resolvers.customers import RECORD_ONLY, customer_tax_ids, load_customer
from resolvers.invoices import customer_invoices, customer_upcoming_invoice, customer_upcoming_invoices
from resolvers.loaders.customers import CustomerReads
from resolvers.pagination import Slice, page_request
from resolvers.payment_attention import attention_needed
from resolvers.payment_methods import customer_payment_methods, default_payment_method
from resolvers.policy import fetch_by_id, require_scope
from resolvers.principals import Scope
from resolvers.subscriptions import customer_subscriptions
from resolvers.usage import customer_usage
from schema.context import Info
from schema.credits import CustomerCredits
from schema.enums import InvoiceStatus, SubscriptionStatus, UsageWindow
from schema.fields import field
from schema.invoices import Invoice, InvoiceConnection, invoice_connection, maybe_invoice
from schema.lookahead import selects
from schema.money import Money, maybe_money
from schema.node import Node
from schema.pagination import Connection, connection
from schema.payment_methods import PaymentMethod
from schema.portal import PortalCapabilities
from schema.scalars import instant
from schema.subscriptions import Subscription
from schema.tax_ids import TaxId
from schema.usage import UsageTimeline
from stripe_gateway import records


@strawberry.type(description="A postal address.")
class Address:
    line1: str | None = strawberry.field(description="Street and number.")
    line2: str | None = strawberry.field(description="Apartment, suite, building.")
    city: str | None = strawberry.field(description="City or town.")
    state: str | None = strawberry.field(description="State, county, province or region.")
    postal_code: str | None = strawberry.field(description="ZIP or postal code.")
    country: str | None = strawberry.field(description="The country, as an ISO 3166-1 alpha-2 code.")


def _address(address: records.Address | None) -> Address | None:
    if address is None:
        return None
    return Address(
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        state=address.state,
        postal_code=address.postal_code,
        country=address.country,
    )


@strawberry.type(description="Where a customer's deliveries go, and to whom.")
class Shipping:
    name: str | None = strawberry.field(description="Who receives them.")
    phone: str | None = strawberry.field(description="A phone number for the delivery.")
    address: Address | None = strawberry.field(description="The delivery address.")


@strawberry.type(description="A customer of the merchant: who pays, and for what.")
class Customer(Node):
    # The record, or what starts (or joins) its load: fields needing only the id never read it.
    source: strawberry.Private[records.Customer | Callable[[], Awaitable[records.Customer]]]
    # Whether the record comes with the current subscriptions (which then need no call of their own).
    with_subscriptions: strawberry.Private[bool] = False

    @classmethod
    def of(cls, record: records.Customer) -> "Customer":
        return cls(
            id=strawberry.ID(record.id), source=record, with_subscriptions=record.subscriptions is not None
        )

    @classmethod
    def lazy(
        cls,
        info: Info,
        customer_id: str,
        reads: CustomerReads = RECORD_ONLY,
    ) -> "Customer":
        """The customer, read from Stripe once a field needs the record; the caller's right to see it is
        checked now. `reads`: what the query shows below it, read with it or ahead."""
        load = load_customer(info.context.request_context, customer_id, reads)
        return cls(id=strawberry.ID(customer_id), source=load, with_subscriptions=reads.subscriptions)

    async def _record(self) -> records.Customer:
        if isinstance(self.source, records.Customer):
            return self.source
        return await fetch_by_id(self.id, self.source())

    async def _prime_subscriptions(self) -> None:
        """Read the record if it comes with the current subscriptions: it primes them, so that the loaders
        need no call of their own."""
        if self.with_subscriptions:
            await self._record()

    async def _current_subscriptions(self, info: Info) -> tuple[records.Subscription, ...]:
        """The current subscriptions, whatever the caller's scopes: for what is derived from them."""
        await self._prime_subscriptions()
        return await info.context.request_context.loaders.subscriptions(self.id, include_ended=False)

    async def _contact(self, info: Info) -> records.Customer:
        require_scope(info.context.request_context, Scope.CUSTOMER_READ)
        return await self._record()

    @field("The customer's email address; needs the `customer:read` scope.")
    async def email(self, info: Info) -> str | None:
        return (await self._contact(info)).email

    @field("The customer's full name or business name; needs the `customer:read` scope.")
    async def name(self, info: Info) -> str | None:
        return (await self._contact(info)).name

    @field("The customer's phone number; needs the `customer:read` scope.")
    async def phone(self, info: Info) -> str | None:
        return (await self._contact(info)).phone

    @field(
        "The product's own id for this customer (see `linkExternalCustomerId`), read from this service's "
        "database, never from Stripe; null when none is mapped. Needs the `customer:read` scope."
    )
    async def external_id(self, info: Info) -> str | None:
        ctx = info.context.request_context
        require_scope(ctx, Scope.CUSTOMER_READ)
        return await ctx.external_ids.load(self.id)

    @field("The customer's billing address; needs the `customer:read` scope.")
    async def address(self, info: Info) -> Address | None:
        return _address((await self._contact(info)).address)

    @field("Where the customer's deliveries go; null when none is set. Needs the `customer:read` scope.")
    async def shipping(self, info: Info) -> Shipping | None:
        shipping = (await self._contact(info)).shipping
        if shipping is None:
            return None
        return Shipping(name=shipping.name, phone=shipping.phone, address=_address(shipping.address))

    @field(
        "The customer's tax IDs, shown on their invoices, oldest first; they come with the customer, at no "
        "extra Stripe call. Needs the `customer:read` scope."
    )
    async def tax_ids(self, info: Info) -> list[TaxId]:
        record = await self._contact(info)
        found = await customer_tax_ids(info.context.request_context, record)
        return [TaxId.of(tax_id) for tax_id in sorted(found, key=lambda t: (t.created, t.id))]

    @field("The currency the customer is billed in; null before their first subscription or invoice.")
    async def currency(self) -> str | None:
        return (await self._record()).currency

    @field(
        "The customer's credit balance, applied to their next invoices. Negative is credit in the customer's "
        "favour, positive is owed. Null while the customer has no currency."
    )
    async def balance(self) -> Money | None:
        record = await self._record()
        return maybe_money(record.balance, record.currency)

    @field("The languages the customer prefers, most preferred first (such as `en`, `de-CH`).")
    async def preferred_locales(self) -> list[str]:
        return list((await self._record()).preferred_locales)

    @field("When the customer was created.")
    async def created(self) -> datetime:
        return instant((await self._record()).created)

    @field("The customer's subscriptions, newest first; needs the `subscriptions:read` scope.")
    async def subscriptions(
        self,
        info: Info,
        status: Annotated[
            list[SubscriptionStatus] | None,
            strawberry.argument(
                description="Only subscriptions in these statuses. By default, all but the ended ones "
                "(CANCELED and INCOMPLETE_EXPIRED)."
            ),
        ] = None,
    ) -> list[Subscription]:
        await self._prime_subscriptions()
        wanted = None if status is None else set(status)
        found = await customer_subscriptions(info.context.request_context, self.id, wanted)
        return [Subscription.of(subscription) for subscription in found]

    @field(
        "What the portal configuration in force lets the customer do now. Its parts about subscriptions read "
        "them; the rest costs no Stripe call beyond the configuration."
    )
    async def capabilities(self, info: Info) -> PortalCapabilities:
        found = await customer_capabilities(
            info.context.request_context, self.id, lambda: self._current_subscriptions(info)
        )
        return PortalCapabilities(record=found)

    @field(
        "Whether a payment needs the customer's attention: a subscription is past due, unpaid or incomplete "
        "(its `openInvoice` and `lastPaymentError` say what and why), or Stripe marks the customer "
        "delinquent (a payment failed or an open invoice's due date passed, such as a one-off invoice's: the "
        "OPEN `invoices` say which). No Stripe call beyond the customer's record and subscriptions; needs "
        "the `subscriptions:read` scope."
    )
    async def payment_attention_needed(self, info: Info) -> bool:
        await self._prime_subscriptions()
        current = await customer_subscriptions(info.context.request_context, self.id, None)
        return attention_needed(await self._record(), current)

    @field("The customer's invoices, newest first; needs the `invoices:read` scope.")
    async def invoices(
        self,
        info: Info,
        *,
        first: Annotated[
            int | None,
            strawberry.argument(
                description="At most this many invoices after `after` (1 to 100; 10 by default)."
            ),
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Invoices older than this cursor (an invoice id).")
        ] = None,
        last: Annotated[
            int | None,
            strawberry.argument(description="At most this many invoices before `before` (1 to 100)."),
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="Invoices newer than this cursor (an invoice id).")
        ] = None,
        status: Annotated[
            InvoiceStatus | None, strawberry.argument(description="Only invoices in this status.")
        ] = None,
    ) -> InvoiceConnection:
        request = page_request(first=first, after=after, last=last, before=before)
        page = await customer_invoices(
            info.context.request_context,
            self.id,
            request,
            status=status,
            with_payments=selects(info, "edges", "node", "payments"),
        )
        return invoice_connection(page)

    @field("The customer's saved payment methods; needs the `payment_methods:read` scope.")
    async def payment_methods(self, info: Info) -> list[PaymentMethod]:
        found = await customer_payment_methods(info.context.request_context, self.id)
        return [PaymentMethod.of(method) for method in found]

    @field(
        "The payment method invoices are charged to by default; null when none is set. Needs the "
        "`payment_methods:read` scope."
    )
    async def default_payment_method(self, info: Info) -> PaymentMethod | None:
        found = await default_payment_method(info.context.request_context, await self._record())
        return None if found is None else PaymentMethod.of(found)

    @field(
        "A preview of the customer's next invoice: that of the subscription renewing first; null when no "
        "subscription will invoice again. Needs the `invoices:read` scope."
    )
    async def upcoming_invoice(self, info: Info) -> Invoice | None:
        await self._prime_subscriptions()  # they tell which subscription renews first
        return maybe_invoice(await customer_upcoming_invoice(info.context.request_context, self.id))

    @field(
        "The previews of the next invoice of every subscription that will invoice again, soonest first; "
        "each one's `created` is when it is issued and `subscription` which plan it bills. Needs the "
        "`invoices:read` scope."
    )
    async def upcoming_invoices(self, info: Info) -> list[Invoice]:
        await self._prime_subscriptions()
        found = await customer_upcoming_invoices(info.context.request_context, self.id)
        return [Invoice.of(invoice) for invoice in found]

    @field(
        "The customer's usage of a meter step by step, for a chart: one Stripe call. Stripe counts in UTC: "
        "`from` and `to` must fall on the start of a UTC hour (HOUR) or day (DAY), else the error's code is "
        "`USAGE_RANGE_MISALIGNED`; at most 100 steps (`USAGE_RANGE_TOO_LONG`), and `to` after `from` "
        "(`USAGE_RANGE_EMPTY`). Needs the `usage:read` scope."
    )
    async def usage(
        self,
        info: Info,
        meter_id: Annotated[strawberry.ID, strawberry.argument(description="The meter (`mtr_…`).")],
        from_: Annotated[
            datetime, strawberry.argument(name="from", description="The first step's start (inclusive).")
        ],
        to: Annotated[datetime, strawberry.argument(description="The last step's end (exclusive).")],
        granularity: Annotated[
            UsageWindow, strawberry.argument(description="The width of each step.")
        ] = UsageWindow.DAY,
    ) -> UsageTimeline:
        found = await customer_usage(
            info.context.request_context,
            self.id,
            meter_id,
            start=int(from_.timestamp()),
            end=int(to.timestamp()),
            window=granularity,
        )
        return UsageTimeline(record=found, granularity=granularity)

    @field(
        "The customer's credit: credit grants and their balance, and the cash balance's changes. Needs the "
        "`credits:read` scope."
    )
    def credits(self) -> CustomerCredits:
        return CustomerCredits(customer_id=self.id)


CustomerConnection = Connection[Customer]


def customer_connection(page: Slice[records.Customer]) -> CustomerConnection:
    return connection(page, Customer.of)
