"""`Subscription` and `SubscriptionItem`: what a customer is subscribed to and how it renews."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import capabilities, payment_attention, plans
from resolvers.catalog import product_by_id
from resolvers.invoices import invoice_by_id
from resolvers.subscriptions import customer_of, upcoming_invoice
from resolvers.usage import item_meter, item_usage
from schema.catalog import Price, Product
from schema.context import Info
from schema.enums import (
    CancellationFeedback,
    CancellationReason,
    CancelMode,
    CollectionMethod,
    SubscriptionStatus,
)
from schema.fields import field
from schema.invoices import Invoice, maybe_invoice
from schema.lookahead import selects
from schema.money import Money, money
from schema.node import Node
from schema.pausing import PauseDuration, SubscriptionPause
from schema.payment_errors import PaymentError
from schema.scalars import instant, maybe_instant
from schema.usage import Meter, PeriodUsage
from schema.user_errors import UserErrorCode, message_for
from stripe_gateway import records

if TYPE_CHECKING:
    from resolvers.mutations.outcome import UserError
    from schema.customers import Customer


@strawberry.type(description="The quantities a customer may choose for an item.")
class QuantityRange:
    record: strawberry.Private[plans.QuantityRange]

    @field("The fewest.")
    def minimum(self) -> int:
        return self.record.minimum

    @field("The most; null when there is no upper limit.")
    def maximum(self) -> int | None:
        return self.record.maximum


def _range(found: plans.QuantityRange | None) -> QuantityRange | None:
    return None if found is None else QuantityRange(record=found)


@strawberry.type(description="One price a subscription bills, with its quantity and current period.")
class SubscriptionItem:
    record: strawberry.Private[records.SubscriptionItem]
    subscription: strawberry.Private[records.Subscription]

    @field("The item's Stripe id (`si_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The price billed.")
    def price(self) -> Price:
        return Price.of(self.record.price)

    @field("The product of the price.")
    async def product(self, info: Info) -> Product:
        found = await product_by_id(
            info.context.request_context,
            self.record.price.product_id,
            with_default_price=selects(info, "defaultPrice"),
        )
        return Product.of(found)

    @field("How many units are billed.")
    def quantity(self) -> int:
        return self.record.quantity

    @field(
        "The quantities the portal lets the customer choose for this item now (a seat stepper); null when "
        "its quantity may not change."
    )
    async def quantity_range(self, info: Info) -> QuantityRange | None:
        options = await plans.item_options(info.context.request_context, self.subscription, self.record)
        return _range(options.quantity)

    @field("Whether the portal lets the customer remove this item (an add-on) now.")
    async def removable(self, info: Info) -> bool:
        options = await plans.item_options(info.context.request_context, self.subscription, self.record)
        return options.removable

    @field("The start of the item's current billing period.")
    def current_period_start(self) -> datetime:
        return instant(self.record.current_period_start)

    @field("The end of the item's current billing period.")
    def current_period_end(self) -> datetime:
        return instant(self.record.current_period_end)

    @field(
        "The meter a metered item bills; null for a licensed one. Needs the `usage:read` scope; all meters "
        "come in one Stripe call, read beside the customer's."
    )
    async def meter(self, info: Info) -> Meter | None:
        found = await item_meter(info.context.request_context, self.subscription, self.record)
        return None if found is None else Meter(record=found)

    @field(
        "A metered item's usage this period so far and its charge, from the upcoming invoice (no call of "
        "its own); null for a licensed item or a subscription that will not invoice again. Needs the "
        "`usage:read` scope."
    )
    async def usage(self, info: Info) -> PeriodUsage | None:
        found = await item_usage(info.context.request_context, self.subscription, self.record)
        return None if found is None else PeriodUsage(record=found)


@strawberry.type(description="An add-on a subscription may add, and how many of it.")
class AddOnOffer:
    record: strawberry.Private[plans.AddOnOffer]

    @field("The add-on's price.")
    def price(self) -> Price:
        return Price.of(self.record.price)

    @field("The quantities it may come in; null when it comes as one.")
    def quantity_range(self) -> QuantityRange | None:
        return _range(self.record.quantity)


@strawberry.type(description="Why a subscription was cancelled, as far as anyone said.")
class CancellationDetails:
    reason: CancellationReason | None = strawberry.field(
        description="Why Stripe cancelled it; null while it is not cancelled."
    )
    feedback: CancellationFeedback | None = strawberry.field(
        description="The reason the customer picked; null when none was given."
    )
    comment: str | None = strawberry.field(description="The customer's own words; null when none were given.")


@strawberry.type(description="Why the portal does not let the customer take an action now.")
class Refusal:
    code: UserErrorCode = strawberry.field(
        description="The code the action's mutation would answer with, as a stable code."
    )
    english: strawberry.Private[str]

    @field("Why not, for people.")
    def message(self, info: Info) -> str:
        # Worded as the mutation's user error would be, in the same language.
        return message_for(info, self.code, self.english)


def refusal(found: "UserError | None") -> Refusal | None:
    if found is None:
        return None
    return Refusal(code=found.code, english=found.message)


@strawberry.type(
    description="Whether the portal lets the customer take one action now, on a subscription or an invoice."
)
class SubscriptionAction:
    found: strawberry.Private["UserError | None"]

    @field("Whether the action is allowed.")
    def allowed(self) -> bool:
        return self.found is None

    @field("Why not; null when the action is allowed.")
    def refusal(self) -> Refusal | None:
        return refusal(self.found)


@strawberry.type(description="Whether the portal lets the customer cancel a subscription now, and how.")
class CancelAction:
    record: strawberry.Private[capabilities.CancelOffer]
    subscription: strawberry.Private[records.Subscription]

    @field("Whether cancelling is allowed.")
    def allowed(self) -> bool:
        return self.record.refusal is None

    @field("Why not; null when cancelling is allowed.")
    def refusal(self) -> Refusal | None:
        return refusal(self.record.refusal)

    @field("When the cancellation takes effect: the only mode `cancelSubscription` takes from the customer.")
    def mode(self) -> CancelMode:
        return self.record.mode

    @field("The reasons the customer may give for cancelling; empty when they are not asked.")
    def reasons(self) -> list[CancellationFeedback]:
        return [CancellationFeedback(reason.value) for reason in self.record.reasons]

    @field(
        "What cancelling now credits the customer for the unused time, kept as credit balance for their next "
        "invoices; zero when cancelling waits for the period's end or the configuration does not prorate. "
        "Costs one Stripe preview when it may be more than zero."
    )
    async def credit(self, info: Info) -> Money:
        found = await capabilities.cancellation_credit(info.context.request_context, self.subscription)
        return money(found, self.subscription.currency)


@strawberry.type(description="Whether the portal lets the customer pause a subscription's payments now.")
class PauseAction:
    record: strawberry.Private[capabilities.PauseOffer]

    @field("Whether pausing is allowed.")
    def allowed(self) -> bool:
        return self.record.refusal is None

    @field("Why not; null when pausing is allowed.")
    def refusal(self) -> Refusal | None:
        return refusal(self.record.refusal)

    @field("The lengths the customer may choose for `pauseSubscription`'s `duration`.")
    def durations(self) -> list[PauseDuration]:
        return [PauseDuration.of(each) for each in self.record.durations]

    @field("Whether the customer may pause until they resume by hand (`duration` null).")
    def indefinite(self) -> bool:
        return self.record.indefinite


@strawberry.type(
    description="What the portal lets the customer do with a subscription now, each decided by the rules its "
    "mutation enforces. A customer session's scopes (`Viewer.scopes`) limit it further."
)
class SubscriptionActions:
    record: strawberry.Private[records.Subscription]

    @field(
        "Changing the subscription (`previewPlanChange`, `changePlan`): its plan to one of "
        "`allowedPlanChanges`, an item's quantity within its `quantityRange`, an add-on added or removed."
    )
    async def change_plan(self, info: Info) -> SubscriptionAction:
        found = await capabilities.change_plan_refusal(info.context.request_context, self.record)
        return SubscriptionAction(found=found)

    @field("Cancelling (`cancelSubscription`); not offered once a cancellation is scheduled.")
    async def cancel(self, info: Info) -> CancelAction:
        offer = await capabilities.cancel_offer(info.context.request_context, self.record)
        return CancelAction(record=offer, subscription=self.record)

    @field("Paying its open invoice now (`payInvoice` on `openInvoice`); refused when nothing is owed.")
    async def pay_invoice(self, info: Info) -> SubscriptionAction:
        found = await payment_attention.pay_refusal(info.context.request_context, self.record)
        return SubscriptionAction(found=found)

    @field("Taking back a scheduled cancellation (`reactivateSubscription`).")
    def reactivate(self, info: Info) -> SubscriptionAction:
        found = capabilities.reactivate_refusal(info.context.request_context, self.record)
        return SubscriptionAction(found=found)

    @field("Pausing its payments for a while (`previewPause`, `pauseSubscription`), and for how long.")
    async def pause(self, info: Info) -> PauseAction:
        return PauseAction(record=await capabilities.pause_offer(info.context.request_context, self.record))

    @field("Resuming its paused payments now (`resumeSubscription`).")
    def resume(self, info: Info) -> SubscriptionAction:
        found = capabilities.resume_refusal(info.context.request_context, self.record)
        return SubscriptionAction(found=found)


@strawberry.type(description="A customer's recurring purchase of one or more prices.")
class Subscription(Node):
    record: strawberry.Private[records.Subscription]

    @classmethod
    def of(cls, record: records.Subscription) -> "Subscription":
        return cls(id=strawberry.ID(record.id), record=record)

    @field("Where the subscription is in its life.")
    def status(self) -> SubscriptionStatus:
        return self.record.status

    @field("The customer subscribed.")
    def customer(self, info: Info) -> Annotated["Customer", strawberry.lazy("schema.customers")]:
        from schema.customers import Customer  # noqa: PLC0415 - the two modules refer to each other

        return Customer.lazy(info, customer_of(info.context.request_context, self.record))

    @field("The prices billed, with quantities and periods.")
    def items(self) -> list[SubscriptionItem]:
        return [SubscriptionItem(record=item, subscription=self.record) for item in self.record.items]

    @field("The ISO 4217 currency code, lowercase as Stripe writes it.")
    def currency(self) -> str:
        return self.record.currency

    @field("When the subscription was created.")
    def created(self) -> datetime:
        return instant(self.record.created)

    @field("When the subscription started (it may have been backdated before its creation).")
    def start_date(self) -> datetime:
        return instant(self.record.start_date)

    @field(
        "The start of the current period. Items may differ on mixed-interval subscriptions: the latest start."
    )
    def current_period_start(self) -> datetime | None:
        return maybe_instant(self.record.current_period_start)

    @field("When the subscription next renews: the earliest period end among its items.")
    def current_period_end(self) -> datetime | None:
        return maybe_instant(self.record.current_period_end)

    @field("Whether the subscription ends when the current period does, instead of renewing.")
    def cancel_at_period_end(self) -> bool:
        return self.record.cancel_at_period_end

    @field(
        "Whether a change of its items waits for the end of the current period (a subscription schedule "
        "manages it); no other change is taken until then."
    )
    def change_scheduled(self) -> bool:
        return self.record.has_scheduled_change

    @field("Whether a cancellation is scheduled: at the end of the period, or at a chosen instant.")
    def scheduled_to_cancel(self) -> bool:
        return self.record.is_scheduled_to_cancel

    @field("When a scheduled cancellation takes effect; null when none is scheduled.")
    def cancel_at(self) -> datetime | None:
        return maybe_instant(self.record.cancel_at)

    @field("When the cancellation was requested; null when it was not.")
    def canceled_at(self) -> datetime | None:
        return maybe_instant(self.record.canceled_at)

    @field("When the subscription ended; null while it runs.")
    def ended_at(self) -> datetime | None:
        return maybe_instant(self.record.ended_at)

    @field("Why the subscription was cancelled.")
    def cancellation_details(self) -> CancellationDetails:
        details = self.record.cancellation_details
        return CancellationDetails(
            reason=None if details.reason is None else CancellationReason(details.reason),
            feedback=details.feedback,
            comment=details.comment,
        )

    @field("When the trial started; null without a trial.")
    def trial_start(self) -> datetime | None:
        return maybe_instant(self.record.trial_start)

    @field("When the trial ends (or ended); null without a trial.")
    def trial_end(self) -> datetime | None:
        return maybe_instant(self.record.trial_end)

    @field("How the subscription's invoices get paid.")
    def collection_method(self) -> CollectionMethod:
        return CollectionMethod(self.record.collection_method)

    @field("The most recent invoice of the subscription; null before the first.")
    async def latest_invoice(self, info: Info) -> Invoice | None:
        if self.record.latest_invoice_id is None:
            return None
        return Invoice.of(await invoice_by_id(info.context.request_context, self.record.latest_invoice_id))

    @field(
        "The invoice waiting to be paid while the subscription is past due, unpaid or incomplete; null when "
        "nothing is owed. Needs the `invoices:read` scope."
    )
    async def open_invoice(self, info: Info) -> Invoice | None:
        return maybe_invoice(await payment_attention.open_invoice(info.context.request_context, self.record))

    @field(
        "Why the last attempt to pay `openInvoice` failed (decline code and a message for the customer); "
        "null when nothing is owed. Needs the `invoices:read` scope."
    )
    async def last_payment_error(self, info: Info) -> PaymentError | None:
        found = await payment_attention.subscription_payment_error(info.context.request_context, self.record)
        return PaymentError.of(found)

    @field("Its paused payments; null when payments are collected.")
    def pause(self) -> SubscriptionPause | None:
        return SubscriptionPause(record=self.record) if self.record.is_paused else None

    @field("A preview of the next invoice; null when nothing more will be invoiced.")
    async def upcoming_invoice(self, info: Info) -> Invoice | None:
        return maybe_invoice(await upcoming_invoice(info.context.request_context, self.record))

    @field(
        "The prices the portal configuration lets this subscription switch to, excluding its current price. "
        "Empty when the configuration does not allow plan changes or this subscription cannot change plan."
    )
    async def allowed_plan_changes(self, info: Info) -> list[Price]:
        return [
            Price.of(price)
            for price in await plans.allowed_plan_changes(info.context.request_context, self.record)
        ]

    @field(
        "The add-ons the portal lets this subscription add now (in the configuration's order), each with the "
        "quantities it may come in. Empty when none may be added."
    )
    async def available_add_ons(self, info: Info) -> list[AddOnOffer]:
        found = await plans.add_on_offers(info.context.request_context, self.record)
        return [AddOnOffer(record=offer) for offer in found]

    @field(
        "What the portal lets the customer do with this subscription now: change plan, cancel (and how), "
        "reactivate; each with the reason when not."
    )
    def actions(self) -> SubscriptionActions:
        return SubscriptionActions(record=self.record)
