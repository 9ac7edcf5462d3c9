"""Retention offers and the report of what cancellations said."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers import retention
from resolvers.ports import (
    KeptRevenue,
    OfferCounts,
    OfferKind,
    ReasonComment,
    ReasonCount,
    RetentionReport,
)
from resolvers.ports import (
    RetentionOffer as OfferRecord,
)
from schema.catalog import Price
from schema.context import Info
from schema.enum_types import graphql_enum
from schema.enums import CancellationFeedback
from schema.fields import field
from schema.money import Money, maybe_money, money
from schema.pausing import PauseDuration
from stripe_gateway.records import CouponDuration
from stripe_gateway.records import PauseDuration as PauseRecord

graphql_enum(
    OfferKind,
    name="RetentionOfferKind",
    description="What a retention offer gives a customer who was about to cancel.",
    values={
        OfferKind.COUPON: "A discount on the subscription's invoices (a Stripe coupon).",
        OfferKind.PAUSE: "A pause of the subscription's payments, which then resume by themselves.",
        OfferKind.PRICE_SWITCH: "A switch to a cheaper price.",
    },
)
graphql_enum(
    CouponDuration,
    description="How long a coupon's discount lasts.",
    values={
        CouponDuration.ONCE: "The next invoice only.",
        CouponDuration.REPEATING: "The invoices of `durationInMonths` months.",
        CouponDuration.FOREVER: "Every invoice.",
    },
)


@strawberry.type(description="A coupon offer's discount.")
class CouponTerms:
    percent_off: float | None = strawberry.field(description="The percentage off; null for an amount off.")
    amount_off: Money | None = strawberry.field(
        description="The amount off each invoice; null for a percentage."
    )
    duration: CouponDuration = strawberry.field(description="How long the discount lasts.")
    duration_in_months: int | None = strawberry.field(
        description="For a repeating discount: how many months."
    )
    coupon_id: str = strawberry.field(description="The Stripe coupon made for the offer.")


@strawberry.type(description="A price switch offer: the cheaper price.")
class PriceSwitchTerms:
    unit_amount: Money = strawberry.field(description="What the price costs per unit and interval.")
    price_id: strawberry.ID = strawberry.field(description="The price (`price_…`).")

    @field("The price.")
    async def price(self, info: Info) -> Price:
        return Price.of(await info.context.request_context.loaders.price(self.price_id))


@strawberry.type(
    description="An offer made to a customer who starts cancelling, instead of cancelling. Never changed "
    "once made: archive it and make another."
)
class RetentionOffer:
    record: strawberry.Private[OfferRecord]

    @field("The offer's id (`pqro_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The offer's name, as the customer sees it.")
    def name(self) -> str:
        return self.record.name

    @field("What it gives.")
    def kind(self) -> OfferKind:
        return self.record.kind

    @field("The cancellation reasons it answers; empty for any reason.")
    def reasons(self) -> list[CancellationFeedback]:
        return list(self.record.scope.reasons)

    @field("The products whose subscriptions it is for; empty for any product.")
    def product_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(each) for each in self.record.scope.product_ids]

    @field("The portal configurations it is offered under; empty for any.")
    def configuration_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(each) for each in self.record.scope.configuration_ids]

    @field("A coupon offer's discount; null for other kinds.")
    def coupon(self) -> CouponTerms | None:
        terms = self.record.coupon
        if terms is None:
            return None
        return CouponTerms(
            percent_off=terms.percent_off,
            amount_off=maybe_money(terms.amount_off, terms.currency),
            duration=terms.duration,
            duration_in_months=terms.duration_in_months,
            coupon_id=terms.coupon_id,
        )

    @field("A pause offer's length; null for other kinds.")
    def pause(self) -> PauseDuration | None:
        terms = self.record.pause
        return None if terms is None else PauseDuration.of(PauseRecord(terms.interval, terms.interval_count))

    @field("A price switch offer's price; null for other kinds.")
    def price_switch(self) -> PriceSwitchTerms | None:
        terms = self.record.price_switch
        if terms is None:
            return None
        return PriceSwitchTerms(
            unit_amount=money(terms.unit_amount, terms.currency), price_id=strawberry.ID(terms.price_id)
        )

    @field("When it was made.")
    def created_at(self) -> datetime:
        return self.record.created_at

    @field("When it was archived (it is offered no more); null while it is offered.")
    def archived_at(self) -> datetime | None:
        return self.record.archived_at


@strawberry.type(description="How many cancellations gave one reason.")
class CancellationReasonCount:
    reason: CancellationFeedback | None = strawberry.field(
        description="The reason; null when none was given."
    )
    count: int = strawberry.field(description="How many cancellations gave it.")

    @classmethod
    def of(cls, record: ReasonCount) -> "CancellationReasonCount":
        return cls(reason=record.reason, count=record.count)


@strawberry.type(description="What a customer wrote when cancelling.")
class CancellationComment:
    reason: CancellationFeedback | None = strawberry.field(
        description="The reason they gave; null when none."
    )
    comment: str = strawberry.field(description="Their words.")
    occurred_at: datetime = strawberry.field(description="When they cancelled.")

    @classmethod
    def of(cls, record: ReasonComment) -> "CancellationComment":
        return cls(reason=record.reason, comment=record.comment, occurred_at=record.occurred_at)


@strawberry.type(
    description="How one retention offer did: shown, then accepted or declined (or neither yet)."
)
class RetentionOfferResult:
    offer_id: strawberry.ID = strawberry.field(description="The offer (`pqro_…`).")
    shown: int = strawberry.field(description="How many customers were shown it.")
    accepted: int = strawberry.field(description="How many took it and stayed.")
    declined: int = strawberry.field(description="How many cancelled instead.")

    @classmethod
    def of(cls, record: OfferCounts) -> "RetentionOfferResult":
        return cls(
            offer_id=strawberry.ID(record.offer_id),
            shown=record.shown,
            accepted=record.accepted,
            declined=record.declined,
        )


@strawberry.type(description="The subscriptions an accepted offer kept, in one currency.")
class KeptRevenueEntry:
    subscriptions: int = strawberry.field(description="How many subscriptions were kept.")
    monthly_revenue: Money = strawberry.field(
        description="What they bill a month at list price (a yearly price counts a twelfth), before the "
        "offer."
    )

    @classmethod
    def of(cls, record: KeptRevenue) -> "KeptRevenueEntry":
        return cls(
            subscriptions=record.subscriptions, monthly_revenue=money(record.monthly_amount, record.currency)
        )


@strawberry.type(description="What cancellations said over a period, and what the retention offers kept.")
class CancellationReport:
    record: strawberry.Private[RetentionReport]

    @field("Cancellations made through this API, by reason, most given first.")
    def cancellations(self) -> list[CancellationReasonCount]:
        return [CancellationReasonCount.of(each) for each in self.record.cancellations]

    @field(f"The latest comments customers wrote when cancelling (at most {retention.REPORT_COMMENTS}).")
    def comments(self) -> list[CancellationComment]:
        return [CancellationComment.of(each) for each in self.record.comments]

    @field("Each retention offer shown in the period: how often shown, accepted and declined.")
    def offers(self) -> list[RetentionOfferResult]:
        return [RetentionOfferResult.of(each) for each in self.record.offers]

    @field("The subscriptions kept by accepted offers and their monthly revenue, per currency.")
    def kept(self) -> list[KeptRevenueEntry]:
        return [KeptRevenueEntry.of(each) for each in self.record.kept]

    @field("How many subscriptions' payments were paused (by customers, offers or the merchant).")
    def pauses(self) -> int:
        return self.record.pauses

    @field("How many paused subscriptions were resumed by hand.")
    def resumptions(self) -> int:
        return self.record.resumptions


async def resolve_retention_offers(
    info: Info,
    include_archived: Annotated[
        bool, strawberry.argument(description="Whether to list archived offers too.")
    ] = False,
) -> list[RetentionOffer]:
    found = await retention.retention_offers(info.context.request_context, include_archived=include_archived)
    return [RetentionOffer(record=each) for each in found]


async def resolve_cancellation_report(
    info: Info,
    since: Annotated[datetime, strawberry.argument(description="The period's start (included).")],
    until: Annotated[
        datetime, strawberry.argument(description="The period's end (excluded); at most 366 days later.")
    ],
) -> CancellationReport:
    report = await retention.cancellation_report(info.context.request_context, since=since, until=until)
    return CancellationReport(record=report)
