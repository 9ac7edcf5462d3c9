"""`refundPayment` (API keys only)."""

from typing import Annotated

import strawberry

from resolvers.mutations import refunds
from schema.context import Info
from schema.enum_types import graphql_enum
from schema.payments import Refund
from schema.user_errors import UserError, user_errors
from stripe_gateway import records

graphql_enum(
    records.RefundReason,
    name="RefundRequestReason",
    description="Why a payment is refunded.",
    values={
        records.RefundReason.DUPLICATE: "The payment was a duplicate.",
        records.RefundReason.FRAUDULENT: "The payment was fraudulent.",
        records.RefundReason.REQUESTED_BY_CUSTOMER: "The customer asked for it.",
    },
)


@strawberry.input(
    description="A payment to refund: give exactly one of the invoice, the payment intent or the charge."
)
class RefundPaymentInput:
    invoice_id: strawberry.ID | None = strawberry.field(
        default=None, description="The paid invoice (`in_…`) whose payment to refund."
    )
    payment_intent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The payment intent (`pi_…`) to refund."
    )
    charge_id: strawberry.ID | None = strawberry.field(
        default=None, description="The charge (`ch_…`) to refund."
    )
    amount: int | None = strawberry.field(
        default=None,
        description="How much to refund, in the currency's minor unit; null refunds everything left.",
    )
    reason: records.RefundReason | None = strawberry.field(default=None, description="Why it is refunded.")
    idempotency_key: str = strawberry.field(
        description="Your key for this refund (1 to 200 characters). A retry with it returns the same "
        "refund and moves no money, however late; reusing it for another refund is refused."
    )


@strawberry.type(description="The result of `refundPayment`.")
class RefundPaymentPayload:
    refund: Refund | None = strawberry.field(description="The refund; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def refund_payment(
    info: Info, input: Annotated[RefundPaymentInput, strawberry.argument(description="The refund.")]
) -> RefundPaymentPayload:
    outcome = await refunds.refund_payment(
        info.context.request_context,
        refunds.RefundAsk(
            invoice_id=input.invoice_id,
            payment_intent_id=input.payment_intent_id,
            charge_id=input.charge_id,
            amount=input.amount,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
        ),
    )
    return RefundPaymentPayload(
        refund=None if outcome.value is None else Refund.of(outcome.value),
        user_errors=user_errors(outcome.errors),
    )
