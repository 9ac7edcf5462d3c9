"""Adding a card: a SetupIntent that the browser confirms with Stripe.js, then, when asked, made the
customer's default.

Card numbers never reach portalql: `createSetupIntent` hands the browser the intent's client secret and the
publishable key, Stripe.js confirms it with Stripe (which attaches the card to the customer), and the page
calls `completeSetupIntent`, which reads the intent back and makes the card the default if creating it asked
for that (kept in the intent's metadata). Completing works with or without webhooks: they only refresh
cached reads and audit the card as added by the customer's browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.live import BillingTopic, announce
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import features_held_to, owned_customer, refuse
from resolvers.policy import may_see_customer, require_scope
from resolvers.principals import CustomerPrincipal, Scope
from stripe_gateway.errors import NotFound
from stripe_gateway.records import SetupIntentStatus

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Customer, PaymentMethod, SetupIntent

# The SetupIntent's metadata key that remembers whether the new card becomes the default.
SET_AS_DEFAULT = "portalql_set_as_default"


@dataclass(frozen=True, slots=True)
class CardSetup:
    """What Stripe.js needs to collect a card: the intent (with its client secret) and the publishable key."""

    setup_intent: SetupIntent
    publishable_key: str


@dataclass(frozen=True, slots=True)
class CardAdded:
    payment_method: PaymentMethod
    customer: Customer


async def _customer_for(ctx: RequestContext, principal: Principal, customer_id: str | None) -> Customer:
    if customer_id is None:
        if not isinstance(principal, CustomerPrincipal):
            raise reject(UserErrorCode.INVALID_INPUT, "An API key names the customer: give `customerId`.")
        customer_id = principal.customer_id
    return await owned_customer(ctx, principal, customer_id, "customer_id")


async def _create(ctx: RequestContext, customer_id: str | None, *, set_as_default: bool) -> CardSetup:
    principal = require_scope(ctx, Scope.PAYMENT_METHODS_WRITE)
    customer = await _customer_for(ctx, principal, customer_id)
    features = await features_held_to(ctx, principal)
    refuse(rules.add_card_refusal(features, card_collection=ctx.publishable_key is not None))
    assert ctx.publishable_key is not None  # `add_card_refusal` refused otherwise
    key = writes.idempotency_key(ctx, principal, None, "create_setup_intent", customer.id, set_as_default)
    intent = await ctx.gateway.create_setup_intent(
        customer.id, metadata={SET_AS_DEFAULT: str(set_as_default).lower()}, idempotency_key=key
    )
    return CardSetup(intent, ctx.publishable_key)


async def create_setup_intent(
    ctx: RequestContext, *, customer_id: str | None, set_as_default: bool
) -> Outcome[CardSetup]:
    return await attempt(_create(ctx, customer_id, set_as_default=set_as_default))


async def _owned_setup_intent(ctx: RequestContext, principal: Principal, setup_intent_id: str) -> SetupIntent:
    not_found = reject(UserErrorCode.NOT_FOUND, f"No object with id '{setup_intent_id}'.", "setup_intent_id")
    try:
        intent = await ctx.gateway.retrieve_setup_intent(setup_intent_id)
    except NotFound as error:
        raise not_found from error
    if intent.customer_id is None or not may_see_customer(principal, intent.customer_id):
        raise not_found
    return intent


async def _complete(ctx: RequestContext, setup_intent_id: str) -> CardAdded:
    principal = require_scope(ctx, Scope.PAYMENT_METHODS_WRITE)
    intent = await _owned_setup_intent(ctx, principal, setup_intent_id)
    customer_id = intent.customer_id or ""  # `_owned_setup_intent` checked it
    if intent.status is not SetupIntentStatus.SUCCEEDED or intent.payment_method_id is None:
        error = intent.last_setup_error
        if error is not None and error.message:
            raise reject(UserErrorCode.CARD_DECLINED, error.message, "setup_intent_id")
        raise reject(
            UserErrorCode.SETUP_NOT_COMPLETE,
            f"The SetupIntent is {intent.status.value}: confirm the card with Stripe.js first.",
            "setup_intent_id",
        )
    # Stripe.js attached the card without portalql: what was read of the customer before is stale.
    await ctx.gateway.invalidate_customer(customer_id)
    ctx.forget_reads()
    customer, method = (
        await ctx.loaders.customer(customer_id),
        await ctx.loaders.payment_method(intent.payment_method_id),
    )
    if intent.metadata.get(SET_AS_DEFAULT) != "true" or customer.default_payment_method_id == method.id:
        await announce(ctx, customer_id, {BillingTopic.PAYMENT_METHODS})
        return CardAdded(method, customer)
    # Choosing the default card is a card change, which the portal may have turned off since the intent.
    refuse(rules.payment_methods_refusal(await features_held_to(ctx, principal)))
    # Keyed by the intent: completing it again (or from another tab) makes the same change once.
    key = writes.idempotency_key(ctx, principal, intent.id, "set_default_payment_method", method.id)
    updated = await ctx.gateway.set_default_payment_method(customer_id, method.id, idempotency_key=key)
    ctx.forget_reads()
    await writes.audit(
        ctx,
        principal,
        action="customer.set_default_payment_method",
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        before={"defaultPaymentMethod": customer.default_payment_method_id},
        after={"defaultPaymentMethod": updated.default_payment_method_id},
    )
    return CardAdded(method, updated)


async def complete_setup_intent(ctx: RequestContext, *, setup_intent_id: str) -> Outcome[CardAdded]:
    return await attempt(_complete(ctx, setup_intent_id))
