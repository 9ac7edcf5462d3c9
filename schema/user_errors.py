"""`UserError`: why a mutation did nothing, as data in its payload (outages and bugs are GraphQL errors)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import strawberry
from strawberry.utils.str_converters import to_camel_case

if TYPE_CHECKING:
    from collections.abc import Iterable

    from resolvers.mutations import outcome


@strawberry.enum(description="Why a mutation did nothing. Stable: switch on these, not on messages.")
class UserErrorCode(Enum):
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="No such object, or one the caller may not act on (they look the same)."
    )
    INVALID_INPUT = strawberry.enum_value(
        "INVALID_INPUT", description="An input value is missing, malformed or contradicts another."
    )
    INVALID_EMAIL = strawberry.enum_value("INVALID_EMAIL", description="Not an email address.")
    FEATURE_DISABLED = strawberry.enum_value(
        "FEATURE_DISABLED", description="The portal configuration does not let customers do this."
    )
    FIELD_NOT_ALLOWED = strawberry.enum_value(
        "FIELD_NOT_ALLOWED", description="The portal configuration does not let customers change this field."
    )
    PRICE_NOT_ALLOWED = strawberry.enum_value(
        "PRICE_NOT_ALLOWED", description="The subscription may not switch to this price."
    )
    QUANTITY_NOT_ALLOWED = strawberry.enum_value(
        "QUANTITY_NOT_ALLOWED", description="The quantity may not be set to this value."
    )
    SUBSCRIPTION_NOT_ACTIVE = strawberry.enum_value(
        "SUBSCRIPTION_NOT_ACTIVE",
        description="The subscription is not in a state that allows this (past due, or set to cancel).",
    )
    SUBSCRIPTION_ENDED = strawberry.enum_value(
        "SUBSCRIPTION_ENDED", description="The subscription has ended."
    )
    PRORATION_DATE_OUT_OF_PERIOD = strawberry.enum_value(
        "PRORATION_DATE_OUT_OF_PERIOD",
        description="The proration date is outside the current period: preview the change again.",
    )
    PAYMENT_FAILED = strawberry.enum_value(
        "PAYMENT_FAILED", description="The payment was declined; nothing was changed."
    )
    CANCEL_MODE_NOT_ALLOWED = strawberry.enum_value(
        "CANCEL_MODE_NOT_ALLOWED", description="The portal configuration cancels in the other mode."
    )
    CANCELLATION_REASON_NOT_ALLOWED = strawberry.enum_value(
        "CANCELLATION_REASON_NOT_ALLOWED", description="The portal configuration does not offer this reason."
    )
    LAST_PAYMENT_METHOD = strawberry.enum_value(
        "LAST_PAYMENT_METHOD",
        description="The customer's only payment method cannot go while a subscription runs.",
    )
    AMOUNT_TOO_LARGE = strawberry.enum_value(
        "AMOUNT_TOO_LARGE", description="More than is left to refund of the payment."
    )
    ALREADY_REFUNDED = strawberry.enum_value(
        "ALREADY_REFUNDED", description="The payment is refunded in full."
    )
    NOT_REFUNDABLE = strawberry.enum_value(
        "NOT_REFUNDABLE", description="The payment cannot be refunded (unpaid, failed or disputed)."
    )
    INVALID_AMOUNT = strawberry.enum_value(
        "INVALID_AMOUNT", description="The amount is not a refundable amount."
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED", description="The idempotency key was used for a different request."
    )


@strawberry.type(description="An expected reason a mutation did nothing; nothing was changed.")
class UserError:
    code: UserErrorCode = strawberry.field(description="What went wrong, as a stable code.")
    message: str = strawberry.field(description="What went wrong, for people.")
    field: list[str] | None = strawberry.field(
        description='The path of the input field at fault, such as `["input", "priceId"]`; null when the '
        "error concerns no single field."
    )


def user_errors(errors: Iterable[outcome.UserError]) -> list[UserError]:
    return [
        UserError(
            code=UserErrorCode[error.code.name],
            message=error.message,
            field=None if error.field is None else ["input", *(to_camel_case(part) for part in error.field)],
        )
        for error in errors
    ]
