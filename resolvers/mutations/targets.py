"""The objects a mutation acts on, checked against the caller before anything is changed.

Another customer's object is rejected with NOT_FOUND, exactly like a missing one, and so is an id that
cannot name an object of its kind (`check_id`): a mutation checks its ids before it starts any read, so a
malformed id costs no Stripe call. A customer session is also held to the portal configuration in force;
an API key acts for the merchant and is not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations.outcome import Rejected, UserErrorCode, reject
from resolvers.policy import may_see_customer
from resolvers.portal import configuration_in_force
from resolvers.principals import CustomerPrincipal
from stripe_gateway.errors import NotFound
from stripe_gateway.ids import IdKind, is_well_formed

if TYPE_CHECKING:
    from collections.abc import Awaitable
    from typing import TypeVar

    from resolvers.context import RequestContext
    from resolvers.mutations.outcome import UserError
    from resolvers.principals import Principal
    from stripe_gateway.records import Customer, PaymentMethod, PortalFeatures, Subscription

    T = TypeVar("T")


async def _found(load: Awaitable[T], object_id: str, field: tuple[str, ...]) -> T:
    try:
        return await load
    except NotFound as error:
        raise _not_found(object_id, field) from error


def settled(outcome: T | BaseException) -> T:
    """One result of `asyncio.gather(..., return_exceptions=True)`: reads are made together, but their
    failures are raised in the order the checks need, so a refusal says nothing about a later read."""
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def _not_found(object_id: str, field: tuple[str, ...]) -> Exception:
    return reject(UserErrorCode.NOT_FOUND, f"No object with id '{object_id}'.", *field)


def check_id(kind: IdKind, object_id: str | None, *field: str) -> None:
    """Reject as NOT_FOUND on `field`, before anything is read, an id (when one is given) that cannot name
    an object of `kind`; whether a well-formed one exists is for the read to tell."""
    if object_id is not None and not is_well_formed(kind, object_id):
        raise _not_found(object_id, field)


async def owned_customer(
    ctx: RequestContext, principal: Principal, customer_id: str, *field: str
) -> Customer:
    if not may_see_customer(principal, customer_id):
        raise _not_found(customer_id, field)
    return await _found(ctx.loaders.customer(customer_id), customer_id, field)


async def owned_subscription(
    ctx: RequestContext, principal: Principal, subscription_id: str, *field: str
) -> Subscription:
    subscription = await _found(ctx.loaders.subscription(subscription_id), subscription_id, field)
    if not may_see_customer(principal, subscription.customer_id):
        raise _not_found(subscription_id, field)
    return subscription


async def owned_payment_method(
    ctx: RequestContext, principal: Principal, payment_method_id: str, *field: str
) -> PaymentMethod:
    """A payment method attached to a customer the caller may act for (a detached one is not found)."""
    method = await _found(ctx.loaders.payment_method(payment_method_id), payment_method_id, field)
    if method.customer_id is None or not may_see_customer(principal, method.customer_id):
        raise _not_found(payment_method_id, field)
    return method


def refuse(refusal: UserError | None, *field: str) -> None:
    """Stop the mutation with a rule's refusal, if there is one; `field` names the input it concerns
    where the mutation's input differs from the rule's."""
    if refusal is not None:
        raise Rejected(replace(refusal, field=field) if field else refusal)


def check_not_ended(subscription: Subscription, *field: str) -> None:
    refuse(rules.ended_refusal(subscription), *field)


def limited_by_portal(principal: Principal) -> bool:
    """Whether the portal configuration limits what the caller may do: true for customer sessions."""
    return isinstance(principal, CustomerPrincipal)


async def portal_features(ctx: RequestContext) -> PortalFeatures:
    return (await configuration_in_force(ctx)).features


async def features_held_to(ctx: RequestContext, principal: Principal) -> PortalFeatures | None:
    """The features the rules hold the caller to, read only for a caller the portal limits: None for an API
    key, with no configuration to read."""
    return await portal_features(ctx) if limited_by_portal(principal) else None


def held_to(principal: Principal, features: PortalFeatures) -> PortalFeatures | None:
    """The features the rules hold the caller to: None for an API key, which the portal does not limit."""
    return features if limited_by_portal(principal) else None
