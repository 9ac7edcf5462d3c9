"""`PaymentMethod`: a saved card or account a customer can pay with."""

from datetime import datetime

import strawberry

from schema.enums import PaymentMethodType
from schema.fields import field
from schema.node import Node
from schema.scalars import instant
from stripe_gateway import records


@strawberry.type(description="The details of a card that are safe to show.")
class CardDetails:
    brand: str = strawberry.field(description="The card brand, such as `visa` or `mastercard`.")
    last4: str = strawberry.field(description="The last four digits of the card number.")
    exp_month: int = strawberry.field(description="The expiry month, 1 to 12.")
    exp_year: int = strawberry.field(description="The four-digit expiry year.")
    funding: str | None = strawberry.field(description="`credit`, `debit`, `prepaid` or `unknown`.")
    country: str | None = strawberry.field(description="The issuing country, as an ISO 3166 code.")
    wallet: str | None = strawberry.field(
        description="The wallet the card was added from, such as `apple_pay`."
    )


@strawberry.type(description="A payment method saved for a customer.")
class PaymentMethod(Node):
    record: strawberry.Private[records.PaymentMethod]

    @classmethod
    def of(cls, record: records.PaymentMethod) -> "PaymentMethod":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("The kind of payment method.")
    def type(self) -> PaymentMethodType:
        return self.record.type

    @field("The card's details, for a card; null otherwise.")
    def card(self) -> CardDetails | None:
        card = self.record.card
        if card is None:
            return None
        return CardDetails(
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            funding=card.funding,
            country=card.country,
            wallet=card.wallet,
        )

    @field("The name on the billing details; null when unknown.")
    def billing_name(self) -> str | None:
        return self.record.billing_name

    @field("The email on the billing details; null when unknown.")
    def billing_email(self) -> str | None:
        return self.record.billing_email

    @field("When the payment method was saved.")
    def created(self) -> datetime:
        return instant(self.record.created)
