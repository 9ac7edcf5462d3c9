"""Paying an open invoice now, with a chosen saved card or the one Stripe would charge.

The client's idempotency key is Stripe's, so a retry (also one whose first answer was lost) is answered
with Stripe's first outcome and never charges twice. A card that needs 3-D Secure answers REQUIRES_ACTION
with the invoice's PaymentIntent's client secret; once the browser has completed it with Stripe.js, the
same call again (same key) finds the intent succeeded and answers PAID, with or without webhooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import features_held_to, owned_payment_method, refuse
from resolvers.policy import may_see_customer, require_scope
from resolvers.ports import invoice_paid_key
from resolvers.principals import Scope
from stripe_gateway.errors import (
    CardDeclined,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
    PaymentActionRequired,
)
from stripe_gateway.records import InvoiceStatus

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Invoice, PaymentIntent

_PAY = "invoice.pay"


class InvoicePaymentOutcome(StrEnum):
    """Where a payment stands after `payInvoice`."""

    PAID = "PAID"
    REQUIRES_ACTION = "REQUIRES_ACTION"


@dataclass(frozen=True, slots=True)
class InvoicePaymentResult:
    status: InvoicePaymentOutcome
    invoice: Invoice
    # Only for REQUIRES_ACTION: what Stripe.js needs to run 3-D Secure on the invoice's PaymentIntent.
    client_secret: str | None = None


async def _owned_invoice(ctx: RequestContext, principal: Principal, invoice_id: str) -> Invoice:
    not_found = reject(UserErrorCode.NOT_FOUND, f"No object with id '{invoice_id}'.", "invoice_id")
    try:
        invoice = await ctx.loaders.invoice(invoice_id)
    except NotFound as error:
        raise not_found from error
    if not may_see_customer(principal, invoice.customer_id):
        raise not_found
    return invoice


async def _check_payment_method(
    ctx: RequestContext, principal: Principal, invoice: Invoice, payment_method_id: str
) -> None:
    method = await owned_payment_method(ctx, principal, payment_method_id, "payment_method_id")
    if method.customer_id != invoice.customer_id:  # an API key's: the card of another customer
        raise reject(
            UserErrorCode.NOT_FOUND, f"No object with id '{payment_method_id}'.", "payment_method_id"
        )


async def _pay(
    ctx: RequestContext, invoice_id: str, payment_method_id: str | None, client_key: str
) -> InvoicePaymentResult:
    principal = require_scope(ctx, Scope.INVOICES_WRITE)
    writes.check_client_key(client_key)
    invoice = await _owned_invoice(ctx, principal, invoice_id)
    if payment_method_id is not None:
        await _check_payment_method(ctx, principal, invoice, payment_method_id)
    features = await features_held_to(ctx, principal)
    refusal = rules.pay_invoice_refusal(invoice, features)
    # A paid invoice still goes to Stripe: if this key paid it, Stripe replays that answer.
    if refusal is not None and not (
        refusal.code is UserErrorCode.INVOICE_NOT_OPEN and invoice.status is InvoiceStatus.PAID
    ):
        refuse(refusal)
    key = writes.idempotency_key(ctx, principal, client_key, "pay_invoice", invoice.id)
    try:
        paid = await ctx.gateway.pay_invoice(
            invoice.id,
            payment_method_id=payment_method_id,
            idempotency_key=key,
            customer_id=invoice.customer_id,
        )
    except CardDeclined as declined:
        ctx.forget_reads()
        raise reject(UserErrorCode.CARD_DECLINED, declined.message, "payment_method_id") from declined
    except PaymentActionRequired as action:
        ctx.forget_reads()
        return await _after_action(ctx, principal, invoice, action.payment_intent)
    except IdempotencyConflict as conflict:
        raise reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for another payment.",
            "idempotency_key",
        ) from conflict
    except InvalidRequest:
        ctx.forget_reads()
        current = await ctx.loaders.invoice(invoice.id)
        refuse(rules.pay_invoice_refusal(current, None))  # paid meanwhile, by another key or outside
        raise
    ctx.forget_reads()
    await _audit_paid(ctx, principal, paid)
    return InvoicePaymentResult(InvoicePaymentOutcome.PAID, paid)


async def _after_action(
    ctx: RequestContext, principal: Principal, invoice: Invoice, answered: PaymentIntent
) -> InvoicePaymentResult:
    """A payment that waited for 3-D Secure: Stripe replays that answer to a retry, so the intent itself
    says whether the customer has completed it since."""
    intent = await ctx.gateway.retrieve_payment_intent(answered.id)
    if intent.succeeded:
        paid = await ctx.loaders.invoice(invoice.id)
        await _audit_paid(ctx, principal, paid)
        return InvoicePaymentResult(InvoicePaymentOutcome.PAID, paid)
    if intent.requires_action:
        return InvoicePaymentResult(InvoicePaymentOutcome.REQUIRES_ACTION, invoice, intent.client_secret)
    error = intent.last_payment_error
    message = error.message if error is not None and error.message else "The payment was not completed."
    raise reject(UserErrorCode.CARD_DECLINED, message, "payment_method_id")


async def _audit_paid(ctx: RequestContext, principal: Principal, invoice: Invoice) -> None:
    """One trail event per paid invoice, however often a retry (or the webhook) observes the payment."""
    await writes.audit(
        ctx,
        principal,
        action=_PAY,
        object_type="invoice",
        object_id=invoice.id,
        customer_id=invoice.customer_id,
        before={"status": InvoiceStatus.OPEN.value, "amountRemaining": invoice.amount_due},
        after={"status": invoice.status.value if invoice.status else None, "amountPaid": invoice.amount_paid},
        once_key=invoice_paid_key(invoice.id),
    )


async def pay_invoice(
    ctx: RequestContext, *, invoice_id: str, payment_method_id: str | None, idempotency_key: str
) -> Outcome[InvoicePaymentResult]:
    return await attempt(_pay(ctx, invoice_id, payment_method_id, idempotency_key))
