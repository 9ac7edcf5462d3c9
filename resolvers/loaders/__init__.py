"""The loaders of one request: per-domain dataloaders over the gateway, and what primes what across domains.

Each domain's module batches or deduplicates its own reads (see `batching`). This facade is where one
domain's read fills another's cache, so a held object is never fetched again: a customer read with its
subscriptions primes them; subscriptions prime their items' prices and tell the invoice previews which
subscriptions the customer has now; and a query that shows what lies below a customer starts those reads
ahead, beside the customer's own (`read_ahead`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.loaders.catalog import CatalogLoaders
from resolvers.loaders.customers import CustomerLoaders
from resolvers.loaders.invoices import InvoiceLoaders
from resolvers.loaders.payment_methods import PaymentMethodLoaders
from resolvers.loaders.payments import PaymentLoaders
from resolvers.loaders.portal import PortalLoaders
from resolvers.loaders.subscriptions import SubscriptionLoaders
from resolvers.loaders.usage import UsageLoaders

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

    from resolvers.loaders.customers import CustomerReads
    from resolvers.loaders.invoices import InvoicePageKey, UpcomingKey
    from resolvers.loaders.payments import RefundPageKey
    from resolvers.loaders.usage import BalancePageKey, UsageKey
    from resolvers.ports import KnownSubscriptions
    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import (
        BalanceTransaction,
        Charge,
        CreditGrant,
        CreditLedgerEntry,
        CreditSummary,
        Customer,
        Invoice,
        InvoicePayment,
        Meter,
        Page,
        PaymentIntent,
        PaymentMethod,
        PortalConfiguration,
        Price,
        Product,
        Refund,
        Subscription,
        UsageSeries,
    )


class Loaders:
    """The loaders of one request. Never share them: they cache Stripe objects as seen by one request."""

    def __init__(
        self, gateway: BillingGateway, *, known_subscriptions: KnownSubscriptions | None = None
    ) -> None:
        self._customers = CustomerLoaders(gateway, read=self.prime_customers)
        self._subscriptions = SubscriptionLoaders(gateway, read=self._read_subscriptions)
        self._invoices = InvoiceLoaders(gateway, known_subscriptions)
        self._catalog = CatalogLoaders(gateway)
        self._payment_methods = PaymentMethodLoaders(gateway)
        self._payments = PaymentLoaders(gateway)
        self._portal = PortalLoaders(gateway)
        self._usage = UsageLoaders(gateway)

    # -- what primes what, and what is read ahead -----------------------------------------------------------
    def prime_customers(self, customers: Iterable[Customer]) -> None:
        """Customers read or listed: each by id, and the current subscriptions that came with it."""
        for customer in customers:
            self._customers.prime(customer)
            if customer.subscriptions is not None:
                self._subscriptions.prime_current(customer.id, customer.subscriptions)
                self._read_subscriptions(customer.subscriptions, customer.id)

    def _read_subscriptions(self, subscriptions: Iterable[Subscription], customer_id: str | None) -> None:
        """Subscriptions read: each by id, their items' prices, and, when they are a customer's list, which
        subscriptions the previews started ahead should expect."""
        held = tuple(subscriptions)
        self._subscriptions.prime(held)
        self._catalog.prime_prices(item.price for subscription in held for item in subscription.items)
        if customer_id is not None:
            self._invoices.saw_subscriptions(customer_id, held)

    def read_ahead(self, customer_id: str, reads: CustomerReads) -> None:
        """Start now, beside the customer's own read, the reads the query will need below it that do not
        wait for it: the catalog for its subscriptions' item products, the previews of the upcoming
        invoices of the subscriptions it was last seen with, the meters of metered items and the customer's
        credit."""
        if reads.item_products:
            self.read_catalog_ahead()
        if reads.upcoming_invoices:
            self._invoices.read_previews_ahead(customer_id)
        if reads.meters:
            self._usage.read_meters_ahead()
        if reads.credits:
            self._usage.read_credits_ahead(customer_id)

    def read_catalog_ahead(self) -> None:
        """Start the catalog read now, for the products of the subscription items this request will show.

        It is the read of the plans on offer (`catalog_prices`): subscriptions bill active recurring prices,
        whose products it holds; it is one call and one cache entry for every customer; and the hosted
        portal makes it anyway, for `allowedPlanChanges`.
        """
        self._catalog.read_ahead()

    # -- customers ------------------------------------------------------------------------------------------
    def customer(self, customer_id: str) -> Awaitable[Customer]:
        return self._customers.load(customer_id, with_subscriptions=False)

    def customer_with_subscriptions(self, customer_id: str) -> Awaitable[Customer]:
        """The customer with its current subscriptions in the same Stripe call (primes the subscriptions)."""
        return self._customers.load(customer_id, with_subscriptions=True)

    # -- subscriptions --------------------------------------------------------------------------------------
    def subscriptions(self, customer_id: str, *, include_ended: bool) -> Awaitable[tuple[Subscription, ...]]:
        """A customer's subscriptions, newest first; without the ended ones unless asked."""
        return self._subscriptions.of_customer(customer_id, include_ended=include_ended)

    def subscription(self, subscription_id: str) -> Awaitable[Subscription]:
        return self._subscriptions.load(subscription_id)

    # -- invoices -------------------------------------------------------------------------------------------
    def invoice_page(self, key: InvoicePageKey) -> Awaitable[Page[Invoice]]:
        return self._invoices.page(key)

    def invoice(self, invoice_id: str) -> Awaitable[Invoice]:
        return self._invoices.load(invoice_id)

    def invoice_payments(self, invoice_id: str) -> Awaitable[tuple[InvoicePayment, ...]]:
        return self._invoices.payments(invoice_id)

    def upcoming_invoice(self, key: UpcomingKey) -> Awaitable[Invoice | None]:
        """The preview of the next invoice, or None when nothing is due to be invoiced."""
        return self._invoices.upcoming(key)

    # -- payment methods ------------------------------------------------------------------------------------
    def payment_methods(self, customer_id: str) -> Awaitable[tuple[PaymentMethod, ...]]:
        return self._payment_methods.of_customer(customer_id)

    def payment_method(self, payment_method_id: str) -> Awaitable[PaymentMethod]:
        return self._payment_methods.load(payment_method_id)

    # -- catalog --------------------------------------------------------------------------------------------
    def product(self, product_id: str, *, with_default_price: bool = False) -> Awaitable[Product]:
        """A product; `with_default_price` brings its default price in the same call (primes the price)."""
        return self._catalog.product(product_id, with_default_price=with_default_price)

    def price(self, price_id: str) -> Awaitable[Price]:
        return self._catalog.price(price_id)

    def catalog_prices(self) -> Awaitable[tuple[Price, ...]]:
        """Every active recurring price, read with their products in one call (primes prices and products)."""
        return self._catalog.prices()

    # -- billing portal -------------------------------------------------------------------------------------
    def portal_configuration(self, configuration_id: str | None) -> Awaitable[PortalConfiguration]:
        """A portal configuration by id, or the account's default one for None."""
        return self._portal.configuration(configuration_id)

    # -- payments and refunds -------------------------------------------------------------------------------
    def charge(self, charge_id: str) -> Awaitable[Charge]:
        return self._payments.charge(charge_id)

    def payment_intent(self, payment_intent_id: str) -> Awaitable[PaymentIntent]:
        return self._payments.payment_intent(payment_intent_id)

    def refund(self, refund_id: str) -> Awaitable[Refund]:
        """A refund with its charge (primes the charge)."""
        return self._payments.refund(refund_id)

    def refund_page(self, key: RefundPageKey) -> Awaitable[Page[Refund]]:
        return self._payments.refund_page(key)

    def all_refunds(self, payment_id: str) -> Awaitable[tuple[Refund, ...]]:
        """Every refund of a charge (`ch_…`) or a payment intent (`pi_…`), newest first."""
        return self._payments.all_refunds(payment_id)

    # -- usage and credits ----------------------------------------------------------------------------------
    def meters(self) -> Awaitable[tuple[Meter, ...]]:
        """Every active meter of the account, in one call."""
        return self._usage.meters()

    def usage(self, key: UsageKey) -> Awaitable[UsageSeries]:
        return self._usage.usage(key)

    def credit_summary(self, customer_id: str) -> Awaitable[CreditSummary]:
        return self._usage.credit_summary(customer_id)

    def credit_grants(self, customer_id: str) -> Awaitable[Page[CreditGrant]]:
        return self._usage.credit_grants(customer_id)

    def credit_ledger(self, customer_id: str) -> Awaitable[Page[CreditLedgerEntry]]:
        return self._usage.credit_ledger(customer_id)

    def balance_page(self, key: BalancePageKey) -> Awaitable[Page[BalanceTransaction]]:
        return self._usage.balance_page(key)
