"""`createSetupIntent` and `completeSetupIntent`: adding a card that Stripe.js collects in the browser."""

from typing import Annotated

import strawberry

from resolvers.mutations import card_setup
from schema.context import Info
from schema.customers import Customer
from schema.enum_types import graphql_enum
from schema.payment_methods import PaymentMethod
from schema.user_errors import UserError, user_errors
from stripe_gateway import records
from stripe_gateway.records import SetupIntentStatus

graphql_enum(
    SetupIntentStatus,
    description="Where saving a card stands, as Stripe reports a SetupIntent.",
    values={
        SetupIntentStatus.REQUIRES_PAYMENT_METHOD: "Waiting for card details (again, after a refusal).",
        SetupIntentStatus.REQUIRES_CONFIRMATION: "Card details given, not confirmed yet.",
        SetupIntentStatus.REQUIRES_ACTION: "Waiting for the customer to pass 3-D Secure.",
        SetupIntentStatus.PROCESSING: "Stripe is checking the card.",
        SetupIntentStatus.CANCELED: "Abandoned; start a new one.",
        SetupIntentStatus.SUCCEEDED: "The card is saved to the customer.",
    },
)


@strawberry.type(description="A card being saved for the customer's later payments (a Stripe SetupIntent).")
class SetupIntent:
    id: strawberry.ID = strawberry.field(description="The SetupIntent's id (`seti_…`).")
    client_secret: str | None = strawberry.field(
        description="For Stripe.js only (`elements({clientSecret})`, `confirmSetup`): lets the browser "
        "confirm this intent. Do not log or store it."
    )
    status: SetupIntentStatus = strawberry.field(description="Where saving the card stands.")

    @classmethod
    def of(cls, record: records.SetupIntent) -> "SetupIntent":
        return cls(id=strawberry.ID(record.id), client_secret=record.client_secret, status=record.status)


@strawberry.input(description="Whose card to collect, and whether it becomes their default.")
class CreateSetupIntentInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer (`cus_…`); required with an API key, a customer session's own by default.",
    )
    set_as_default: bool = strawberry.field(
        default=False,
        description="Make the card the customer's default payment method once `completeSetupIntent` sees it "
        "saved.",
    )


@strawberry.type(description="The result of `createSetupIntent`: what Stripe.js needs to collect a card.")
class CreateSetupIntentPayload:
    setup_intent: SetupIntent | None = strawberry.field(description="The SetupIntent; null when refused.")
    publishable_key: str | None = strawberry.field(
        description="The Stripe publishable key (`pk_…`) to load Stripe.js with; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def create_setup_intent(
    info: Info,
    input: Annotated[
        CreateSetupIntentInput, strawberry.argument(description="The customer and the default.")
    ],
) -> CreateSetupIntentPayload:
    outcome = await card_setup.create_setup_intent(
        info.context.request_context, customer_id=input.customer_id, set_as_default=input.set_as_default
    )
    setup = outcome.value
    return CreateSetupIntentPayload(
        setup_intent=None if setup is None else SetupIntent.of(setup.setup_intent),
        publishable_key=None if setup is None else setup.publishable_key,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(description="The SetupIntent the browser has confirmed.")
class CompleteSetupIntentInput:
    setup_intent_id: strawberry.ID = strawberry.field(
        description="The SetupIntent (`seti_…`) from `createSetupIntent`."
    )


@strawberry.type(description="The result of `completeSetupIntent`.")
class CompleteSetupIntentPayload:
    payment_method: PaymentMethod | None = strawberry.field(
        description="The saved card, now listed on the customer; null when refused."
    )
    customer: Customer | None = strawberry.field(
        description="Its customer, with the card as `defaultPaymentMethod` when that was asked; null when "
        "refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def complete_setup_intent(
    info: Info,
    input: Annotated[CompleteSetupIntentInput, strawberry.argument(description="The SetupIntent.")],
) -> CompleteSetupIntentPayload:
    outcome = await card_setup.complete_setup_intent(
        info.context.request_context, setup_intent_id=input.setup_intent_id
    )
    added = outcome.value
    return CompleteSetupIntentPayload(
        payment_method=None if added is None else PaymentMethod.of(added.payment_method),
        customer=None if added is None else Customer.of(added.customer),
        user_errors=user_errors(outcome.errors),
    )
