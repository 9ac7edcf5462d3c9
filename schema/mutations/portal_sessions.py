"""`createPortalSession` (API keys only): a link into Stripe's hosted portal or into this service's."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.catalog import price_by_id
from resolvers.mutations import portal_sessions
from resolvers.subscriptions import subscription_by_id
from schema.catalog import Price
from schema.context import Info
from schema.customers import Customer
from schema.enum_types import graphql_enum
from schema.fields import field
from schema.portal import PortalCapabilities
from schema.subscriptions import Subscription
from schema.user_errors import UserError, user_errors
from stripe_gateway import records

graphql_enum(
    portal_sessions.PortalKind,
    name="PortalSessionKind",
    description="Whose portal a session opens.",
    values={
        portal_sessions.PortalKind.HOSTED: (
            "This service's portal, through a one-time link to `/portal/s/<code>`."
        ),
        portal_sessions.PortalKind.STRIPE: "Stripe's hosted customer portal.",
    },
)


graphql_enum(
    records.PortalFlowType,
    description="A step of the portal a session can open on (a deep link).",
    values={
        records.PortalFlowType.PAYMENT_METHOD_UPDATE: "Add a payment method and make it the default.",
        records.PortalFlowType.SUBSCRIPTION_CANCEL: "Cancel a subscription (offering the retention coupon "
        "that fits, in Stripe's portal).",
        records.PortalFlowType.SUBSCRIPTION_PAUSE: "Pause a subscription's payments.",
        records.PortalFlowType.SUBSCRIPTION_UPDATE: "Pick a new plan for a subscription.",
        records.PortalFlowType.SUBSCRIPTION_UPDATE_CONFIRM: "Confirm a given plan change of a subscription.",
    },
)


graphql_enum(
    records.PortalFlowCompletion,
    description="What the portal shows once a deep-linked flow succeeded, as Stripe's `after_completion`.",
    values={
        records.PortalFlowCompletion.HOSTED_CONFIRMATION: (
            "A confirmation in the portal, with your `customMessage` (or what was done), and the way back."
        ),
        records.PortalFlowCompletion.PORTAL_HOMEPAGE: "The portal's home page.",
        records.PortalFlowCompletion.REDIRECT: "Straight back to a URL of yours (`redirectUrl`).",
    },
)


@strawberry.input(description="The plan change an update-confirm flow proposes for one item.")
class PortalFlowItemInput:
    item_id: strawberry.ID = strawberry.field(description="The subscription item (`si_…`) to change.")
    price_id: strawberry.ID = strawberry.field(description="The price (`price_…`) to move it to.")
    quantity: int | None = strawberry.field(default=None, description="The new quantity; null keeps it.")


@strawberry.input(description="What happens once the flow is done.")
class PortalFlowAfterCompletionInput:
    type: records.PortalFlowCompletion = strawberry.field(description="Where the customer goes.")
    redirect_url: str | None = strawberry.field(
        default=None, description="The http(s) URL to send the customer to; only with REDIRECT."
    )
    custom_message: str | None = strawberry.field(
        default=None,
        description="The message to confirm with (one line, up to 500 characters); only with "
        "HOSTED_CONFIRMATION.",
    )


@strawberry.input(description="A deep link: the step of the portal to open on.")
class PortalFlowInput:
    type: records.PortalFlowType = strawberry.field(description="The step.")
    subscription_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer's subscription (`sub_…`); every flow but PAYMENT_METHOD_UPDATE.",
    )
    items: list[PortalFlowItemInput] | None = strawberry.field(
        default=None, description="The change to confirm; SUBSCRIPTION_UPDATE_CONFIRM only, one item."
    )
    after_completion: PortalFlowAfterCompletionInput | None = strawberry.field(
        default=None,
        description="What happens once the flow is done; null returns to the portal's home page.",
    )


@strawberry.input(description="A portal session to create for one customer.")
class CreatePortalSessionInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer (`cus_…`); or give `externalCustomerId`."
    )
    external_customer_id: str | None = strawberry.field(
        default=None,
        description="The product's own id for the customer (see `linkExternalCustomerId`), instead of "
        "`customerId`; looked up in this service's database.",
    )
    kind: portal_sessions.PortalKind = strawberry.field(description="Whose portal to open.")
    return_url: str | None = strawberry.field(
        default=None,
        description="Where the portal's way back leads (an http(s) URL); null uses the portal "
        "configuration's default return URL.",
    )
    flow: PortalFlowInput | None = strawberry.field(
        default=None, description="A step to open on; null opens the portal's home page."
    )
    configuration_id: strawberry.ID | None = strawberry.field(
        default=None, description="The portal configuration (`bpc_…`) to use; null uses the default one."
    )
    locale: str | None = strawberry.field(
        default=None, description="The portal's language, such as `en`, `de` or `ja` (`auto` for STRIPE)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Your key for this request (1 to 200 characters): a retried STRIPE session is the same "
        "session. A HOSTED link is one-time, so each request gets a new one.",
    )


@strawberry.type(description="One item of an update-confirm flow.")
class PortalFlowItem:
    record: strawberry.Private[records.ItemChange]

    @field("The subscription item (`si_…`) to change.")
    def item_id(self) -> strawberry.ID:
        # A flow moves existing items only (checked when the link is made): the ids are always there.
        return strawberry.ID(self.record.item_id or "")

    @field("The id of the price it moves to (no Stripe call).")
    def price_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.price_id or "")

    @field("The price it moves to.")
    async def price(self, info: Info) -> Price:
        return Price.of(await price_by_id(info.context.request_context, self.record.price_id or ""))

    @field("The new quantity; null keeps the current one.")
    def quantity(self) -> int | None:
        return self.record.quantity


@strawberry.type(description="The step of the portal a session opens on.")
class PortalFlow:
    record: strawberry.Private[records.PortalFlow]

    @field("The step.")
    def type(self) -> records.PortalFlowType:
        return self.record.type

    @field("The id of the subscription the step is about (no Stripe call); null for PAYMENT_METHOD_UPDATE.")
    def subscription_id(self) -> strawberry.ID | None:
        sub = self.record.subscription_id
        return None if sub is None else strawberry.ID(sub)

    @field("The subscription the step is about; null for PAYMENT_METHOD_UPDATE.")
    async def subscription(self, info: Info) -> Subscription | None:
        if self.record.subscription_id is None:
            return None
        return Subscription.of(
            await subscription_by_id(info.context.request_context, self.record.subscription_id)
        )

    @field("The change an update-confirm flow proposes.")
    def items(self) -> list[PortalFlowItem]:
        return [PortalFlowItem(record=item) for item in self.record.items]

    @field("What the portal shows once the flow succeeded.")
    def after_completion(self) -> records.PortalFlowCompletion:
        return self.record.after_completion

    @field("Where the customer is sent once the flow is done, with REDIRECT; null otherwise.")
    def after_completion_redirect_url(self) -> str | None:
        return self.record.after_completion_redirect_url

    @field("The message a HOSTED_CONFIRMATION shows; null for the portal's own.")
    def confirmation_message(self) -> str | None:
        return self.record.confirmation_message


@strawberry.type(description="A portal session: the URL to send the customer to.")
class PortalSession:
    record: strawberry.Private[portal_sessions.CreatedPortalSession]

    @field("The session's id: Stripe's (`bps_…`) for STRIPE, this service's (`pqps_…`) for HOSTED.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("Whose portal the session opens.")
    def kind(self) -> portal_sessions.PortalKind:
        return self.record.kind

    @field("The URL to send the customer to. A HOSTED link works once.")
    def url(self) -> str:
        return self.record.url

    @field("Where the portal's way back leads.")
    def return_url(self) -> str:
        return self.record.return_url

    @field(
        "When a HOSTED link stops working; null for STRIPE sessions, whose lifetime Stripe keeps to itself."
    )
    def expires_at(self) -> datetime | None:
        return self.record.expires_at

    @field("The step the portal opens on; null for its home page.")
    def flow(self) -> PortalFlow | None:
        return None if self.record.flow is None else PortalFlow(record=self.record.flow)

    @field("What the customer may do in the portal.")
    def capabilities(self) -> PortalCapabilities:
        return PortalCapabilities(record=self.record.capabilities)

    @field("The portal configuration (`bpc_…`) in force for the session.")
    def configuration_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.configuration_id)

    @field("The customer.")
    def customer(self, info: Info) -> Customer:
        return Customer.lazy(info, self.record.customer_id)


@strawberry.type(description="The result of `createPortalSession`.")
class CreatePortalSessionPayload:
    portal_session: PortalSession | None = strawberry.field(description="The session; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


def _flow(given: PortalFlowInput | None) -> portal_sessions.FlowRequest | None:
    if given is None:
        return None
    completion = given.after_completion
    return portal_sessions.FlowRequest(
        type=given.type,
        subscription_id=given.subscription_id,
        items=tuple(
            records.ItemChange(item_id=item.item_id, price_id=item.price_id, quantity=item.quantity)
            for item in given.items or ()
        ),
        after_completion=records.PortalFlowCompletion.PORTAL_HOMEPAGE
        if completion is None
        else completion.type,
        redirect_url=None if completion is None else completion.redirect_url,
        confirmation_message=None if completion is None else completion.custom_message,
    )


async def create_portal_session(
    info: Info,
    input: Annotated[CreatePortalSessionInput, strawberry.argument(description="The session to create.")],
) -> CreatePortalSessionPayload:
    outcome = await portal_sessions.create_portal_session(
        info.context.request_context,
        portal_sessions.PortalSessionRequest(
            customer_id=input.customer_id,
            kind=input.kind,
            return_url=input.return_url,
            flow=_flow(input.flow),
            configuration_id=input.configuration_id,
            locale=input.locale,
            idempotency_key=input.idempotency_key,
            external_customer_id=input.external_customer_id,
        ),
    )
    return CreatePortalSessionPayload(
        portal_session=None if outcome.value is None else PortalSession(record=outcome.value),
        user_errors=user_errors(outcome.errors),
    )
