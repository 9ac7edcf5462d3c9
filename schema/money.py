"""`Money`: an amount in a currency's minor unit, with its currency and a localized rendering."""

from typing import Annotated

import strawberry

from resolvers.money import format_money
from schema.fields import field


@strawberry.type(description="An amount of money in one currency.")
class Money:
    amount: int = strawberry.field(
        description="The amount in the currency's smallest unit, as Stripe counts it: cents for USD "
        "(1999 is $19.99), whole yen for JPY, which has no minor unit."
    )
    currency: str = strawberry.field(description="The ISO 4217 currency code, lowercase as Stripe writes it.")

    @field("The amount written for people, such as `$19.99`, `19,99 €` or `￥1,999`.")
    def formatted(
        self,
        locale: Annotated[
            str, strawberry.argument(description="A locale such as `en`, `en-GB`, `de` or `ja-JP`.")
        ] = "en",
    ) -> str:
        return format_money(self.amount, self.currency, locale)


def money(amount: int, currency: str) -> Money:
    return Money(amount=amount, currency=currency)


def maybe_money(amount: int | None, currency: str | None) -> Money | None:
    return None if amount is None or currency is None else Money(amount=amount, currency=currency)
