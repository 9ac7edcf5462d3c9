"""`PortalConfiguration`: what the portal lets customers do (Stripe's billing portal configuration), and
`PortalCapabilities`: what it lets one customer do now."""

from datetime import datetime

import strawberry

from resolvers import capabilities
from resolvers.catalog import product_by_id
from resolvers.portal import offered_prices
from schema.catalog import Price, Product
from schema.context import Info
from schema.enums import (
    CancellationFeedback,
    CancelMode,
    CustomerDetail,
    ProrationBehavior,
    SubscriptionUpdateKind,
)
from schema.fields import field
from schema.lookahead import selects
from schema.pausing import SubscriptionPauseFeature
from schema.scalars import instant
from stripe_gateway import records


@strawberry.type(description="The business details shown in the portal.")
class BusinessProfile:
    headline: str | None = strawberry.field(description="A message shown at the top of the portal.")
    privacy_policy_url: str | None = strawberry.field(description="A link to the privacy policy.")
    terms_of_service_url: str | None = strawberry.field(description="A link to the terms of service.")


@strawberry.type(description="Whether customers may change their details, and which ones.")
class CustomerUpdateFeature:
    enabled: bool = strawberry.field(description="Whether customers may change their details.")
    allowed_updates: list[CustomerDetail] = strawberry.field(description="The details they may change.")


@strawberry.type(description="Whether customers may cancel, how, and what they are asked.")
class SubscriptionCancelFeature:
    enabled: bool = strawberry.field(description="Whether customers may cancel subscriptions.")
    mode: CancelMode = strawberry.field(description="When a cancellation takes effect.")
    proration_behavior: ProrationBehavior = strawberry.field(
        description="How an immediate cancellation credits the unused time."
    )
    reason_enabled: bool = strawberry.field(description="Whether customers are asked why they cancel.")
    reason_options: list[CancellationFeedback] = strawberry.field(description="The reasons offered.")


@strawberry.type(description="A product customers may switch plans to, and which of its prices.")
class PortalProduct:
    record: strawberry.Private[records.PortalProduct]

    @field("The product.")
    async def product(self, info: Info) -> Product:
        found = await product_by_id(
            info.context.request_context,
            self.record.product_id,
            with_default_price=selects(info, "defaultPrice"),
        )
        return Product.of(found)

    @field("The prices of the product customers may pick.")
    async def prices(self, info: Info) -> list[Price]:
        found = await offered_prices(info.context.request_context, self.record)
        return [Price.of(price) for price in found]

    @field("Whether customers may change the quantity.")
    def adjustable_quantity(self) -> bool:
        return self.record.adjustable_quantity

    @field("The smallest quantity allowed; null when not limited.")
    def minimum_quantity(self) -> int | None:
        return self.record.minimum_quantity

    @field("The largest quantity allowed; null when not limited.")
    def maximum_quantity(self) -> int | None:
        return self.record.maximum_quantity


@strawberry.type(
    description="Whether customers may change their subscriptions, to what, and how it is billed."
)
class SubscriptionUpdateFeature:
    record: strawberry.Private[records.PortalFeatures]

    @field("Whether customers may change their subscriptions.")
    def enabled(self) -> bool:
        return self.record.subscription_update_enabled

    @field("The kinds of change allowed.")
    def allowed_updates(self) -> list[SubscriptionUpdateKind]:
        return list(self.record.subscription_update_allowed)

    @field("The products (and their prices) customers may switch to.")
    def products(self) -> list[PortalProduct]:
        return [PortalProduct(record=product) for product in self.record.subscription_update_products]

    @field("How a mid-period change is billed.")
    def proration_behavior(self) -> ProrationBehavior:
        return self.record.subscription_update_proration_behavior

    @field("Whether a change restarts the billing cycle at once (Stripe's `billing_cycle_anchor: now`).")
    def resets_billing_cycle(self) -> bool:
        return self.record.subscription_update_resets_billing_cycle

    @field("Whether changing a trialing subscription ends its trial (Stripe's `trial_update_behavior`).")
    def ends_trial(self) -> bool:
        return self.record.subscription_update_ends_trial


@strawberry.type(description="The features of the portal in force.")
class PortalFeatures:
    record: strawberry.Private[records.PortalFeatures]

    @field("Changing the customer's details.")
    def customer_update(self) -> CustomerUpdateFeature:
        return CustomerUpdateFeature(
            enabled=self.record.customer_update_enabled,
            allowed_updates=list(self.record.customer_update_allowed),
        )

    @field("Whether customers may see their past invoices.")
    def invoice_history_enabled(self) -> bool:
        return self.record.invoice_history_enabled

    @field("Whether customers may add, remove and choose payment methods.")
    def payment_method_update_enabled(self) -> bool:
        return self.record.payment_method_update_enabled

    @field("Cancelling subscriptions.")
    def subscription_cancel(self) -> SubscriptionCancelFeature:
        features = self.record
        return SubscriptionCancelFeature(
            enabled=features.subscription_cancel_enabled,
            mode=features.subscription_cancel_mode,
            proration_behavior=features.subscription_cancel_proration_behavior,
            reason_enabled=features.cancellation_reason_enabled,
            reason_options=list(features.cancellation_reason_options),
        )

    @field("Changing subscriptions (plan, quantity, promotion codes).")
    def subscription_update(self) -> SubscriptionUpdateFeature:
        return SubscriptionUpdateFeature(record=self.record)

    @field("Pausing subscriptions' payments, and for how long.")
    def subscription_pause(self) -> SubscriptionPauseFeature:
        return SubscriptionPauseFeature.of(self.record)


@strawberry.type(
    description="What the customer portal lets customers do. The same Stripe configuration drives Stripe's "
    "hosted portal and this API, so a team configures it once."
)
class PortalConfiguration:
    record: strawberry.Private[records.PortalConfiguration]

    @field("The configuration's Stripe id (`bpc_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The configuration's name, for the merchant; null when unnamed.")
    def name(self) -> str | None:
        return self.record.name

    @field("Whether this is the account's default configuration.")
    def is_default(self) -> bool:
        return self.record.is_default

    @field("Whether the configuration can be used for new portal sessions.")
    def active(self) -> bool:
        return self.record.active

    @field("The business details shown in the portal.")
    def business_profile(self) -> BusinessProfile:
        profile = self.record.business_profile
        return BusinessProfile(
            headline=profile.headline,
            privacy_policy_url=profile.privacy_policy_url,
            terms_of_service_url=profile.terms_of_service_url,
        )

    @field("Where customers go when they leave the portal, unless a session says otherwise.")
    def default_return_url(self) -> str | None:
        return self.record.default_return_url

    @field("The features in force.")
    def features(self) -> PortalFeatures:
        return PortalFeatures(record=self.record.features)

    @field("When the configuration was created.")
    def created(self) -> datetime:
        return instant(self.record.created)


@strawberry.type(
    description="What the customer may do in the portal now, from its configuration and the customer's "
    "subscriptions. A portal page renders it; the API enforces the same rules. A customer session's scopes "
    "(`Viewer.scopes`) limit it further."
)
class PortalCapabilities:
    record: strawberry.Private[capabilities.PortalCapabilities]

    @field("Whether the customer may see past invoices.")
    def view_invoices(self) -> bool:
        return self.record.view_invoices

    @field("Whether the customer may add, remove and choose payment methods.")
    def update_payment_methods(self) -> bool:
        return self.record.update_payment_methods

    @field("Whether the customer may add a card (`createSetupIntent`): allowed, and Stripe.js can run.")
    def add_payment_methods(self) -> bool:
        return self.record.add_payment_methods

    @field("Whether the customer may pay open invoices here (`payInvoice`).")
    def pay_invoices(self) -> bool:
        return self.record.pay_invoices

    @field("The contact details the customer may change.")
    def update_customer_fields(self) -> list[CustomerDetail]:
        return list(self.record.update_customer_fields)

    @field("Whether the customer may cancel (some subscription is still to cancel).")
    async def cancel_subscriptions(self) -> bool:
        return await self.record.cancel_subscriptions()

    @field("When a cancellation takes effect.")
    def cancel_mode(self) -> CancelMode:
        return self.record.cancel_mode

    @field("The reasons the customer can pick from when cancelling.")
    def cancellation_reasons(self) -> list[CancellationFeedback]:
        return [CancellationFeedback(reason.value) for reason in self.record.cancellation_reasons]

    @field(
        "Whether the customer's only payment method may be removed: not while a subscription runs, since it "
        "would have nothing to charge (`detachPaymentMethod` answers `LAST_PAYMENT_METHOD`)."
    )
    async def remove_last_payment_method(self) -> bool:
        return await self.record.remove_last_payment_method()

    @field("Whether the customer may change plan (some subscription could switch to an offered price).")
    async def change_plans(self) -> bool:
        return await self.record.change_plans()
