"""The catalog: `Product` and `Price` (public to every authenticated caller)."""

import strawberry

from resolvers.catalog import price_by_id, price_tiers, product_by_id
from schema.context import Info
from schema.enums import Interval, PriceType, TiersMode, UsageType
from schema.fields import field
from schema.lookahead import selects
from schema.money import Money, maybe_money
from schema.node import Node
from stripe_gateway import records


@strawberry.type(description="Something the merchant sells, such as the Pro plan.")
class Product(Node):
    record: strawberry.Private[records.Product]

    @classmethod
    def of(cls, record: records.Product) -> "Product":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("The product's name, as customers see it.")
    def name(self) -> str:
        return self.record.name

    @field("A longer description for customers; null when there is none.")
    def description(self) -> str | None:
        return self.record.description

    @field("Whether the product can still be bought.")
    def active(self) -> bool:
        return self.record.active

    @field("The price shown for the product by default; null when it has none.")
    async def default_price(self, info: Info) -> "Price | None":
        if self.record.default_price_id is None:
            return None
        return Price.of(await price_by_id(info.context.request_context, self.record.default_price_id))


@strawberry.type(description="How often a recurring price bills.")
class Recurring:
    interval: Interval = strawberry.field(description="The unit of the billing interval.")
    interval_count: int = strawberry.field(
        description="How many units between bills: 3 with MONTH bills quarterly."
    )
    usage_type: UsageType = strawberry.field(
        description="A set quantity billed ahead, or metered usage billed after the period."
    )
    meter_id: strawberry.ID | None = strawberry.field(
        description="The meter a metered price bills (`mtr_…`); null for a licensed one."
    )


@strawberry.type(description="One tier of a tiered price.")
class PriceTier:
    up_to: int | None = strawberry.field(
        description="The last unit this tier prices; null for every unit beyond the tier before."
    )
    unit_amount: Money | None = strawberry.field(description="Per unit in this tier; null for none.")
    flat_amount: Money | None = strawberry.field(
        description="Added once the quantity reaches this tier; null for none."
    )


@strawberry.type(description="What a product costs, in one currency and on one schedule.")
class Price(Node):
    record: strawberry.Private[records.Price]

    @classmethod
    def of(cls, record: records.Price) -> "Price":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("The product this price is for.")
    async def product(self, info: Info) -> Product:
        found = await product_by_id(
            info.context.request_context,
            self.record.product_id,
            with_default_price=selects(info, "defaultPrice"),
        )
        return Product.of(found)

    @field("Whether the price can still be used for new purchases and plan changes.")
    def active(self) -> bool:
        return self.record.active

    @field("The ISO 4217 currency code, lowercase as Stripe writes it.")
    def currency(self) -> str:
        return self.record.currency

    @field("The amount per unit and interval; null for prices not set as a fixed amount (e.g. tiered).")
    def unit_amount(self) -> Money | None:
        return maybe_money(self.record.unit_amount, self.record.currency)

    @field("Whether the price is charged once or on a schedule.")
    def type(self) -> PriceType:
        return self.record.type

    @field("The billing schedule of a recurring price; null for one-time prices.")
    def recurring(self) -> Recurring | None:
        schedule = self.record.recurring
        if schedule is None:
            return None
        return Recurring(
            interval=schedule.interval,
            interval_count=schedule.interval_count,
            usage_type=schedule.usage_type,
            meter_id=None if schedule.meter_id is None else strawberry.ID(schedule.meter_id),
        )

    @field("How a tiered price prices a quantity; null for a price per unit.")
    def tiers_mode(self) -> TiersMode | None:
        return self.record.tiers_mode

    @field(
        "A tiered price's tiers, lowest first; null for a price per unit. They come with the catalog's one "
        "Stripe call (read beside the customer's when a query shows them)."
    )
    async def tiers(self, info: Info) -> list[PriceTier] | None:
        found = await price_tiers(info.context.request_context, self.record)
        if found is None:
            return None
        currency = self.record.currency
        return [
            PriceTier(
                up_to=tier.up_to,
                unit_amount=maybe_money(tier.unit_amount, currency),
                flat_amount=maybe_money(tier.flat_amount, currency),
            )
            for tier in found
        ]

    @field("The merchant's stable key for this price, such as `pro_monthly`; null when unset.")
    def lookup_key(self) -> str | None:
        return self.record.lookup_key

    @field("A short internal label for the price; null when unset.")
    def nickname(self) -> str | None:
        return self.record.nickname
