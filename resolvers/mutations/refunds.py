"""Refunding a payment (API keys only), fully or in part, exactly once per idempotency key.

Every refund request is recorded in our database under its idempotency key, so a retry returns the same
refund and moves no money long after Stripe's own 24-hour key window; the same key with other parameters
is refused. Concurrent refunds of one charge are serialized by a database lock on the charge, held from
reading what is left (fresh from Stripe, never cached) to recording the refund, so they can never refund
more than was paid. The refund carries its key in its metadata: if a refund was made but recording it
failed, the retry finds it among all of the charge's refunds on Stripe instead of refunding again. The
audit entry is written in the transaction that records the refund, so a refund recorded is a refund
audited.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from resolvers.live import announce, topics_of_action
from resolvers.loaders.payments import every_refund
from resolvers.money import format_money
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, Rejected, UserError, UserErrorCode, attempt, reject
from resolvers.policy import require_api_key
from resolvers.ports import RefundRequest
from stripe_gateway.errors import IdempotencyConflict, InvalidRequest, NotFound
from stripe_gateway.records import InvoicePaymentStatus

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.ports import LockedCharge
    from resolvers.principals import ApiKeyPrincipal
    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import Charge, Refund, RefundReason

# The metadata key under which a refund carries the idempotency key of the request that made it.
REQUEST_METADATA_KEY = "portalql_refund_request"
_SUCCEEDED = "succeeded"
# Stripe's refusals that mean "this payment cannot be refunded".
_NOT_REFUNDABLE_CODES = frozenset(
    {"charge_disputed", "charge_not_refundable", "refund_disputed_payment", "charge_expired_for_capture"}
)


@dataclass(frozen=True, slots=True)
class RefundAsk:
    """What the caller asked for; a retry must ask for the same. Exactly one of the ids names the payment."""

    invoice_id: str | None
    payment_intent_id: str | None
    charge_id: str | None
    amount: int | None
    reason: RefundReason | None
    idempotency_key: str

    @property
    def target_id(self) -> str:
        return self.invoice_id or self.payment_intent_id or self.charge_id or ""

    @property
    def target_field(self) -> str:
        if self.invoice_id is not None:
            return "invoice_id"
        return "payment_intent_id" if self.payment_intent_id is not None else "charge_id"


def _check(ask: RefundAsk) -> None:
    if sum(target is not None for target in (ask.invoice_id, ask.payment_intent_id, ask.charge_id)) != 1:
        # No payment or several: the input as a whole is at fault, so the error is on `input` itself.
        raise Rejected(
            UserError(
                UserErrorCode.INVALID_INPUT,
                "Give exactly one of an invoice, a payment intent or a charge to refund.",
                (),
            )
        )
    if ask.amount is not None and ask.amount < 1:
        raise reject(
            UserErrorCode.INVALID_AMOUNT, "A refund amount is a positive number of minor units.", "amount"
        )
    writes.check_client_key(ask.idempotency_key)


def _same_request(recorded: RefundRequest, ask: RefundAsk) -> bool:
    reason = None if ask.reason is None else ask.reason.value
    return (recorded.target_id, recorded.requested_amount, recorded.reason) == (
        ask.target_id,
        ask.amount,
        reason,
    )


async def _replay(ctx: RequestContext, recorded: RefundRequest, ask: RefundAsk) -> Refund:
    if not _same_request(recorded, ask):
        raise reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different refund.",
            "idempotency_key",
        )
    return await ctx.gateway.retrieve_refund(recorded.refund_id)


async def _made_for(gateway: BillingGateway, charge_id: str, key: str) -> Refund | None:
    """The refund of the charge that a request with `key` made, however many refunds the charge has."""
    async with aclosing(every_refund(gateway, charge_id)) as refunds:
        async for refund in refunds:
            if refund.metadata.get(REQUEST_METADATA_KEY) == key:
                return refund
    return None


async def _charge_to_refund(ctx: RequestContext, ask: RefundAsk) -> str:
    """The charge named, or the one that paid the invoice or payment intent."""
    field = ask.target_field
    not_refundable = reject(
        UserErrorCode.NOT_REFUNDABLE, f"'{ask.target_id}' has no successful payment to refund.", field
    )
    try:
        if ask.charge_id is not None:
            # Read before its lock is taken, as the other targets are, so an unknown id locks nothing.
            return (await ctx.gateway.retrieve_charge(ask.charge_id)).id
        intent_id = ask.payment_intent_id
        if intent_id is None:
            invoice = await ctx.gateway.retrieve_invoice(ask.target_id, with_payments=True)
            paid = next((p for p in invoice.payments or () if p.status is InvoicePaymentStatus.PAID), None)
            if paid is None:
                raise not_refundable
            if paid.charge_id is not None:
                return paid.charge_id
            intent_id = paid.payment_intent_id
        if intent_id is None:
            raise not_refundable
        intent = await ctx.gateway.retrieve_payment_intent(intent_id)
    except NotFound as error:
        raise reject(UserErrorCode.NOT_FOUND, f"No object with id '{ask.target_id}'.", field) from error
    if intent.status != _SUCCEEDED or intent.latest_charge_id is None:
        raise not_refundable
    return intent.latest_charge_id


def _check_refundable(charge: Charge, ask: RefundAsk) -> int:
    """The amount to refund now, or the user error that forbids it."""
    if charge.disputed or charge.status != _SUCCEEDED:
        raise reject(UserErrorCode.NOT_REFUNDABLE, "This payment cannot be refunded.", ask.target_field)
    left = charge.refundable_amount
    if left <= 0:
        raise reject(
            UserErrorCode.ALREADY_REFUNDED, "This payment has been refunded in full.", ask.target_field
        )
    if ask.amount is not None and ask.amount > left:
        raise reject(
            UserErrorCode.AMOUNT_TOO_LARGE,
            f"Only {format_money(left, charge.currency, 'en')} of this payment is left to refund.",
            "amount",
        )
    return left if ask.amount is None else ask.amount


def _refused(error: InvalidRequest, ask: RefundAsk) -> Exception:
    """The user error for Stripe's refusal, when the payment changed between our check and the refund."""
    if isinstance(error, IdempotencyConflict):
        return reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different refund.",
            "idempotency_key",
        )
    if error.code == "amount_too_large":
        return reject(UserErrorCode.AMOUNT_TOO_LARGE, error.message, "amount")
    if error.code == "amount_too_small":
        return reject(UserErrorCode.INVALID_AMOUNT, error.message, "amount")
    if error.code == "charge_already_refunded":
        return reject(UserErrorCode.ALREADY_REFUNDED, error.message, ask.target_field)
    if error.code in _NOT_REFUNDABLE_CODES:
        return reject(UserErrorCode.NOT_REFUNDABLE, error.message, ask.target_field)
    return error


async def _refund_locked(
    ctx: RequestContext, principal: ApiKeyPrincipal, locked: LockedCharge, charge_id: str, ask: RefundAsk
) -> Refund:
    key = ask.idempotency_key
    charge, refund = await asyncio.gather(
        ctx.gateway.retrieve_charge(charge_id, fresh=True), _made_for(ctx.gateway, charge_id, key)
    )
    if refund is None:
        amount = _check_refundable(charge, ask)
        try:
            refund = await ctx.gateway.create_refund(
                charge_id=charge_id,
                amount=amount,
                reason=ask.reason,
                metadata={REQUEST_METADATA_KEY: key},
                idempotency_key=key,
            )
        except InvalidRequest as error:
            raise _refused(error, ask) from error
    audit = writes.audit_entry(
        ctx,
        principal,
        action="payment.refund",
        object_type="refund",
        object_id=refund.id,
        customer_id=charge.customer_id,
        before=None,
        after={
            "target": ask.target_id,
            "charge": charge_id,
            "amount": refund.amount,
            "currency": refund.currency,
            "reason": refund.reason,
        },
    )
    # The refund's ledger row and its audit entry commit together, so no crash leaves it unaudited.
    await locked.record(
        RefundRequest(
            idempotency_key=key,
            target_id=ask.target_id,
            requested_amount=ask.amount,
            reason=None if ask.reason is None else ask.reason.value,
            charge_id=charge_id,
            refund_id=refund.id,
            refunded_amount=refund.amount,
            currency=refund.currency,
        ),
        audit=audit,
    )
    await announce(ctx, charge.customer_id, topics_of_action(audit.action))
    return refund


async def _refund(ctx: RequestContext, ask: RefundAsk) -> Refund:
    principal = require_api_key(ctx)
    _check(ask)
    ask = _namespaced(ctx, principal, ask)
    ledger = writes.stores(ctx).refunds
    recorded = await ledger.find(ask.idempotency_key)
    if recorded is not None:
        return await _replay(ctx, recorded, ask)
    charge_id = await _charge_to_refund(ctx, ask)
    async with ledger.lock_charge(charge_id) as locked:
        recorded = await locked.find(ask.idempotency_key)  # a concurrent retry got the lock first
        if recorded is not None:
            return await _replay(ctx, recorded, ask)
        refund = await _refund_locked(ctx, principal, locked, charge_id, ask)
    ctx.forget_reads()
    return refund


def _namespaced(ctx: RequestContext, principal: ApiKeyPrincipal, ask: RefundAsk) -> RefundAsk:
    return replace(ask, idempotency_key=writes.idempotency_key(ctx, principal, ask.idempotency_key))


async def refund_payment(ctx: RequestContext, ask: RefundAsk) -> Outcome[Refund]:
    return await attempt(_refund(ctx, ask))
