"""The merchant's retention offers (API keys only): made, with a Stripe coupon for a coupon offer, and
archived. An offer is never edited: archived and replaced, so that a showing always points at what the
customer saw."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import check_id, refuse
from resolvers.policy import require_api_key
from resolvers.ports import CouponTerms, NewRetentionOffer, OfferKind, PauseTerms, PriceSwitchTerms
from resolvers.text import is_printable_line
from stripe_gateway.errors import NotFound
from stripe_gateway.ids import IdKind
from stripe_gateway.records import CouponDuration, CouponSpec, PauseDuration, PriceType

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.ports import OfferScope, RetentionOffer

MAX_NAME_LENGTH = 100
MAX_SCOPE_IDS = 20
MAX_REPEATING_MONTHS = 36


@dataclass(frozen=True, slots=True)
class OfferRequest:
    """An offer as the merchant asks for it; exactly the terms of `kind` are given."""

    name: str
    kind: OfferKind
    scope: OfferScope
    percent_off: float | None = None
    amount_off: int | None = None
    currency: str | None = None
    duration: CouponDuration | None = None
    duration_in_months: int | None = None
    pause: PauseDuration | None = None
    price_id: str | None = None


def _check_offer(request: OfferRequest) -> None:
    name = request.name.strip()
    if not (0 < len(name) <= MAX_NAME_LENGTH and is_printable_line(name)):
        raise reject(
            UserErrorCode.INVALID_INPUT, f"A name is 1 to {MAX_NAME_LENGTH} printable characters.", "name"
        )
    scope = request.scope
    if max(len(scope.reasons), len(scope.product_ids), len(scope.configuration_ids)) > MAX_SCOPE_IDS:
        raise reject(
            UserErrorCode.INVALID_INPUT, f"At most {MAX_SCOPE_IDS} reasons, products and configurations."
        )
    for product_id in scope.product_ids:
        check_id(IdKind.PRODUCT, product_id, "product_ids")
    for configuration_id in scope.configuration_ids:
        check_id(IdKind.PORTAL_CONFIGURATION, configuration_id, "configuration_ids")
    given = {
        OfferKind.COUPON: request.duration is not None,
        OfferKind.PAUSE: request.pause is not None,
        OfferKind.PRICE_SWITCH: request.price_id is not None,
    }
    if not given[request.kind] or any(present for kind, present in given.items() if kind is not request.kind):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A {request.kind.value} offer takes the terms of its kind, and only those.",
        )
    if request.kind is OfferKind.COUPON:
        _check_coupon(request)
    if request.pause is not None:
        refuse(rules.pause_length_refusal(request.pause), "pause")


def _check_coupon(request: OfferRequest) -> None:
    percent, amount, currency = request.percent_off, request.amount_off, request.currency
    if (percent is None) == (amount is None):
        raise reject(
            UserErrorCode.INVALID_INPUT, "Give a percent off or an amount off, not both.", "percent_off"
        )
    if percent is not None and not 0 < percent <= 100:
        raise reject(
            UserErrorCode.INVALID_AMOUNT, "A percent off is more than 0 and at most 100.", "percent_off"
        )
    if amount is not None and (
        amount < 1 or currency is None or not (len(currency) == 3 and currency.isalpha())
    ):
        raise reject(
            UserErrorCode.INVALID_AMOUNT,
            "An amount off is a positive amount with its currency.",
            "amount_off",
        )
    months = request.duration_in_months
    repeating = request.duration is CouponDuration.REPEATING
    if repeating != (months is not None) or (months is not None and not 1 <= months <= MAX_REPEATING_MONTHS):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A repeating coupon lasts 1 to {MAX_REPEATING_MONTHS} months; no other coupon takes months.",
            "duration_in_months",
        )


async def _price_switch(ctx: RequestContext, price_id: str) -> PriceSwitchTerms:
    check_id(IdKind.PRICE, price_id, "price_id")
    try:
        price = await ctx.loaders.price(price_id)
    except NotFound as error:
        raise reject(UserErrorCode.NOT_FOUND, f"No price with id '{price_id}'.", "price_id") from error
    if not (price.active and price.type is PriceType.RECURRING and price.unit_amount is not None):
        raise reject(UserErrorCode.PRICE_NOT_ALLOWED, "Offer an active recurring price.", "price_id")
    return PriceSwitchTerms(price.id, price.unit_amount, price.currency)


async def _create_offer(ctx: RequestContext, request: OfferRequest, client_key: str | None) -> RetentionOffer:
    principal = require_api_key(ctx)
    writes.check_client_key(client_key)
    _check_offer(request)
    coupon = pause = switch = None
    if request.kind is OfferKind.COUPON and request.duration is not None:
        spec = CouponSpec(
            name=request.name.strip(),
            percent_off=request.percent_off,
            amount_off=request.amount_off,
            currency=None if request.currency is None else request.currency.lower(),
            duration=request.duration,
            duration_in_months=request.duration_in_months,
        )
        key = writes.idempotency_key(ctx, principal, client_key, "retention_coupon", spec)
        made = await ctx.gateway.create_coupon(spec, idempotency_key=key)
        coupon = CouponTerms(
            spec.percent_off, spec.amount_off, spec.currency, spec.duration, spec.duration_in_months, made.id
        )
    elif request.pause is not None:
        pause = PauseTerms(request.pause.interval, request.pause.interval_count)
    elif request.price_id is not None:
        switch = await _price_switch(ctx, request.price_id)
    scope = request.scope
    offer = await writes.stores(ctx).retention.create_offer(
        NewRetentionOffer(
            name=request.name.strip(),
            kind=request.kind,
            scope=replace(
                scope,
                reasons=tuple(dict.fromkeys(scope.reasons)),
                product_ids=tuple(dict.fromkeys(scope.product_ids)),
                configuration_ids=tuple(dict.fromkeys(scope.configuration_ids)),
            ),
            coupon=coupon,
            pause=pause,
            price_switch=switch,
        )
    )
    await writes.audit(
        ctx,
        principal,
        action="retention_offer.create",
        object_type="retention_offer",
        object_id=offer.id,
        customer_id=None,
        before=None,
        after={"name": offer.name, "kind": offer.kind.value},
    )
    return offer


async def create_retention_offer(
    ctx: RequestContext, request: OfferRequest, *, idempotency_key: str | None
) -> Outcome[RetentionOffer]:
    return await attempt(_create_offer(ctx, request, idempotency_key))


async def _archive_offer(ctx: RequestContext, offer_id: str) -> RetentionOffer:
    principal = require_api_key(ctx)
    if len(offer_id) > 40:
        raise reject(UserErrorCode.NOT_FOUND, "No such retention offer.", "offer_id")
    archived = await writes.stores(ctx).retention.archive_offer(offer_id)
    if archived is None:
        raise reject(UserErrorCode.NOT_FOUND, "No such retention offer.", "offer_id")
    await writes.audit(
        ctx,
        principal,
        action="retention_offer.archive",
        object_type="retention_offer",
        object_id=offer_id,
        customer_id=None,
        before=None,
        after={"archived": True},
    )
    return archived


async def archive_retention_offer(ctx: RequestContext, *, offer_id: str) -> Outcome[RetentionOffer]:
    return await attempt(_archive_offer(ctx, offer_id))
