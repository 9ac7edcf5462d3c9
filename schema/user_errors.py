"""`UserError`: why a mutation did nothing, as data in its payload (outages and bugs are GraphQL errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from strawberry.utils.str_converters import to_camel_case

from resolvers.mutations.outcome import CUSTOMER_MESSAGES, UserErrorCode
from schema.context import Info  # noqa: TC001 - strawberry reads the resolver's annotations at runtime
from schema.enum_types import graphql_enum
from schema.fields import field as described_field
from translations import SOURCE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from resolvers.mutations import outcome

__all__ = ["UserError", "UserErrorCode", "message_for", "user_errors"]


graphql_enum(
    UserErrorCode,
    description="Why a mutation did nothing. Stable: switch on these, not on messages.",
    values={
        UserErrorCode.NOT_FOUND: "No such object, or one the caller may not act on (they look the same).",
        UserErrorCode.INVALID_INPUT: "An input value is missing, malformed or contradicts another.",
        UserErrorCode.INVALID_EMAIL: "Not an email address.",
        UserErrorCode.INVALID_TAX_ID: "Not a valid tax ID of its type; the message says why.",
        UserErrorCode.FEATURE_DISABLED: "The portal configuration does not let customers do this.",
        UserErrorCode.FIELD_NOT_ALLOWED: "The portal configuration does not let customers change this field.",
        UserErrorCode.PRICE_NOT_ALLOWED: "The subscription may not switch to this price.",
        UserErrorCode.QUANTITY_NOT_ALLOWED: "The quantity may not be set to this value.",
        UserErrorCode.SUBSCRIPTION_NOT_ACTIVE: (
            "The subscription is not in a state that allows this (past due, or set to cancel)."
        ),
        UserErrorCode.SUBSCRIPTION_ENDED: "The subscription has ended.",
        UserErrorCode.PRORATION_DATE_OUT_OF_PERIOD: (
            "The proration date is outside the current period: preview the change again."
        ),
        UserErrorCode.PAYMENT_FAILED: "The payment was declined; nothing was changed.",
        UserErrorCode.CANCEL_MODE_NOT_ALLOWED: "The portal configuration cancels in the other mode.",
        UserErrorCode.CANCELLATION_REASON_NOT_ALLOWED: "The portal configuration does not offer this reason.",
        UserErrorCode.LAST_PAYMENT_METHOD: (
            "The customer's only payment method cannot go while a subscription runs."
        ),
        UserErrorCode.AMOUNT_TOO_LARGE: "More than is left to refund of the payment.",
        UserErrorCode.ALREADY_REFUNDED: "The payment is refunded in full.",
        UserErrorCode.NOT_REFUNDABLE: "The payment cannot be refunded (unpaid, failed or disputed).",
        UserErrorCode.INVALID_AMOUNT: "The amount is not a refundable amount.",
        UserErrorCode.IDEMPOTENCY_KEY_REUSED: "The idempotency key was used for a different request.",
        UserErrorCode.CARD_DECLINED: (
            "The card was declined (or its 3-D Secure failed); the message is the one to show the customer."
        ),
        UserErrorCode.INVOICE_NOT_OPEN: "The invoice is not open: already paid, void, or not finalized yet.",
        UserErrorCode.SETUP_NOT_COMPLETE: (
            "The SetupIntent has not succeeded: the browser has not confirmed it, or the card was refused."
        ),
        UserErrorCode.EXTERNAL_ID_TAKEN: "The external id is already mapped to another customer.",
        UserErrorCode.INVOICE_NOT_DRAFT: "The invoice is not a draft any more: paid, void or uncollectible.",
        UserErrorCode.PAUSE_DURATION_NOT_ALLOWED: (
            "The portal configuration does not offer this pause length, or it is over three years."
        ),
        UserErrorCode.ALREADY_PAUSED: "The subscription's payments are already paused.",
        UserErrorCode.NOT_PAUSED: "The subscription's payments are not paused.",
        UserErrorCode.OFFER_NOT_AVAILABLE: (
            "The retention offer was not shown for this subscription, was declined, or no longer applies."
        ),
        UserErrorCode.CHANGE_SCHEDULED: (
            "A change of the subscription already waits for the end of its period; it takes effect then."
        ),
    },
)


@strawberry.type(description="An expected reason a mutation did nothing; nothing was changed.")
class UserError:
    code: UserErrorCode = strawberry.field(description="What went wrong, as a stable code.")
    field: list[str] | None = strawberry.field(
        description='The path of the input field at fault, such as `["input", "priceId"]`; null when the '
        "error concerns no single field."
    )
    english: strawberry.Private[str]

    @described_field(
        "What went wrong, for people: in detail and in English for an API key or an English session, and in "
        "the customer session's language (its `locale`, else the browser's) otherwise."
    )
    def message(self, info: Info) -> str:
        return message_for(info, self.code, self.english)


def message_for(info: Info, code: UserErrorCode, english: str) -> str:
    """A refusal for its reader: `english` for an API key or an English session, what `code` means to a
    customer, translated, for a customer session in another language."""
    translator = info.context.request_context.translator
    if translator is None or translator.language == SOURCE:
        return english
    return translator.gettext(CUSTOMER_MESSAGES[code])


def user_errors(errors: Iterable[outcome.UserError]) -> list[UserError]:
    return [
        UserError(
            code=error.code,
            english=error.message,
            field=None if error.field is None else ["input", *(to_camel_case(part) for part in error.field)],
        )
        for error in errors
    ]
