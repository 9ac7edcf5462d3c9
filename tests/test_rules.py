"""The portal's rules on records built here: no Stripe, no request, one decision per test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from resolvers import rules
from resolvers.mutations.outcome import UserError, UserErrorCode
from stripe_gateway.records import (
    ADD_ON_METADATA_KEY,
    CancellationDetails,
    CancellationFeedback,
    CancelMode,
    Interval,
    PortalFeatures,
    PortalProduct,
    Price,
    PriceType,
    Product,
    Recurring,
    ScheduleCondition,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
)


def price(price_id: str, product_id: str = "prod_pro", **changes: object) -> Price:
    made = Price(
        id=price_id,
        product_id=product_id,
        active=True,
        currency="usd",
        unit_amount=3000,
        type=PriceType.RECURRING,
        recurring=Recurring(Interval.MONTH, 1),
        lookup_key=None,
        nickname=None,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


PRO_MONTHLY = price("price_pro_monthly")
PRO_YEARLY = price("price_pro_yearly", recurring=Recurring(Interval.YEAR, 1))
BUSINESS = price("price_business", "prod_business")
PRO_EUR = price("price_pro_eur", currency="eur")


def subscription(*items: Price, **changes: object) -> Subscription:
    made = Subscription(
        id="sub_1",
        customer_id="cus_1",
        status=SubscriptionStatus.ACTIVE,
        items=tuple(
            SubscriptionItem(f"si_{n}", "sub_1", item, 1, 1_000, 2_000)
            for n, item in enumerate(items or [PRO_MONTHLY])
        ),
        currency="usd",
        created=1_000,
        start_date=1_000,
        cancel_at_period_end=False,
        cancel_at=None,
        canceled_at=None,
        ended_at=None,
        cancellation_details=CancellationDetails(None, None, None),
        trial_start=None,
        trial_end=None,
        latest_invoice_id=None,
        default_payment_method_id=None,
        collection_method="charge_automatically",
        metadata={},
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def features(**changes: object) -> PortalFeatures:
    made = PortalFeatures(
        customer_update_enabled=True,
        customer_update_allowed=("email",),
        invoice_history_enabled=True,
        payment_method_update_enabled=True,
        subscription_cancel_enabled=True,
        subscription_cancel_mode=CancelMode.AT_PERIOD_END,
        subscription_cancel_proration_behavior="none",
        cancellation_reason_enabled=True,
        cancellation_reason_options=(CancellationFeedback.TOO_EXPENSIVE, CancellationFeedback.OTHER),
        subscription_update_enabled=True,
        subscription_update_allowed=("price", "quantity"),
        subscription_update_products=(
            PortalProduct("prod_pro", (PRO_MONTHLY.id, PRO_YEARLY.id, PRO_EUR.id), True, 1, 10),
            PortalProduct("prod_business", (BUSINESS.id,)),
        ),
        subscription_update_proration_behavior="create_prorations",
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def code(refusal: UserError | None) -> UserErrorCode | None:
    return None if refusal is None else refusal.code


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ({}, None),
        ({"status": SubscriptionStatus.TRIALING}, None),
        ({"status": SubscriptionStatus.CANCELED}, UserErrorCode.SUBSCRIPTION_ENDED),
        ({"status": SubscriptionStatus.PAST_DUE}, UserErrorCode.SUBSCRIPTION_NOT_ACTIVE),
        ({"cancel_at_period_end": True}, UserErrorCode.SUBSCRIPTION_NOT_ACTIVE),
        ({"cancel_at": 1_500}, UserErrorCode.SUBSCRIPTION_NOT_ACTIVE),
    ],
)
def test_a_plan_changes_only_on_a_running_subscription_not_set_to_cancel(
    changed: dict[str, object], expected: UserErrorCode | None
) -> None:
    assert code(rules.plan_change_refusal(subscription(**changed), features())) == expected


def test_a_plan_change_needs_the_portal_s_leave_for_one_of_its_products() -> None:
    assert rules.plan_change_refusal(subscription(PRO_MONTHLY, BUSINESS), features()) is None
    assert (
        rules.plan_change_refusal(subscription(), features(subscription_update_allowed=("quantity",))) is None
    )
    assert code(rules.plan_change_refusal(subscription(), features(subscription_update_enabled=False))) == (
        UserErrorCode.FEATURE_DISABLED
    )
    unlisted = features(subscription_update_products=(PortalProduct("prod_business", (BUSINESS.id,)),))
    assert code(rules.plan_change_refusal(subscription(), unlisted)) == UserErrorCode.PRICE_NOT_ALLOWED
    # The merchant is held only to the subscription's state.
    assert rules.plan_change_refusal(subscription(), None) is None
    assert code(rules.plan_change_refusal(subscription(cancel_at=1_500), None)) == (
        UserErrorCode.SUBSCRIPTION_NOT_ACTIVE
    )


def test_the_choices_are_the_listed_prices_in_the_subscription_s_currency_but_its_own() -> None:
    catalog = [BUSINESS, PRO_EUR, PRO_YEARLY, PRO_MONTHLY]

    choices = rules.plan_choices(subscription(), features(), catalog)

    assert choices == (PRO_YEARLY, BUSINESS)  # the configuration's order
    assert rules.plan_choices(subscription(status=SubscriptionStatus.PAST_DUE), features(), catalog) == ()
    # A listed price the catalog of active prices lacks is archived: not a choice.
    assert rules.plan_choices(subscription(), features(), [PRO_MONTHLY, BUSINESS]) == (BUSINESS,)


def test_a_price_must_be_listed_active_recurring_and_in_the_currency() -> None:
    refused = {
        "unlisted": price("price_other"),
        "archived": replace(PRO_YEARLY, active=False),
        "one-time": replace(PRO_YEARLY, type=PriceType.ONE_TIME, recurring=None),
        "other currency": PRO_EUR,
    }

    assert rules.price_refusal(subscription(), features(), PRO_YEARLY) is None
    for name, refused_price in refused.items():
        assert code(rules.price_refusal(subscription(), features(), refused_price)) == (
            UserErrorCode.PRICE_NOT_ALLOWED
        ), name
    # The merchant may pick any active recurring price in the currency, listed or not.
    assert rules.price_refusal(subscription(), None, price("price_other")) is None


@pytest.mark.parametrize(("quantity", "allowed"), [(1, True), (10, True), (11, False), (0, False)])
def test_a_quantity_stays_within_the_configured_bounds(quantity: int, allowed: bool) -> None:
    refusal = rules.quantity_refusal(features(), PRO_YEARLY, quantity, current=2)

    assert (refusal is None) == allowed
    assert code(rules.quantity_refusal(features(), BUSINESS, 2, current=1)) == (
        UserErrorCode.QUANTITY_NOT_ALLOWED
    )  # not adjustable
    # Without the configuration's leave for quantities, none changes.
    only_prices = features(subscription_update_allowed=("price",))
    assert code(rules.quantity_refusal(only_prices, PRO_YEARLY, 3, current=2)) == (
        UserErrorCode.QUANTITY_NOT_ALLOWED
    )


SEATS = replace(
    price("price_seat", "prod_seat", unit_amount=800),
    product=Product(
        id="prod_seat",
        name="Additional seat",
        description=None,
        active=True,
        default_price_id=None,
        metadata={ADD_ON_METADATA_KEY: "true"},
        unit_label="seat",
    ),
)
WITH_SEATS = features(
    subscription_update_products=(
        *features().subscription_update_products,
        PortalProduct("prod_seat", (SEATS.id,), True, 1, 50),
    )
)


def test_a_refused_quantity_says_the_range_in_the_product_s_unit() -> None:
    refusal = rules.quantity_refusal(WITH_SEATS, SEATS, 51, current=5)

    assert refusal is not None
    assert refusal.message == "You can have between 1 and 50 seats."
    assert refusal.field == ("quantity",)
    assert rules.quantity_range(WITH_SEATS, "prod_seat") == (1, 50)
    assert rules.quantity_range(WITH_SEATS, "prod_business") is None  # fixed


def test_add_ons_are_added_removed_and_stepped_while_the_plan_stays() -> None:
    current = subscription(BUSINESS, SEATS)
    plan, seats = current.items
    catalog = [BUSINESS, PRO_MONTHLY, PRO_YEARLY, SEATS]
    add_ons = rules.add_on_products(catalog)

    def refusal(*edits: rules.ItemEdit, base: object = current) -> UserErrorCode | None:
        return code(rules.item_edits_refusal(base, WITH_SEATS, edits, add_ons))  # type: ignore[arg-type]

    assert add_ons == {"prod_seat"}
    assert refusal(rules.ItemEdit(plan, PRO_MONTHLY, 1), rules.ItemEdit(seats, SEATS, 12)) is None
    assert refusal(rules.ItemEdit(seats, SEATS, 51)) == UserErrorCode.QUANTITY_NOT_ALLOWED
    assert refusal(rules.ItemEdit(seats, SEATS, 1, remove=True)) is None
    # The plan itself is cancelled, not removed; a plan is not swapped for an add-on, nor added as one.
    assert refusal(rules.ItemEdit(plan, BUSINESS, 1, remove=True)) == UserErrorCode.PRICE_NOT_ALLOWED
    assert refusal(rules.ItemEdit(plan, SEATS, 1)) == UserErrorCode.PRICE_NOT_ALLOWED
    assert refusal(rules.ItemEdit(None, PRO_YEARLY, 1)) == UserErrorCode.PRICE_NOT_ALLOWED
    # An add-on already billed is not added twice; one item is edited once.
    assert refusal(rules.ItemEdit(None, SEATS, 2)) == UserErrorCode.PRICE_NOT_ALLOWED
    assert refusal(rules.ItemEdit(seats, SEATS, 2), rules.ItemEdit(seats, SEATS, 3)) == (
        UserErrorCode.INVALID_INPUT
    )
    assert refusal(*[rules.ItemEdit(seats, SEATS, 2)] * 21) == UserErrorCode.INVALID_INPUT
    assert refusal(rules.ItemEdit(None, SEATS, 3), base=subscription(BUSINESS)) is None
    assert rules.add_on_choices(subscription(BUSINESS), WITH_SEATS, catalog) == (SEATS,)
    assert rules.add_on_choices(current, WITH_SEATS, catalog) == ()  # already billed
    assert rules.plan_choices(current, WITH_SEATS, catalog) == (PRO_MONTHLY, PRO_YEARLY)


def test_the_configuration_says_what_a_change_does_to_the_cycle_and_a_trial() -> None:
    trialing = subscription(status=SubscriptionStatus.TRIALING)

    assert rules.cycle_moves(trialing, features()) == rules.CycleMoves(False, True)
    assert rules.cycle_moves(trialing, features(subscription_update_ends_trial=False)).end_trial is False
    resets = features(subscription_update_resets_billing_cycle=True)
    assert rules.cycle_moves(subscription(), resets) == rules.CycleMoves(True, False)
    assert rules.cycle_moves(subscription(), None) == rules.CycleMoves(False, False)


def test_cancelling_follows_the_configured_mode_and_reasons() -> None:
    current, portal = subscription(), features()
    at_period_end, immediately = CancelMode.AT_PERIOD_END, CancelMode.IMMEDIATELY

    assert rules.cancel_refusal(current, portal, at_period_end, CancellationFeedback.OTHER) is None
    assert (
        code(rules.cancel_refusal(current, portal, immediately, None))
        == UserErrorCode.CANCEL_MODE_NOT_ALLOWED
    )
    assert code(rules.cancel_refusal(current, portal, at_period_end, CancellationFeedback.UNUSED)) == (
        UserErrorCode.CANCELLATION_REASON_NOT_ALLOWED
    )
    disabled = features(subscription_cancel_enabled=False)
    assert (
        code(rules.cancel_refusal(current, disabled, at_period_end, None)) == UserErrorCode.FEATURE_DISABLED
    )
    assert rules.cancel_refusal(current, None, immediately, CancellationFeedback.UNUSED) is None
    ended = subscription(status=SubscriptionStatus.INCOMPLETE_EXPIRED)
    assert code(rules.cancel_refusal(ended, None, immediately, None)) == UserErrorCode.SUBSCRIPTION_ENDED


def test_cancelling_again_is_allowed_but_not_offered() -> None:
    scheduled = subscription(cancel_at_period_end=True)

    assert rules.cancel_refusal(scheduled, features(), CancelMode.AT_PERIOD_END, None) is None
    assert code(rules.cancel_offer_refusal(scheduled, features())) == UserErrorCode.SUBSCRIPTION_NOT_ACTIVE
    assert rules.cancel_offer_refusal(subscription(), features()) is None


def test_only_a_scheduled_cancellation_is_offered_to_be_taken_back() -> None:
    assert rules.reactivate_offer_refusal(subscription(cancel_at=1_500)) is None
    assert code(rules.reactivate_offer_refusal(subscription())) == UserErrorCode.INVALID_INPUT
    ended = subscription(status=SubscriptionStatus.CANCELED, cancel_at_period_end=True)
    assert code(rules.reactivate_offer_refusal(ended)) == UserErrorCode.SUBSCRIPTION_ENDED
    assert rules.reactivate_refusal(subscription()) is None  # nothing to do is not a refusal


def test_reasons_are_offered_only_when_customers_are_asked() -> None:
    assert rules.offered_cancellation_reasons(features()) == (
        CancellationFeedback.TOO_EXPENSIVE,
        CancellationFeedback.OTHER,
    )
    assert rules.offered_cancellation_reasons(features(cancellation_reason_enabled=False)) == ()


def test_the_only_payment_method_stays_while_a_subscription_runs() -> None:
    running, ended = subscription(), subscription(status=SubscriptionStatus.CANCELED)

    assert code(rules.last_payment_method_refusal(1, [running])) == UserErrorCode.LAST_PAYMENT_METHOD
    assert rules.last_payment_method_refusal(2, [running]) is None
    assert rules.last_payment_method_refusal(1, [ended]) is None
    assert rules.last_payment_method_refusal(1, []) is None


def test_cards_are_managed_only_where_the_configuration_lets_customers_change_them() -> None:
    off = features(payment_method_update_enabled=False)

    assert rules.payment_methods_refusal(features()) is None
    assert code(rules.payment_methods_refusal(off)) == UserErrorCode.FEATURE_DISABLED
    assert rules.payment_methods_refusal(None) is None  # the merchant is not held to the configuration
    assert code(rules.add_card_refusal(off, card_collection=True)) == UserErrorCode.FEATURE_DISABLED
    assert rules.add_card_refusal(features(), card_collection=True) is None
    # Without a publishable key no card is collected here, whoever asks.
    assert code(rules.add_card_refusal(None, card_collection=False)) == UserErrorCode.FEATURE_DISABLED


def test_a_detail_changes_only_where_the_configuration_lists_it() -> None:
    assert rules.customer_detail_refusal(features(), "email") is None
    assert code(rules.customer_detail_refusal(features(), "name")) == UserErrorCode.FIELD_NOT_ALLOWED
    off = features(customer_update_enabled=False)
    assert code(rules.customer_detail_refusal(off, "email")) == UserErrorCode.FEATURE_DISABLED
    assert rules.customer_detail_refusal(None, "name") is None


def test_the_configuration_leaves_lower_amounts_and_shorter_intervals_for_the_period_end() -> None:
    current = subscription(PRO_YEARLY, SEATS)
    plan, seats = current.items
    both = features(
        subscription_update_scheduled_when=(
            ScheduleCondition.DECREASING_ITEM_AMOUNT,
            ScheduleCondition.SHORTENING_INTERVAL,
        )
    )
    shorter = features(subscription_update_scheduled_when=(ScheduleCondition.SHORTENING_INTERVAL,))

    assert rules.scheduled_for_period_end(both, [rules.ItemEdit(seats, SEATS, 0, remove=True)])
    assert not rules.scheduled_for_period_end(both, [rules.ItemEdit(seats, SEATS, 3)])  # more seats: now
    assert rules.scheduled_for_period_end(shorter, [rules.ItemEdit(plan, PRO_MONTHLY, 1)])
    assert not rules.scheduled_for_period_end(shorter, [rules.ItemEdit(seats, SEATS, 1)])
    assert not rules.scheduled_for_period_end(features(), [rules.ItemEdit(plan, PRO_MONTHLY, 1)])
    # A plan with a change waiting for the period's end takes no other.
    assert code(rules.plan_change_refusal(subscription(schedule_id="sub_sched_1"), None)) == (
        UserErrorCode.CHANGE_SCHEDULED
    )
