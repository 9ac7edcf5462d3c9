"""What the portal lets a customer do with a subscription: the one home of each such decision.

Each rule takes records (the subscription, the portal configuration's features, a price) and returns the
refusal a mutation answers with, or None. The mutations enforce them, and the read fields that show what
is allowed (`allowedPlanChanges`, `Subscription.actions`, capabilities) ask them, so the two cannot differ.
`features` is None when the merchant acts (an API key): the portal configuration does not limit it, but
the subscription's own state still does. Facts about a subscription that do not depend on the portal
(ended, scheduled to cancel) are properties of its record; who may see or act on it is `policy`'s.

The rules follow Stripe's portal: a plan changes only on an active or trialing subscription of one item,
not set to cancel, whose product the configuration offers, to another active recurring price it lists in
the subscription's currency (intervals may differ: the portal offers monthly and yearly side by side).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.mutations.outcome import UserError, UserErrorCode
from stripe_gateway.records import CancelMode, InvoiceStatus, PriceType, SubscriptionStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from stripe_gateway.records import (
        CancellationFeedback,
        Invoice,
        PortalFeatures,
        PortalProduct,
        Price,
        Subscription,
    )

# The update kinds of Stripe's configuration that let a customer move to another price, or change quantity.
PRICE_UPDATE = "price"
QUANTITY_UPDATE = "quantity"
_CHANGEABLE = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING})
_SUBSCRIPTION = "subscription_id"
# How a state that lets no plan change is named to the customer.
_STATUS_WORDS = {
    SubscriptionStatus.PAST_DUE: "past due",
    SubscriptionStatus.UNPAID: "unpaid",
    SubscriptionStatus.INCOMPLETE: "waiting for its first payment",
    SubscriptionStatus.PAUSED: "paused",
}


def offers_plan_changes(features: PortalFeatures) -> bool:
    return features.subscription_update_enabled and PRICE_UPDATE in features.subscription_update_allowed


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
    if offered_product(features, subscription.items[0].price.product_id) is None:
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
    if len(subscription.items) != 1:
        return UserError(
            UserErrorCode.INVALID_INPUT,
            f"Subscription '{subscription.id}' has {len(subscription.items)} items; plan changes apply to "
            "subscriptions of one item.",
            (_SUBSCRIPTION,),
        )
    return None


def price_refusal(
    subscription: Subscription, features: PortalFeatures | None, price: Price
) -> UserError | None:
    """Why a subscription that may change plan may not switch to `price`; None when it may."""
    not_allowed = UserError(
        UserErrorCode.PRICE_NOT_ALLOWED,
        "Your plan cannot be switched to that one.",
        ("price_id",),
    )
    if features is not None:
        target = offered_product(features, price.product_id)
        if target is None or price.id not in target.price_ids:
            return not_allowed
    recurring = price.type is PriceType.RECURRING
    if not (price.active and recurring and price.currency == subscription.currency):
        return not_allowed
    return None


def plan_choices(
    subscription: Subscription, features: PortalFeatures, catalog: Iterable[Price]
) -> tuple[Price, ...]:
    """The prices of `catalog` (in the configuration's order) the subscription may switch to now, its own
    price excluded; empty when it may not change plan."""
    if plan_change_refusal(subscription, features) is not None:
        return ()
    by_id = {price.id: price for price in catalog}
    current = subscription.items[0].price.id
    listed = (
        by_id.get(price_id)
        for product in features.subscription_update_products
        for price_id in product.price_ids
    )
    return tuple(
        price
        for price in listed
        if price is not None and price.id != current and price_refusal(subscription, features, price) is None
    )


def no_plan_choice(subscription: Subscription) -> UserError:
    """The refusal of a plan change when the subscription may change plan but no other price is offered."""
    return UserError(
        UserErrorCode.PRICE_NOT_ALLOWED,
        f"There is no other plan to switch to in {subscription.currency.upper()}.",
        (_SUBSCRIPTION,),
    )


def quantity_refusal(
    subscription: Subscription, features: PortalFeatures | None, price: Price, quantity: int
) -> UserError | None:
    """Why the subscription's single item may not be billed `quantity` units of `price`; None when it may."""
    not_allowed = UserError(
        UserErrorCode.QUANTITY_NOT_ALLOWED, f"A quantity of {quantity} is not allowed here.", ("quantity",)
    )
    if quantity < 1:
        return not_allowed
    if features is None or quantity == subscription.items[0].quantity:
        return None
    offered = offered_product(features, price.product_id)
    if QUANTITY_UPDATE not in features.subscription_update_allowed or offered is None:
        return not_allowed
    lowest, highest = offered.minimum_quantity or 1, offered.maximum_quantity
    if not offered.adjustable_quantity or quantity < lowest or (highest is not None and quantity > highest):
        return not_allowed
    return None


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


def add_card_refusal(features: PortalFeatures | None, *, card_collection: bool) -> UserError | None:
    """Why the customer may not add a card (nor pay with a new one): the portal configuration's payment
    method feature is off, or this service has no publishable key for Stripe.js to collect cards with."""
    if not card_collection:
        return UserError(
            UserErrorCode.FEATURE_DISABLED,
            "Cards cannot be added here: the service has no Stripe publishable key (STRIPE_PUBLISHABLE_KEY).",
        )
    if features is not None and not features.payment_method_update_enabled:
        return feature_disabled("add a card")
    return None


def pay_invoice_refusal(invoice: Invoice, features: PortalFeatures | None) -> UserError | None:
    """Why the invoice may not be paid now; None when it may. A customer pays only where the portal
    configuration lets them manage payment methods (paying is choosing the card to charge)."""
    if features is not None and not features.payment_method_update_enabled:
        return feature_disabled("pay invoices")
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


# How each of the configuration's `customer_update.allowed_updates` is named to the customer.
CUSTOMER_DETAILS = {
    "name": "name",
    "email": "email address",
    "phone": "phone number",
    "address": "billing address",
    "shipping": "shipping address",
    "tax_id": "tax IDs",
}


def customer_detail_refusal(features: PortalFeatures | None, detail: str) -> UserError | None:
    """Why the customer may not change one of their details (a key of `CUSTOMER_DETAILS`); None when
    they may."""
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
