"""The rules of pausing and of retention offers, on records built here: no Stripe, no request."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from resolvers import rules
from resolvers.ports import CouponTerms, OfferKind, OfferScope, PauseTerms, PriceSwitchTerms, RetentionOffer
from stripe_gateway.records import (
    CancellationFeedback,
    CouponDuration,
    Interval,
    PauseBehavior,
    PauseCollection,
    PauseDuration,
)
from tests.test_rules import PRO_MONTHLY, features, subscription

MONTH = PauseDuration(Interval.MONTH, 1)
PAUSABLE = features(
    subscription_pause_enabled=True, subscription_pause_durations=(MONTH, PauseDuration(Interval.MONTH, 3))
)
PAUSED = subscription(pause_collection=PauseCollection(PauseBehavior.VOID, 2_000_000_000))
MADE = datetime(2026, 1, 1, tzinfo=UTC)


ANYONE = OfferScope()


def offer(offer_id: str, kind: OfferKind, scope: OfferScope = ANYONE, **terms: object) -> RetentionOffer:
    return RetentionOffer(offer_id, offer_id, kind, scope, MADE, None, **terms)  # type: ignore[arg-type]


HALF_OFF = offer(
    "pqro_half",
    OfferKind.COUPON,
    OfferScope(reasons=(CancellationFeedback.TOO_EXPENSIVE,)),
    coupon=CouponTerms(50.0, None, None, CouponDuration.REPEATING, 3, "STAY50"),
)
A_MONTH_OFF = offer(
    "pqro_pause",
    OfferKind.PAUSE,
    OfferScope(reasons=(CancellationFeedback.UNUSED,)),
    pause=PauseTerms(Interval.MONTH, 1),
)


@pytest.mark.parametrize(
    ("record", "limits", "duration", "code"),
    [
        pytest.param(subscription(), PAUSABLE, MONTH, None, id="offered"),
        pytest.param(subscription(), features(), MONTH, "FEATURE_DISABLED", id="feature-off"),
        pytest.param(
            subscription(),
            PAUSABLE,
            PauseDuration(Interval.WEEK, 1),
            "PAUSE_DURATION_NOT_ALLOWED",
            id="length",
        ),
        pytest.param(
            subscription(), PAUSABLE, None, "PAUSE_DURATION_NOT_ALLOWED", id="indefinite-not-offered"
        ),
        pytest.param(PAUSED, PAUSABLE, MONTH, "ALREADY_PAUSED", id="paused"),
        pytest.param(
            subscription(cancel_at_period_end=True), PAUSABLE, MONTH, "SUBSCRIPTION_NOT_ACTIVE", id="ending"
        ),
        pytest.param(subscription(), None, PauseDuration(Interval.YEAR, 3), None, id="api-key-three-years"),
        pytest.param(
            subscription(), None, PauseDuration(Interval.YEAR, 4), "PAUSE_DURATION_NOT_ALLOWED", id="too-long"
        ),
    ],
)
def test_pause_refusal(
    record: object, limits: object, duration: PauseDuration | None, code: str | None
) -> None:
    refusal = rules.pause_refusal(record, limits, duration)  # type: ignore[arg-type]

    assert (refusal.code.value if refusal else None) == code


def test_only_paused_payments_are_offered_to_resume() -> None:
    assert rules.resume_offer_refusal(PAUSED) is None
    refusal = rules.resume_offer_refusal(subscription())
    assert refusal is not None
    assert refusal.code.value == "NOT_PAUSED"


@pytest.mark.parametrize(
    ("reason", "had", "expected"),
    [
        pytest.param(CancellationFeedback.TOO_EXPENSIVE, frozenset(), HALF_OFF, id="reason-fits"),
        pytest.param(CancellationFeedback.UNUSED, frozenset(), A_MONTH_OFF, id="other-reason-other-offer"),
        pytest.param(CancellationFeedback.TOO_EXPENSIVE, frozenset({"pqro_half"}), None, id="had-it"),
        pytest.param(CancellationFeedback.OTHER, frozenset(), None, id="no-offer-for-reason"),
        pytest.param(None, frozenset(), None, id="no-reason"),
    ],
)
def test_the_first_fitting_offer_the_customer_has_not_had(
    reason: CancellationFeedback | None, had: frozenset[str], expected: RetentionOffer | None
) -> None:
    found = rules.fitting_offer(
        (HALF_OFF, A_MONTH_OFF), subscription(), reason=reason, configuration_id="bpc_1", had=had
    )

    assert found == expected


def test_offers_that_do_not_apply_to_the_subscription_are_skipped() -> None:
    euros = offer(
        "pqro_eur",
        OfferKind.COUPON,
        coupon=CouponTerms(None, 500, "eur", CouponDuration.ONCE, None, "EUR5"),
    )
    dearer = offer("pqro_dear", OfferKind.PRICE_SWITCH, price_switch=PriceSwitchTerms("price_x", 9000, "usd"))
    cheaper = offer(
        "pqro_cheap", OfferKind.PRICE_SWITCH, price_switch=PriceSwitchTerms("price_s", 1000, "usd")
    )
    elsewhere = replace(HALF_OFF, id="pqro_other", scope=OfferScope(configuration_ids=("bpc_2",)))
    other_product = replace(HALF_OFF, id="pqro_prod", scope=OfferScope(product_ids=("prod_business",)))

    found = rules.fitting_offer(
        (euros, dearer, elsewhere, other_product, cheaper),
        subscription(PRO_MONTHLY),
        reason=CancellationFeedback.TOO_EXPENSIVE,
        configuration_id="bpc_1",
        had=frozenset(),
    )

    assert found == cheaper
    assert (
        rules.fitting_offer(
            (A_MONTH_OFF,),
            PAUSED,
            reason=CancellationFeedback.UNUSED,
            configuration_id="bpc_1",
            had=frozenset(),
        )
        is None
    )
