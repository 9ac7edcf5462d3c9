"""What the portal lets a customer do with a subscription: the one home of each such decision.

Each rule takes records (the subscription, the portal configuration's features, a price) and returns the
refusal a mutation answers with, or None. The mutations enforce them, and the read fields that show what
is allowed (`allowedPlanChanges`, `Subscription.actions`, capabilities) ask them, so the two cannot differ.
`features` is None when the merchant acts (an API key): the portal configuration does not limit it, but
the subscription's own state still does. Facts about a subscription that do not depend on the portal
(ended, scheduled to cancel) are properties of its record; who may see or act on it is `policy`'s.

The rules follow Stripe's portal: a plan changes only on an active or trialing subscription not set to
cancel, whose product the configuration offers, to another active recurring price it lists in the
subscription's currency (intervals may differ: the portal offers monthly and yearly side by side). Where
Stripe's portal stops at one item, portalql goes on: a subscription's first item is its plan, the others are
add-ons (products marked so, see `Product.is_add_on`); one change may switch the plan, change quantities,
and add or remove the add-ons the configuration lists, each edit checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.mutations.outcome import UserError, UserErrorCode
from stripe_gateway.records import (
    CancelMode,
    CustomerDetail,
    Interval,
    InvoiceStatus,
    PriceType,
    ProrationBehavior,
    ScheduleCondition,
    SubscriptionStatus,
    SubscriptionUpdateKind,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

    from resolvers.ports import RetentionOffer
    from stripe_gateway.records import (
        CancellationFeedback,
        Invoice,
        PauseDuration,
        PortalFeatures,
        PortalProduct,
        Price,
        Subscription,
        SubscriptionItem,
    )

_CHANGEABLE = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING})
_SUBSCRIPTION = "subscription_id"
# How a state that lets no plan change is named to the customer.
_STATUS_WORDS = {
    SubscriptionStatus.PAST_DUE: "past due",
    SubscriptionStatus.UNPAID: "unpaid",
    SubscriptionStatus.INCOMPLETE: "waiting for its first payment",
    SubscriptionStatus.PAUSED: "paused",
}


# Stripe takes at most 20 items in one subscription update or preview.
MAX_ITEM_EDITS = 20


def offers_plan_changes(features: PortalFeatures) -> bool:
    """Whether the configuration lets customers change subscriptions at all: their price or quantity."""
    allowed = features.subscription_update_allowed
    return features.subscription_update_enabled and (
        SubscriptionUpdateKind.PRICE in allowed or SubscriptionUpdateKind.QUANTITY in allowed
    )


def _offers_prices(features: PortalFeatures) -> bool:
    return (
        features.subscription_update_enabled
        and SubscriptionUpdateKind.PRICE in features.subscription_update_allowed
    )


def offered_product(features: PortalFeatures, product_id: str) -> PortalProduct | None:
    return next((p for p in features.subscription_update_products if p.product_id == product_id), None)


def offered_cancellation_reasons(features: PortalFeatures) -> tuple[CancellationFeedback, ...]:
    """The reasons customers may give for cancelling; none when they are not asked."""
    return features.cancellation_reason_options if features.cancellation_reason_enabled else ()


def feature_disabled(what: str) -> UserError:
    """`what` is said to the customer: "change plans", "add a card"."""
    return UserError(UserErrorCode.FEATURE_DISABLED, f"You cannot {what} here.")


def ended_refusal(subscription: Subscription) -> UserError | None:
    """Nothing about an ended subscription changes any more."""
    if not subscription.has_ended:
        return None
    return UserError(
        UserErrorCode.SUBSCRIPTION_ENDED,
        "This plan has ended: nothing about it can change any more.",
        (_SUBSCRIPTION,),
    )


def plan_change_refusal(subscription: Subscription, features: PortalFeatures | None) -> UserError | None:
    """Why the subscription may not change plan (or quantity) at all; None when it may."""
    if refusal := _unchangeable(subscription):
        return refusal
    if features is None:
        return None
    if not offers_plan_changes(features):
        return feature_disabled("change plans")
    if all(offered_product(features, item.price.product_id) is None for item in subscription.items):
        return UserError(
            UserErrorCode.PRICE_NOT_ALLOWED,
            "No other plan is offered in place of this one.",
            (_SUBSCRIPTION,),
        )
    return None


def _unchangeable(subscription: Subscription) -> UserError | None:
    """Why the subscription's state lets no plan change, whoever asks."""
    if refusal := ended_refusal(subscription):
        return refusal
    if subscription.status not in _CHANGEABLE:
        return UserError(
            UserErrorCode.SUBSCRIPTION_NOT_ACTIVE,
            f"Your plan is {_STATUS_WORDS.get(subscription.status, subscription.status.value)}: plans change "
            "only while active or on trial.",
            (_SUBSCRIPTION,),
        )
    if subscription.is_scheduled_to_cancel:
        return UserError(
            UserErrorCode.SUBSCRIPTION_NOT_ACTIVE,
            "Your plan is set to cancel: renew it before changing plan.",
            (_SUBSCRIPTION,),
        )
    if subscription.has_scheduled_change:
        return UserError(
            UserErrorCode.CHANGE_SCHEDULED,
            "A change of this plan already takes effect at the end of the period.",
            (_SUBSCRIPTION,),
        )
    return None


def price_refusal(
    subscription: Subscription,
    features: PortalFeatures | None,
    price: Price,
    field: tuple[str, ...] = ("price_id",),
) -> UserError | None:
    """Why a subscription that may change plan may not switch to (or add) `price`; None when it may."""
    not_allowed = UserError(
        UserErrorCode.PRICE_NOT_ALLOWED,
        "Your plan cannot be switched to that one.",
        field,
    )
    if features is not None:
        target = offered_product(features, price.product_id) if _offers_prices(features) else None
        if target is None or price.id not in target.price_ids:
            return not_allowed
    recurring = price.type is PriceType.RECURRING
    if not (price.active and recurring and price.currency == subscription.currency):
        return not_allowed
    return None


def _listed(features: PortalFeatures, catalog: Iterable[Price]) -> Iterable[Price]:
    """The configuration's prices found in `catalog` (archived ones are not), in the configuration's order."""
    by_id = {price.id: price for price in catalog}
    for product in features.subscription_update_products:
        for price_id in product.price_ids:
            if (price := by_id.get(price_id)) is not None:
                yield price


def add_on_products(catalog: Iterable[Price]) -> frozenset[str]:
    """The ids of the products `catalog` (prices with their products) marks as add-ons."""
    return frozenset(p.product_id for p in catalog if p.product is not None and p.product.is_add_on)


def plan_choices(
    subscription: Subscription, features: PortalFeatures, catalog: Collection[Price]
) -> tuple[Price, ...]:
    """The prices of `catalog` (in the configuration's order) the subscription's plan (its first item) may
    switch to now, its own price and add-ons excluded; empty when it may not change plan."""
    if plan_change_refusal(subscription, features) is not None:
        return ()
    add_ons = add_on_products(catalog)
    plan = subscription.items[0]
    if plan.price.product_id in add_ons:
        return ()
    elsewhere = {item.price.product_id for item in subscription.items[1:]}
    return tuple(
        price
        for price in _listed(features, catalog)
        if price.id != plan.price.id
        and price.product_id not in add_ons
        and price.product_id not in elsewhere
        and price_refusal(subscription, features, price) is None
    )


def add_on_choices(
    subscription: Subscription, features: PortalFeatures | None, catalog: Collection[Price]
) -> tuple[Price, ...]:
    """The add-on prices of `catalog` (in the configuration's order) the subscription may add now: of a
    product it does not bill yet, in its currency; empty when it may not change."""
    if plan_change_refusal(subscription, features) is not None or features is None:
        return ()
    add_ons = add_on_products(catalog)
    billed = {item.price.product_id for item in subscription.items}
    return tuple(
        price
        for price in _listed(features, catalog)
        if price.product_id in add_ons
        and price.product_id not in billed
        and price_refusal(subscription, features, price) is None
    )


def no_plan_choice(subscription: Subscription) -> UserError:
    """The refusal of a plan change when the subscription may change plan but no other price is offered."""
    return UserError(
        UserErrorCode.PRICE_NOT_ALLOWED,
        f"There is no other plan to switch to in {subscription.currency.upper()}.",
        (_SUBSCRIPTION,),
    )


def quantity_range(features: PortalFeatures | None, product_id: str) -> tuple[int, int | None] | None:
    """The quantities the configuration lets customers pick for a product (lowest, highest or None for no
    limit); None when they may not change it. Without a configuration (an API key) any positive one."""
    if features is None:
        return (1, None)
    offered = offered_product(features, product_id)
    allowed = (
        features.subscription_update_enabled
        and SubscriptionUpdateKind.QUANTITY in features.subscription_update_allowed
    )
    if not allowed or offered is None or not offered.adjustable_quantity:
        return None
    return (offered.minimum_quantity or 1, offered.maximum_quantity)


def _units(count: int, unit_label: str | None) -> str:
    """`1 seat`, `50 seats`: a quantity in the merchant's unit (Stripe's `unit_label`, singular)."""
    label = unit_label or "unit"
    return f"{count} {label}" if count == 1 else f"{count} {label}s"


def quantity_refusal(
    features: PortalFeatures | None,
    price: Price,
    quantity: int,
    *,
    current: int | None,
    field: tuple[str, ...] = ("quantity",),
) -> UserError | None:
    """Why an item may not be billed `quantity` units of `price` when it has `current` (None: a new item);
    None when it may. The refusal names the range allowed, in the product's unit."""
    unit_label = price.product.unit_label if price.product is not None else None
    if quantity < 1:
        return UserError(
            UserErrorCode.QUANTITY_NOT_ALLOWED, f"Choose at least {_units(1, unit_label)}.", field
        )
    if quantity == current:
        return None
    limits = quantity_range(features, price.product_id)
    if limits is None:
        if current is None and quantity == 1:
            return None  # an add-on whose quantity is fixed comes as one
        return UserError(UserErrorCode.QUANTITY_NOT_ALLOWED, "This quantity cannot be changed here.", field)
    lowest, highest = limits
    if quantity < lowest or (highest is not None and quantity > highest):
        allowed = (
            f"between {lowest} and {_units(highest, unit_label)}"
            if highest is not None
            else f"at least {_units(lowest, unit_label)}"
        )
        return UserError(UserErrorCode.QUANTITY_NOT_ALLOWED, f"You can have {allowed}.", field)
    return None


@dataclass(frozen=True, slots=True)
class ItemEdit:
    """One edit of a subscription change, its price read: `item` None adds `price`; `remove` drops `item`;
    otherwise `item` moves to `price` (its own when unchanged) and `quantity`."""

    item: SubscriptionItem | None
    price: Price
    quantity: int
    remove: bool = False


def _at(index: int, name: str) -> tuple[str, ...]:
    return ("items", str(index), name)


def item_edits_refusal(
    subscription: Subscription,
    features: PortalFeatures | None,
    edits: Sequence[ItemEdit],
    add_ons: Collection[str],
) -> UserError | None:
    """Why the edits may not be made together (one subscription change); None when they may. The
    subscription itself has passed `plan_change_refusal`. `add_ons` are the add-on products' ids."""
    if not edits or len(edits) > MAX_ITEM_EDITS:
        return UserError(
            UserErrorCode.INVALID_INPUT, f"Give between 1 and {MAX_ITEM_EDITS} item changes.", ("items",)
        )
    touched = [edit.item.id for edit in edits if edit.item is not None]
    if len(set(touched)) != len(touched):
        return UserError(UserErrorCode.INVALID_INPUT, "Each item may be changed only once.", ("items",))
    for index, edit in enumerate(edits):
        if refusal := _edit_refusal(subscription, features, edit, index, add_ons):
            return refusal
    removed = {edit.item.id for edit in edits if edit.remove and edit.item is not None}
    moved = {edit.item.id: edit.price for edit in edits if edit.item is not None and not edit.remove}
    after = [moved.get(item.id, item.price) for item in subscription.items if item.id not in removed]
    after += [edit.price for edit in edits if edit.item is None]
    if not after:
        return UserError(
            UserErrorCode.INVALID_INPUT,
            "A plan needs at least one item; cancel it instead of removing everything.",
            ("items",),
        )
    products = [price.product_id for price in after]
    if len(set(products)) != len(products):
        return UserError(
            UserErrorCode.PRICE_NOT_ALLOWED, "Your plan already includes this product.", ("items",)
        )
    return None


def _edit_refusal(
    subscription: Subscription,
    features: PortalFeatures | None,
    edit: ItemEdit,
    index: int,
    add_ons: Collection[str],
) -> UserError | None:
    item, price = edit.item, edit.price
    if edit.remove:
        if item is None:
            return UserError(UserErrorCode.INVALID_INPUT, "Say which item to remove.", _at(index, "itemId"))
        return remove_refusal(subscription, features, item, add_ons, _at(index, "remove"))
    changes_price = item is None or price.id != item.price.id
    if changes_price:
        if refusal := price_refusal(subscription, features, price, _at(index, "priceId")):
            return refusal
        # Customers move a plan to a plan and an add-on to an add-on; an add-on is added only as one.
        was_add_on = True if item is None else item.price.product_id in add_ons
        if features is not None and was_add_on != (price.product_id in add_ons):
            return UserError(
                UserErrorCode.PRICE_NOT_ALLOWED,
                "This price cannot take that item's place." if item else "Only add-ons can be added.",
                _at(index, "priceId"),
            )
    return quantity_refusal(
        features,
        price,
        edit.quantity,
        current=None if item is None else item.quantity,
        field=_at(index, "quantity"),
    )


def remove_refusal(
    subscription: Subscription,
    features: PortalFeatures | None,
    item: SubscriptionItem,
    add_ons: Collection[str],
    field: tuple[str, ...] = ("items",),
) -> UserError | None:
    """Why the item may not be removed from the subscription; None when it may. Customers remove only the
    add-ons the configuration lists, never the plan itself (they cancel it)."""
    if len(subscription.items) < 2:
        return UserError(
            UserErrorCode.INVALID_INPUT, "This is your plan itself; cancel it instead of removing it.", field
        )
    if features is None:
        return None
    product = item.price.product_id
    if product not in add_ons or offered_product(features, product) is None or not _offers_prices(features):
        return UserError(
            UserErrorCode.PRICE_NOT_ALLOWED, "This part of your plan cannot be removed here.", field
        )
    return None


def scheduled_for_period_end(features: PortalFeatures, edits: Sequence[ItemEdit]) -> bool:
    """Whether the configuration leaves the change for the end of the period (Stripe's
    `schedule_at_period_end`): some edit lowers what an item bills (`decreasing_item_amount`: a cheaper
    price, fewer seats, an add-on removed) or shortens its interval (`shortening_interval`). One change takes
    effect at one moment, so one such edit defers all of them. It holds for every caller, as the proration
    behavior does."""
    conditions = features.subscription_update_scheduled_when
    for edit in edits:
        before = 0 if edit.item is None else _amount(edit.item.price, edit.item.quantity)
        after = 0 if edit.remove else _amount(edit.price, edit.quantity)
        if ScheduleCondition.DECREASING_ITEM_AMOUNT in conditions and after < before:
            return True
        shorter = (
            edit.item is not None
            and not edit.remove
            and _interval_days(edit.price) < _interval_days(edit.item.price)
        )
        if ScheduleCondition.SHORTENING_INTERVAL in conditions and shorter:
            return True
    return False


def _amount(price: Price, quantity: int) -> int:
    return (price.unit_amount or 0) * quantity


# An interval's rough length, to tell a shorter one (a year is longer than eleven months).
_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}


def _interval_days(price: Price) -> int:
    recurring = price.recurring
    return 0 if recurring is None else _DAYS[recurring.interval.value] * recurring.interval_count


@dataclass(frozen=True, slots=True)
class CycleMoves:
    """What a change does to the billing cycle, as the configuration says."""

    reset_billing_cycle: bool
    end_trial: bool


def cycle_moves(subscription: Subscription, features: PortalFeatures | None) -> CycleMoves:
    """`trial_update_behavior` (a trial ends with the change, or goes on) and `billing_cycle_anchor` (the
    cycle restarts now, or stays). A trial's cycle moves only with the trial."""
    if features is None:
        return CycleMoves(reset_billing_cycle=False, end_trial=False)
    trialing = subscription.status is SubscriptionStatus.TRIALING
    end_trial = trialing and features.subscription_update_ends_trial
    return CycleMoves(
        reset_billing_cycle=not trialing and features.subscription_update_resets_billing_cycle,
        end_trial=end_trial,
    )


def cancel_refusal(
    subscription: Subscription,
    features: PortalFeatures | None,
    mode: CancelMode,
    reason: CancellationFeedback | None,
) -> UserError | None:
    """Why the subscription may not be cancelled in `mode` for `reason`; None when it may (also when it
    is already set to cancel: asking again does nothing, or brings the end forward)."""
    if refusal := ended_refusal(subscription):
        return refusal
    if features is None:
        return None
    if not features.subscription_cancel_enabled:
        return feature_disabled("cancel your plan")
    if mode is not (configured := features.subscription_cancel_mode):
        return UserError(
            UserErrorCode.CANCEL_MODE_NOT_ALLOWED,
            "Plans are canceled at the end of their billing period here."
            if configured is CancelMode.AT_PERIOD_END
            else "Plans are canceled immediately here.",
            ("mode",),
        )
    if reason is not None and reason not in offered_cancellation_reasons(features):
        return UserError(
            UserErrorCode.CANCELLATION_REASON_NOT_ALLOWED,
            "Choose one of the reasons offered.",
            ("reason",),
        )
    return None


def cancellation_prorates(features: PortalFeatures) -> bool:
    """Whether cancelling now credits the unused time (the configuration's `proration_behavior` for
    cancellations; at the period's end there is none to credit)."""
    return (
        features.subscription_cancel_mode is CancelMode.IMMEDIATELY
        and features.subscription_cancel_proration_behavior is ProrationBehavior.CREATE_PRORATIONS
    )


def cancel_offer_refusal(subscription: Subscription, features: PortalFeatures) -> UserError | None:
    """Why the portal does not offer to cancel the subscription: `cancel_refusal` in the configuration's
    mode, and a subscription already set to cancel has nothing left to ask for."""
    if refusal := cancel_refusal(subscription, features, features.subscription_cancel_mode, None):
        return refusal
    if subscription.is_scheduled_to_cancel:
        return UserError(
            UserErrorCode.SUBSCRIPTION_NOT_ACTIVE,
            "Your plan is already set to cancel.",
            (_SUBSCRIPTION,),
        )
    return None


def payment_methods_refusal(
    features: PortalFeatures | None, what: str = "change your cards"
) -> UserError | None:
    """Why the customer may not manage their cards (choose, remove, add one, pay with one): the portal
    configuration's payment method feature is off. `what` is what they tried, said to them."""
    if features is not None and not features.payment_method_update_enabled:
        return feature_disabled(what)
    return None


def add_card_refusal(features: PortalFeatures | None, *, card_collection: bool) -> UserError | None:
    """Why the customer may not add a card (nor pay with a new one): the portal configuration's payment
    method feature is off, or this service has no publishable key for Stripe.js to collect cards with."""
    if not card_collection:
        return UserError(
            UserErrorCode.FEATURE_DISABLED,
            "Cards cannot be added here: the service has no Stripe publishable key (STRIPE_PUBLISHABLE_KEY).",
        )
    return payment_methods_refusal(features, "add a card")


def pay_invoice_refusal(invoice: Invoice, features: PortalFeatures | None) -> UserError | None:
    """Why the invoice may not be paid now; None when it may. A customer pays only where the portal
    configuration lets them manage payment methods (paying is choosing the card to charge)."""
    if refusal := payment_methods_refusal(features, "pay invoices"):
        return refusal
    if invoice.status is not InvoiceStatus.OPEN:
        status = invoice.status.value if invoice.status is not None else "not issued yet"
        return UserError(
            UserErrorCode.INVOICE_NOT_OPEN,
            f"This invoice is {status}: there is nothing to pay on it.",
            ("invoice_id",),
        )
    return None


def nothing_to_pay() -> UserError:
    """The refusal of paying a subscription that owes nothing now."""
    return UserError(
        UserErrorCode.INVOICE_NOT_OPEN,
        "Nothing is due for this plan.",
        (_SUBSCRIPTION,),
    )


def last_payment_method_refusal(
    payment_methods: int, subscriptions: Iterable[Subscription]
) -> UserError | None:
    """Why the customer's only payment method may not go: a subscription still runs and would bill nothing."""
    if payment_methods <= 1 and any(not subscription.has_ended for subscription in subscriptions):
        return UserError(
            UserErrorCode.LAST_PAYMENT_METHOD,
            "This is your only card and your plan is still running: add another card before removing "
            "this one.",
            ("payment_method_id",),
        )
    return None


def reactivate_refusal(subscription: Subscription) -> UserError | None:
    """Why a scheduled cancellation of the subscription may not be taken back; None when it may (also when
    none is scheduled: there is nothing to do). The portal configuration does not limit it."""
    return ended_refusal(subscription)


def reactivate_offer_refusal(subscription: Subscription) -> UserError | None:
    """Why the portal does not offer to reactivate the subscription: only a scheduled cancellation is
    taken back."""
    if refusal := reactivate_refusal(subscription):
        return refusal
    if not subscription.is_scheduled_to_cancel:
        return UserError(
            UserErrorCode.INVALID_INPUT,
            "Your plan is not set to cancel: there is nothing to renew.",
            (_SUBSCRIPTION,),
        )
    return None


# Stripe's portal pauses for at most three years; the API holds an API key to the same bound. Calendar units
# are counted in months, fixed ones in days.
_MAX_PAUSE = {
    Interval.DAY: 3 * 365 + 1,
    Interval.WEEK: (3 * 365 + 1) // 7,
    Interval.MONTH: 36,
    Interval.YEAR: 3,
}


def pause_length_refusal(duration: PauseDuration) -> UserError | None:
    """Why a pause of this length is never allowed: under one interval, or over three years."""
    if not 1 <= duration.interval_count <= _MAX_PAUSE[duration.interval]:
        return UserError(
            UserErrorCode.PAUSE_DURATION_NOT_ALLOWED,
            "A pause lasts at least one interval and at most three years.",
            ("duration",),
        )
    return None


def offered_pause_durations(features: PortalFeatures) -> tuple[PauseDuration, ...]:
    """The preset pause lengths customers may choose; empty when pausing is off or indefinite."""
    return features.subscription_pause_durations if features.subscription_pause_enabled else ()


def _unpausable(subscription: Subscription) -> UserError | None:
    """Why the subscription's state lets no pause, whoever asks: ended, not active, already paused, or
    ending (a pause would outlast it)."""
    if refusal := ended_refusal(subscription):
        return refusal
    if subscription.is_paused:
        return UserError(UserErrorCode.ALREADY_PAUSED, "This plan is already paused.", (_SUBSCRIPTION,))
    if subscription.is_scheduled_to_cancel:
        return UserError(
            UserErrorCode.SUBSCRIPTION_NOT_ACTIVE,
            "Your plan is set to cancel: renew it before pausing it.",
            (_SUBSCRIPTION,),
        )
    if subscription.status not in _CHANGEABLE:
        return UserError(
            UserErrorCode.SUBSCRIPTION_NOT_ACTIVE,
            f"Your plan is {_STATUS_WORDS.get(subscription.status, subscription.status.value)}: plans pause "
            "only while active or on trial.",
            (_SUBSCRIPTION,),
        )
    return None


def pause_refusal(
    subscription: Subscription, features: PortalFeatures | None, duration: PauseDuration | None
) -> UserError | None:
    """Why the subscription may not pause for `duration` (None: until resumed); None when it may."""
    if refusal := _unpausable(subscription):
        return refusal
    if duration is not None and (refusal := pause_length_refusal(duration)):
        return refusal
    if features is None:
        return None
    if not features.subscription_pause_enabled:
        return feature_disabled("pause subscriptions")
    offered = (
        features.subscription_pause_indefinite
        if duration is None
        else duration in features.subscription_pause_durations
    )
    if not offered:
        return UserError(
            UserErrorCode.PAUSE_DURATION_NOT_ALLOWED,
            "This pause length is not offered.",
            ("duration",),
        )
    return None


def pause_offer_refusal(subscription: Subscription, features: PortalFeatures) -> UserError | None:
    """Why the portal does not offer to pause the subscription at all."""
    if refusal := _unpausable(subscription):
        return refusal
    if not features.subscription_pause_enabled:
        return feature_disabled("pause subscriptions")
    return None


def resume_refusal(subscription: Subscription) -> UserError | None:
    """Why the subscription's payments may not resume (None also when they are not paused: there is
    nothing to do). The portal configuration does not limit it: a customer who paused may always come
    back."""
    return ended_refusal(subscription)


def resume_offer_refusal(subscription: Subscription) -> UserError | None:
    """Why the portal does not offer to resume the subscription: only paused payments resume."""
    if refusal := resume_refusal(subscription):
        return refusal
    if not subscription.is_paused:
        return UserError(UserErrorCode.NOT_PAUSED, "This plan is not paused.", (_SUBSCRIPTION,))
    return None


def offer_applies(offer: RetentionOffer, subscription: Subscription) -> bool:
    """Whether the offer can be given to this subscription as it is: a coupon in its currency, a pause it
    may take, a switch to a cheaper price in its currency that its plan may make."""
    if offer.coupon is not None:
        terms = offer.coupon
        return terms.amount_off is None or terms.currency == subscription.currency
    if offer.pause is not None:
        return _unpausable(subscription) is None
    if offer.price_switch is not None:
        switch = offer.price_switch
        if _unchangeable(subscription) is not None or switch.currency != subscription.currency:
            return False
        current = subscription.items[0].price
        return switch.price_id != current.id and switch.unit_amount < (current.unit_amount or 0)
    return False


def fitting_offer(
    offers: Iterable[RetentionOffer],
    subscription: Subscription,
    *,
    reason: CancellationFeedback | None,
    configuration_id: str,
    had: frozenset[str],
) -> RetentionOffer | None:
    """The first offer (oldest first) for this reason, the subscription's products and the portal
    configuration, that the customer has not had and that applies to the subscription; None if none."""
    products = {item.price.product_id for item in subscription.items}
    for offer in offers:
        scope = offer.scope
        if offer.archived_at is not None or offer.id in had:
            continue
        if scope.reasons and reason not in scope.reasons:
            continue
        if scope.product_ids and not products & set(scope.product_ids):
            continue
        if scope.configuration_ids and configuration_id not in scope.configuration_ids:
            continue
        if offer_applies(offer, subscription):
            return offer
    return None


# How each of the configuration's `customer_update.allowed_updates` is named to the customer.
CUSTOMER_DETAILS = {
    CustomerDetail.NAME: "name",
    CustomerDetail.EMAIL: "email address",
    CustomerDetail.PHONE: "phone number",
    CustomerDetail.ADDRESS: "billing address",
    CustomerDetail.SHIPPING: "shipping address",
    CustomerDetail.TAX_ID: "tax IDs",
}


def customer_detail_refusal(features: PortalFeatures | None, detail: CustomerDetail) -> UserError | None:
    """Why the customer may not change one of their details; None when they may."""
    if features is None:
        return None
    if not features.customer_update_enabled:
        return feature_disabled("change your billing details")
    if detail not in features.customer_update_allowed:
        return UserError(
            UserErrorCode.FIELD_NOT_ALLOWED,
            f"Your {CUSTOMER_DETAILS[detail]} cannot be changed here.",
            (detail,),
        )
    return None
