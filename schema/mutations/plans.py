"""`previewPlanChange` and `changePlan`: what a plan change would cost, then making it at that price."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.mutations import plan_changes
from schema.context import Info
from schema.fields import field
from schema.invoices import Invoice, InvoiceLineItem, maybe_invoice
from schema.money import Money, money
from schema.scalars import maybe_instant
from schema.subscriptions import Subscription
from schema.user_errors import UserError, user_errors

_SUBSCRIPTION_ID = "The subscription to change (`sub_…`)."
_PRICE_ID = "The price (`price_…`) to move the subscription's plan (its first item) to; give this or `items`."
_QUANTITY = "The plan's new quantity; null keeps the current one. Only with `priceId`."
_ITEMS = (
    "Several item edits made together (at most 20): switch the plan, change quantities, add or remove "
    "add-ons. Give this or `priceId`."
)


@strawberry.input(
    description="One edit of a subscription's items: with `itemId`, that item moves to `priceId` (null keeps "
    "its price) and `quantity` (null keeps it), or goes with `remove`; without it, `priceId` is added."
)
class PlanItemInput:
    item_id: strawberry.ID | None = strawberry.field(
        default=None, description="The subscription item (`si_…`) to change or remove; null adds `priceId`."
    )
    price_id: strawberry.ID | None = strawberry.field(
        default=None, description="The price (`price_…`) the item moves to, or the one added."
    )
    quantity: int | None = strawberry.field(
        default=None, description="The item's quantity; null keeps it (an added item comes as one)."
    )
    remove: bool = strawberry.field(default=False, description="Remove the item (an add-on) from the plan.")


def _items(given: list[PlanItemInput] | None) -> list[plan_changes.ItemInput] | None:
    if given is None:
        return None
    return [
        plan_changes.ItemInput(
            item_id=item.item_id, price_id=item.price_id, quantity=item.quantity, remove=item.remove
        )
        for item in given
    ]


@strawberry.input(description="A plan change to preview.")
class PreviewPlanChangeInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)
    price_id: strawberry.ID | None = strawberry.field(default=None, description=_PRICE_ID)
    quantity: int | None = strawberry.field(default=None, description=_QUANTITY)
    items: list[PlanItemInput] | None = strawberry.field(default=None, description=_ITEMS)


@strawberry.type(
    description="What a plan change costs: what is charged now, the prorations, and the next regular invoice."
)
class PlanChangePreview:
    record: strawberry.Private[plan_changes.PlanChangePreview]

    @field(
        "The instant the change is prorated at. Pass it to `changePlan` to pay exactly this preview; null "
        "when nothing is prorated (a trial, or a configuration without prorations)."
    )
    def proration_date(self) -> datetime | None:
        return maybe_instant(self.record.proration_date)

    @field(
        "When the change takes effect: null for at once; the end of the current period when the portal "
        "configuration leaves it for then (`schedule_at_period_end`: a lower amount, a shorter interval). "
        "Nothing is charged or credited now then; `nextInvoice` is the renewal with the new items."
    )
    def effective_at(self) -> datetime | None:
        return maybe_instant(self.record.effective_at)

    @field("What is charged the moment the change is made (zero when it is billed with the next invoice).")
    def amount_due_now(self) -> Money:
        return money(self.record.amount_due_now, self.record.currency)

    @field(
        "What the change leaves in the customer's favour (the unused time of a downgrade) rather than a "
        "negative amount: kept as credit balance and taken off the next invoices. Zero when none."
    )
    def credit(self) -> Money:
        return money(self.record.credit, self.record.currency)

    @field('The customer\'s credit balance taken off what is charged now ("applied from your balance").')
    def balance_applied_now(self) -> Money:
        return money(self.record.balance_applied_now, self.record.currency)

    @field("The proration lines: credit for the unused time on the old plan, the charge for the new one.")
    def proration_lines(self) -> list[InvoiceLineItem]:
        return [InvoiceLineItem(record=line) for line in self.record.proration_lines]

    @field(
        "The next invoice after the change (with the prorations when they wait for it); null when no "
        "invoice will follow. Its `total` is what it bills, its `periodEnd` when it is issued."
    )
    def next_invoice(self) -> Invoice | None:
        return maybe_invoice(self.record.next_invoice)

    @field("The subscription as it is now, before the change.")
    def subscription(self) -> Subscription:
        return Subscription.of(self.record.subscription)


@strawberry.type(description="The result of `previewPlanChange`.")
class PreviewPlanChangePayload:
    preview: PlanChangePreview | None = strawberry.field(description="The preview; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why the preview was refused; empty if not.")


async def preview_plan_change(
    info: Info,
    input: Annotated[PreviewPlanChangeInput, strawberry.argument(description="The change to preview.")],
) -> PreviewPlanChangePayload:
    outcome = await plan_changes.preview_plan_change(
        info.context.request_context,
        subscription_id=input.subscription_id,
        price_id=input.price_id,
        quantity=input.quantity,
        items=_items(input.items),
    )
    return PreviewPlanChangePayload(
        preview=None if outcome.value is None else PlanChangePreview(record=outcome.value),
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(description="A plan change to make.")
class ChangePlanInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)
    price_id: strawberry.ID | None = strawberry.field(default=None, description=_PRICE_ID)
    quantity: int | None = strawberry.field(default=None, description=_QUANTITY)
    items: list[PlanItemInput] | None = strawberry.field(default=None, description=_ITEMS)
    proration_date: datetime | None = strawberry.field(
        default=None,
        description="The preview's `prorationDate`, so the change costs what the preview showed; null "
        "prorates to the moment of the change.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Your key for this change (1 to 200 characters): a retry with it changes nothing twice.",
    )


@strawberry.type(description="The result of `changePlan`.")
class ChangePlanPayload:
    subscription: Subscription | None = strawberry.field(
        description="The subscription on its new plan; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the change was refused; empty if not.")


async def change_plan(
    info: Info, input: Annotated[ChangePlanInput, strawberry.argument(description="The change to make.")]
) -> ChangePlanPayload:
    outcome = await plan_changes.change_plan(
        info.context.request_context,
        subscription_id=input.subscription_id,
        price_id=input.price_id,
        quantity=input.quantity,
        proration_date=None if input.proration_date is None else int(input.proration_date.timestamp()),
        idempotency_key=input.idempotency_key,
        items=_items(input.items),
    )
    return ChangePlanPayload(
        subscription=None if outcome.value is None else Subscription.of(outcome.value),
        user_errors=user_errors(outcome.errors),
    )
