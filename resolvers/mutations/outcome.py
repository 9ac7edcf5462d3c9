"""The result of a mutation: a value, or the user errors that explain why nothing was done."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, TypeVar

from translations import N_

if TYPE_CHECKING:
    from collections.abc import Awaitable

T = TypeVar("T")


class UserErrorCode(StrEnum):
    """Stable codes clients switch on; the messages are for people and may change."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_TAX_ID = "INVALID_TAX_ID"
    FEATURE_DISABLED = "FEATURE_DISABLED"
    FIELD_NOT_ALLOWED = "FIELD_NOT_ALLOWED"
    PRICE_NOT_ALLOWED = "PRICE_NOT_ALLOWED"
    QUANTITY_NOT_ALLOWED = "QUANTITY_NOT_ALLOWED"
    SUBSCRIPTION_NOT_ACTIVE = "SUBSCRIPTION_NOT_ACTIVE"
    SUBSCRIPTION_ENDED = "SUBSCRIPTION_ENDED"
    PRORATION_DATE_OUT_OF_PERIOD = "PRORATION_DATE_OUT_OF_PERIOD"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    CANCEL_MODE_NOT_ALLOWED = "CANCEL_MODE_NOT_ALLOWED"
    CANCELLATION_REASON_NOT_ALLOWED = "CANCELLATION_REASON_NOT_ALLOWED"
    LAST_PAYMENT_METHOD = "LAST_PAYMENT_METHOD"
    AMOUNT_TOO_LARGE = "AMOUNT_TOO_LARGE"
    ALREADY_REFUNDED = "ALREADY_REFUNDED"
    NOT_REFUNDABLE = "NOT_REFUNDABLE"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    CARD_DECLINED = "CARD_DECLINED"
    INVOICE_NOT_OPEN = "INVOICE_NOT_OPEN"
    SETUP_NOT_COMPLETE = "SETUP_NOT_COMPLETE"
    EXTERNAL_ID_TAKEN = "EXTERNAL_ID_TAKEN"
    INVOICE_NOT_DRAFT = "INVOICE_NOT_DRAFT"
    PAUSE_DURATION_NOT_ALLOWED = "PAUSE_DURATION_NOT_ALLOWED"
    ALREADY_PAUSED = "ALREADY_PAUSED"
    NOT_PAUSED = "NOT_PAUSED"
    OFFER_NOT_AVAILABLE = "OFFER_NOT_AVAILABLE"
    CHANGE_SCHEDULED = "CHANGE_SCHEDULED"


# What each code means to a customer, in words the message catalogs translate (every code has one). The
# detailed English messages (for developers, and for customers reading English) name values but speak of
# the customer's plan in words, not by its Stripe id; a customer reading another language gets these.
CUSTOMER_MESSAGES: dict[UserErrorCode, str] = {
    UserErrorCode.NOT_FOUND: N_("We could not find that. Reload the page and try again."),
    UserErrorCode.INVALID_INPUT: N_("Something in the form is not right. Check it and try again."),
    UserErrorCode.INVALID_EMAIL: N_("Enter an email address such as name@example.com."),
    UserErrorCode.FEATURE_DISABLED: N_("This cannot be changed here."),
    UserErrorCode.FIELD_NOT_ALLOWED: N_("This field cannot be changed here."),
    UserErrorCode.PRICE_NOT_ALLOWED: N_("Your plan cannot be changed to this one."),
    UserErrorCode.QUANTITY_NOT_ALLOWED: N_("This quantity is not available."),
    UserErrorCode.SUBSCRIPTION_NOT_ACTIVE: N_("Your plan cannot be changed while it is in this state."),
    UserErrorCode.SUBSCRIPTION_ENDED: N_("This plan has ended."),
    UserErrorCode.PRORATION_DATE_OUT_OF_PERIOD: N_(
        "The price shown is out of date. Review the change again."
    ),
    UserErrorCode.PAYMENT_FAILED: N_("The payment failed, so nothing was changed."),
    UserErrorCode.CANCEL_MODE_NOT_ALLOWED: N_("Your plan cannot be canceled this way."),
    UserErrorCode.CANCELLATION_REASON_NOT_ALLOWED: N_("Choose one of the reasons offered."),
    UserErrorCode.LAST_PAYMENT_METHOD: N_("Your only payment method cannot be removed while your plan runs."),
    UserErrorCode.AMOUNT_TOO_LARGE: N_("The amount is larger than what can be refunded."),
    UserErrorCode.ALREADY_REFUNDED: N_("This payment has been refunded already."),
    UserErrorCode.NOT_REFUNDABLE: N_("This payment cannot be refunded."),
    UserErrorCode.INVALID_AMOUNT: N_("Enter a valid amount."),
    UserErrorCode.IDEMPOTENCY_KEY_REUSED: N_("This request was already made with other details. Try again."),
    UserErrorCode.CARD_DECLINED: N_("Your card was declined. Try another card."),
    UserErrorCode.INVOICE_NOT_OPEN: N_("This invoice cannot be paid now."),
    UserErrorCode.SETUP_NOT_COMPLETE: N_("Your card has not been confirmed yet. Try again."),
    UserErrorCode.INVALID_TAX_ID: N_("This tax ID was not accepted. Check it and try again."),
    UserErrorCode.EXTERNAL_ID_TAKEN: N_("This account is already linked to another customer."),
    UserErrorCode.INVOICE_NOT_DRAFT: N_("This invoice can no longer be changed."),
    UserErrorCode.PAUSE_DURATION_NOT_ALLOWED: N_("This pause length is not offered."),
    UserErrorCode.ALREADY_PAUSED: N_("This plan is already paused."),
    UserErrorCode.NOT_PAUSED: N_("This plan is not paused."),
    UserErrorCode.OFFER_NOT_AVAILABLE: N_("This offer is no longer available."),
    UserErrorCode.CHANGE_SCHEDULED: N_(
        "A change to this plan already takes effect at the end of the period."
    ),
}


@dataclass(frozen=True, slots=True)
class UserError:
    """`field` is the path of the offending input field in snake_case (`("flow", "subscription_id")`); `()`
    blames the input as a whole."""

    code: UserErrorCode
    message: str
    field: tuple[str, ...] | None = None


class Rejected(Exception):  # noqa: N818 - a rejection is an answer, not an error
    """Raised inside a mutation to stop it with user errors; `attempt` turns it into an `Outcome`."""

    def __init__(self, *errors: UserError) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def reject(code: UserErrorCode, message: str, *field: str) -> Rejected:
    """A rejection with one error, on the input `field` when given."""
    return Rejected(UserError(code, message, field or None))


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """Either `value` (the mutation happened, or had already happened) or `errors` (nothing was done)."""

    value: T | None
    errors: tuple[UserError, ...] = ()


async def attempt(work: Awaitable[T]) -> Outcome[T]:
    try:
        return Outcome(await work)
    except Rejected as rejected:
        return Outcome(None, rejected.errors)
