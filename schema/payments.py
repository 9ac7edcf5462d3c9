"""What paid an invoice: `Charge`, `PaymentIntent`, and their `Refund`s."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.pagination import Slice, page_request
from resolvers.payments import charge_by_id, refunds_of
from schema.context import Info
from schema.enums import ChargeStatus, PaymentIntentStatus, RefundReason, RefundStatus
from schema.fields import field
from schema.money import Money, money
from schema.node import Node
from schema.pagination import Connection, connection
from schema.scalars import instant
from stripe_gateway import records

FIRST = strawberry.argument(
    description="Return at most this many refunds after `after` (1 to 100; 10 by default)."
)
AFTER = strawberry.argument(description="Return refunds older than this cursor (a refund id).")
LAST = strawberry.argument(description="Return at most this many refunds before `before` (1 to 100).")
BEFORE = strawberry.argument(description="Return refunds newer than this cursor (a refund id).")


@strawberry.type(description="Money returned to a customer from a payment.")
class Refund(Node):
    record: strawberry.Private[records.Refund]

    @classmethod
    def of(cls, record: records.Refund) -> "Refund":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("How much was refunded.")
    def amount(self) -> Money:
        return money(self.record.amount, self.record.currency)

    @field("Where the refund stands.")
    def status(self) -> RefundStatus:
        return RefundStatus(self.record.status)

    @field("Why the payment was refunded; null when no reason was given.")
    def reason(self) -> RefundReason | None:
        return None if self.record.reason is None else RefundReason(self.record.reason)

    @field("When the refund was created.")
    def created(self) -> datetime:
        return instant(self.record.created)


RefundConnection = Connection[Refund]


def refund_connection(page: Slice[records.Refund]) -> RefundConnection:
    return connection(page, Refund.of)


async def _refunds(
    info: Info,
    payment: records.Charge | records.PaymentIntent,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> RefundConnection:
    request = page_request(first=first, after=after, last=last, before=before)
    return refund_connection(await refunds_of(info.context.request_context, payment, request))


@strawberry.type(description="One attempt to move money from a customer's payment method.")
class Charge(Node):
    record: strawberry.Private[records.Charge]

    @classmethod
    def of(cls, record: records.Charge) -> "Charge":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("The amount charged.")
    def amount(self) -> Money:
        return money(self.record.amount, self.record.currency)

    @field("The amount refunded so far.")
    def amount_refunded(self) -> Money:
        return money(self.record.amount_refunded, self.record.currency)

    @field("What can still be refunded: captured minus refunded.")
    def refundable_amount(self) -> Money:
        return money(self.record.refundable_amount, self.record.currency)

    @field("Whether the charge was refunded in full.")
    def refunded(self) -> bool:
        return self.record.refunded

    @field("Whether the customer disputed the charge.")
    def disputed(self) -> bool:
        return self.record.disputed

    @field("Where the charge stands.")
    def status(self) -> ChargeStatus:
        return ChargeStatus(self.record.status)

    @field("The customer's receipt page; null when Stripe has none.")
    def receipt_url(self) -> str | None:
        return self.record.receipt_url

    @field("When the charge was made.")
    def created(self) -> datetime:
        return instant(self.record.created)

    @field("The refunds of this charge, newest first.")
    async def refunds(
        self,
        info: Info,
        *,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> RefundConnection:
        return await _refunds(info, self.record, first=first, after=after, last=last, before=before)


@strawberry.type(description="Stripe's record of collecting one payment, across retries and charges.")
class PaymentIntent(Node):
    record: strawberry.Private[records.PaymentIntent]

    @classmethod
    def of(cls, record: records.PaymentIntent) -> "PaymentIntent":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("The amount to collect.")
    def amount(self) -> Money:
        return money(self.record.amount, self.record.currency)

    @field("The amount collected.")
    def amount_received(self) -> Money:
        return money(self.record.amount_received, self.record.currency)

    @field("Where the payment stands.")
    def status(self) -> PaymentIntentStatus:
        return PaymentIntentStatus(self.record.status)

    @field("When the payment intent was created.")
    def created(self) -> datetime:
        return instant(self.record.created)

    @field("The most recent charge attempt; null before the first one.")
    async def latest_charge(self, info: Info) -> Charge | None:
        if self.record.latest_charge_id is None:
            return None
        return Charge.of(await charge_by_id(info.context.request_context, self.record.latest_charge_id))

    @field("The refunds of this payment, newest first.")
    async def refunds(
        self,
        info: Info,
        *,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> RefundConnection:
        return await _refunds(info, self.record, first=first, after=after, last=last, before=before)
