"""What needs paying, in words a page can show: a subscription's unpaid invoice, why its last payment
failed, whether any of a customer's payments needs their attention, and whether an invoice may be paid.

The reasons come from Stripe (the PaymentIntent's `last_payment_error`, whose message is written for the
customer); they are read only for invoices that are open, so a customer in good standing costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations.targets import held_to
from resolvers.policy import check_owner, require_scope
from resolvers.portal import configuration_in_force
from resolvers.principals import Scope
from stripe_gateway.records import InvoicePaymentStatus, InvoiceStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from resolvers.context import RequestContext
    from resolvers.mutations.outcome import UserError
    from stripe_gateway.records import Customer, Invoice, PaymentError, Subscription


async def open_invoice(ctx: RequestContext, subscription: Subscription) -> Invoice | None:
    """The subscription's invoice that waits to be paid (it is past due, unpaid or incomplete); None when
    nothing is owed."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), subscription.id, subscription.customer_id)
    if not subscription.awaits_payment or subscription.latest_invoice_id is None:
        return None  # known without asking Stripe
    invoice = await ctx.loaders.invoice(subscription.latest_invoice_id)
    return invoice if invoice.status is InvoiceStatus.OPEN else None


async def last_payment_error(ctx: RequestContext, invoice: Invoice) -> PaymentError | None:
    """Why the open invoice's latest payment attempt failed; None when it was never attempted or is paid."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), invoice.id, invoice.customer_id)
    if invoice.status is not InvoiceStatus.OPEN:
        return None
    payments = await ctx.loaders.invoice_payments(invoice.id)
    intent_id = next(
        (
            p.payment_intent_id
            for p in payments
            if p.status is InvoicePaymentStatus.OPEN and p.payment_intent_id
        ),
        None,
    )
    if intent_id is None:
        return None
    return (await ctx.gateway.retrieve_payment_intent(intent_id)).last_payment_error


async def subscription_payment_error(ctx: RequestContext, subscription: Subscription) -> PaymentError | None:
    invoice = await open_invoice(ctx, subscription)
    return None if invoice is None else await last_payment_error(ctx, invoice)


async def pay_refusal(ctx: RequestContext, subscription: Subscription) -> UserError | None:
    """Why the customer may not pay the subscription's open invoice now (`payInvoice`); None when they may."""
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_READ)
    check_owner(principal, subscription.id, subscription.customer_id)
    features = held_to(principal, (await configuration_in_force(ctx)).features)
    invoice = await open_invoice(ctx, subscription) if subscription.awaits_payment else None
    if invoice is None:
        return rules.nothing_to_pay()
    return rules.pay_invoice_refusal(invoice, features)


async def invoice_pay_refusal(ctx: RequestContext, invoice: Invoice) -> UserError | None:
    """Why the customer may not pay the invoice now (`payInvoice`); None when they may. Costs no Stripe call
    beyond the portal configuration."""
    principal = require_scope(ctx, Scope.INVOICES_READ)
    check_owner(principal, invoice.id, invoice.customer_id)
    features = held_to(principal, (await configuration_in_force(ctx)).features)
    return rules.pay_invoice_refusal(invoice, features)


def attention_needed(customer: Customer, subscriptions: Iterable[Subscription]) -> bool:
    """Whether a payment needs the customer: a subscription waits to be paid, or Stripe marks them delinquent
    (a payment failed or an open invoice's due date passed, such as a one-off invoice's)."""
    return customer.delinquent or any(subscription.awaits_payment for subscription in subscriptions)
