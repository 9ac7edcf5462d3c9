"""Credit: billing credit grants and their balance, and the customer's cash balance transactions."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.credits import CustomerCredit, GrantState, balance_transactions, customer_credit
from resolvers.pagination import page_request
from schema.context import Info
from schema.enums import BalanceTransactionType, CreditCategory
from schema.fields import field
from schema.money import Money, maybe_money, money
from schema.pagination import Connection, connection
from schema.scalars import instant, maybe_instant
from stripe_gateway import records


@strawberry.type(description="The customer's billing credit in one currency.")
class CreditBalance:
    available: Money = strawberry.field(
        description="Credit that pays metered usage on the next invoices, before the card is charged."
    )
    pending: Money = strawberry.field(description="Credit granted that takes effect later.")


@strawberry.type(description="What a credit grant may pay for.")
class CreditApplicability:
    metered_prices: bool = strawberry.field(description="Every metered price's usage.")
    price_ids: list[strawberry.ID] = strawberry.field(
        description="Only these prices' usage; empty when `meteredPrices` is true."
    )


@strawberry.type(description="Billing credit granted to the customer, spent on metered usage.")
class CreditGrant:
    state: strawberry.Private[GrantState]

    @property
    def _grant(self) -> records.CreditGrant:
        return self.state.grant

    @field("The grant's Stripe id (`credgr_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self._grant.id)

    @field("The grant's name, such as `Welcome credit`; null when unnamed.")
    def name(self) -> str | None:
        return self._grant.name

    @field("Whether the customer paid for it or it was given.")
    def category(self) -> CreditCategory:
        return self._grant.category

    @field("How much was granted.")
    def amount(self) -> Money:
        return money(self._grant.amount, self._grant.currency)

    @field("What is left of it; null when its history is too long to add up in one read.")
    def remaining(self) -> Money | None:
        return maybe_money(self.state.remaining, self._grant.currency)

    @field("Whether it can be spent now: in effect, not expired.")
    def usable(self) -> bool:
        return self.state.usable

    @field("When it takes effect; null for at once.")
    def effective_at(self) -> datetime | None:
        return maybe_instant(self._grant.effective_at)

    @field("When what is left of it expires; null for never.")
    def expires_at(self) -> datetime | None:
        return maybe_instant(self._grant.expires_at)

    @field("What it may pay for.")
    def applies_to(self) -> CreditApplicability:
        price_ids = [strawberry.ID(price_id) for price_id in self._grant.price_ids]
        return CreditApplicability(metered_prices=not price_ids, price_ids=price_ids)


@strawberry.type(description="A change of the customer's cash balance.")
class BalanceTransaction:
    record: strawberry.Private[records.BalanceTransaction]

    @field("The transaction's Stripe id (`cbtxn_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The change: negative credits the customer, positive adds to what they owe.")
    def amount(self) -> Money:
        return money(self.record.amount, self.record.currency)

    @field("The balance after it.")
    def ending_balance(self) -> Money:
        return money(self.record.ending_balance, self.record.currency)

    @field("What changed it.")
    def type(self) -> BalanceTransactionType:
        return self.record.type

    @field("The merchant's note; null when none.")
    def description(self) -> str | None:
        return self.record.description

    @field("The invoice it concerns (`in_…`); null when none.")
    def invoice_id(self) -> strawberry.ID | None:
        return None if self.record.invoice_id is None else strawberry.ID(self.record.invoice_id)

    @field("When it happened.")
    def created(self) -> datetime:
        return instant(self.record.created)


BalanceTransactionConnection = Connection[BalanceTransaction]


@strawberry.type(
    description="The customer's credit: billing credit grants and their balance (at most a minute old, as "
    "spending it sends no webhook; see `asOf`), and the changes of the cash balance (`Customer.balance`). "
    "Needs the `credits:read` scope."
)
class CustomerCredits:
    customer_id: strawberry.Private[str]

    async def _credit(self, info: Info) -> CustomerCredit:
        return await customer_credit(info.context.request_context, self.customer_id)

    @field("Billing credit per currency.")
    async def balances(self, info: Info) -> list[CreditBalance]:
        return [
            CreditBalance(available=money(b.available, b.currency), pending=money(b.pending, b.currency))
            for b in (await self._credit(info)).balances
        ]

    @field("The grants not voided, newest first: spent ones, expired ones and those yet to start included.")
    async def grants(self, info: Info) -> list[CreditGrant]:
        return [CreditGrant(state=state) for state in (await self._credit(info)).grants]

    @field("When Stripe gave the balance.")
    async def as_of(self, info: Info) -> datetime:
        return instant((await self._credit(info)).as_of)

    @field("The changes of the customer's cash balance, newest first: one Stripe call per page.")
    async def balance_transactions(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="At most this many (1 to 100; 10 by default).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Transactions older than this cursor (an id).")
        ] = None,
    ) -> BalanceTransactionConnection:
        request = page_request(first=first, after=after)
        found = await balance_transactions(info.context.request_context, self.customer_id, request)
        return connection(found, lambda record: BalanceTransaction(record=record))
