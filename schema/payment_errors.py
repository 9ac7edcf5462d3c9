"""`PaymentError`: why a payment (or saving a card) failed, in the words Stripe writes for the customer."""

import strawberry

from stripe_gateway import records


@strawberry.type(description="Why the last attempt to pay failed.")
class PaymentError:
    code: str | None = strawberry.field(
        description="Stripe's error code, such as `card_declined` or `payment_intent_authentication_failure`."
    )
    decline_code: str | None = strawberry.field(
        description="The issuer's reason for a decline (such as `insufficient_funds`); null otherwise."
    )
    message: str | None = strawberry.field(
        description="What went wrong, written for the customer (such as `Your card was declined.`)."
    )

    @classmethod
    def of(cls, record: records.PaymentError | None) -> "PaymentError | None":
        if record is None:
            return None
        return cls(code=record.code, decline_code=record.decline_code, message=record.message)
