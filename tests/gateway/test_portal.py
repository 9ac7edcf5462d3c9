"""Billing portal: configurations with Stripe's `features`, and sessions with deep-link flows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import NotFound
from stripe_gateway.records import (
    CancellationFeedback,
    ItemChange,
    PortalFlow,
    PortalFlowCompletion,
    PortalFlowType,
)

if TYPE_CHECKING:
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Catalog, Subscribed


@pytest.fixture
async def configuration_id(stripe_admin: stripe.StripeClient, catalog: Catalog) -> str:
    configuration = await stripe_admin.v1.billing_portal.configurations.create_async(
        {
            "name": "Contract portal",
            "business_profile": {"headline": "Manage your plan"},
            "default_return_url": "https://app.example.com/billing",
            "features": {
                "customer_update": {"enabled": True, "allowed_updates": ["email", "address"]},
                "invoice_history": {"enabled": True},
                "payment_method_update": {"enabled": True},
                "subscription_cancel": {
                    "enabled": True,
                    "mode": "at_period_end",
                    "cancellation_reason": {"enabled": True, "options": ["too_expensive", "unused"]},
                },
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price"],
                    "proration_behavior": "always_invoice",
                    "products": [
                        {
                            "product": catalog.product_id,
                            "prices": [catalog.basic_price_id, catalog.pro_price_id],
                        }
                    ],
                },
            },
            "metadata": {"suite": "gateway"},
        }
    )
    return configuration.id


async def test_retrieve_portal_configuration_maps_the_features(
    gateway: StripeGateway, configuration_id: str, catalog: Catalog
) -> None:
    configuration = await gateway.retrieve_portal_configuration(configuration_id)

    assert configuration.id == configuration_id
    assert (configuration.name, configuration.active, configuration.is_default) == (
        "Contract portal",
        True,
        False,
    )
    assert configuration.business_profile.headline == "Manage your plan"
    assert configuration.default_return_url == "https://app.example.com/billing"
    assert configuration.metadata == {"suite": "gateway"}
    features = configuration.features
    assert (features.customer_update_enabled, set(features.customer_update_allowed)) == (
        True,
        {"email", "address"},
    )
    assert features.invoice_history_enabled is True
    assert features.payment_method_update_enabled is True
    assert (features.subscription_cancel_enabled, features.subscription_cancel_mode) == (
        True,
        "at_period_end",
    )
    assert features.subscription_cancel_proration_behavior == "none"
    assert features.cancellation_reason_enabled is True
    assert set(features.cancellation_reason_options) == {
        CancellationFeedback.TOO_EXPENSIVE,
        CancellationFeedback.UNUSED,
    }
    assert (features.subscription_update_enabled, features.subscription_update_allowed) == (True, ("price",))
    assert features.subscription_update_proration_behavior == "always_invoice"
    [product] = features.subscription_update_products
    assert (product.product_id, product.price_ids) == (
        catalog.product_id,
        (catalog.basic_price_id, catalog.pro_price_id),
    )
    assert product.adjustable_quantity is False


async def test_retrieve_missing_portal_configuration_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound):
        await gateway.retrieve_portal_configuration("bpc_doesnotexist0000")


@pytest.mark.sandbox_only
async def test_default_portal_configuration_is_the_seeded_default(gateway: StripeGateway) -> None:
    configuration = await gateway.default_portal_configuration()

    assert configuration.is_default is True
    assert await gateway.retrieve_portal_configuration(configuration.id) == configuration


async def test_create_portal_session_with_a_cancel_flow(
    gateway: StripeGateway, subscribed: Subscribed, configuration_id: str
) -> None:
    session = await gateway.create_portal_session(
        subscribed.customer_id,
        return_url="https://app.example.com/account",
        configuration_id=configuration_id,
        locale="en",
        flow=PortalFlow(
            PortalFlowType.SUBSCRIPTION_CANCEL,
            subscription_id=subscribed.subscription_id,
            after_completion_redirect_url="https://app.example.com/bye",
            after_completion=PortalFlowCompletion.REDIRECT,
        ),
        idempotency_key="portal-cancel",
    )

    assert session.id.startswith("bps_")
    assert session.url.startswith("https://")
    assert session.customer_id == subscribed.customer_id
    assert session.configuration_id == configuration_id
    assert (session.return_url, session.locale) == ("https://app.example.com/account", "en")


async def test_a_hosted_confirmation_after_completion_carries_its_message(
    gateway: StripeGateway, subscribed: Subscribed, configuration_id: str
) -> None:
    session = await gateway.create_portal_session(
        subscribed.customer_id,
        return_url="https://app.example.com/account",
        configuration_id=configuration_id,
        locale=None,
        flow=PortalFlow(
            PortalFlowType.PAYMENT_METHOD_UPDATE,
            after_completion=PortalFlowCompletion.HOSTED_CONFIRMATION,
            confirmation_message="Your card is saved.",
        ),
        idempotency_key="portal-confirmation",
    )

    # Stripe accepted Stripe's documented shape (the sandbox refuses any other).
    assert session.id.startswith("bps_")
    assert session.customer_id == subscribed.customer_id


async def test_create_portal_session_with_an_update_confirm_flow(
    gateway: StripeGateway, subscribed: Subscribed, configuration_id: str, catalog: Catalog
) -> None:
    session = await gateway.create_portal_session(
        subscribed.customer_id,
        return_url=None,
        configuration_id=configuration_id,
        locale=None,
        flow=PortalFlow(
            PortalFlowType.SUBSCRIPTION_UPDATE_CONFIRM,
            subscription_id=subscribed.subscription_id,
            items=(ItemChange(subscribed.item_id, catalog.pro_price_id, quantity=1),),
        ),
        idempotency_key="portal-confirm",
    )

    assert session.return_url == "https://app.example.com/billing"
    assert session.configuration_id == configuration_id


async def test_create_portal_session_replayed_with_the_same_key_is_the_same_session(
    gateway: StripeGateway, subscribed: Subscribed, configuration_id: str
) -> None:
    arguments = {"return_url": None, "configuration_id": configuration_id, "locale": None, "flow": None}
    first = await gateway.create_portal_session(subscribed.customer_id, **arguments, idempotency_key="portal")

    again = await gateway.create_portal_session(subscribed.customer_id, **arguments, idempotency_key="portal")

    assert again == first


async def test_a_subscription_flow_without_its_subscription_is_refused(
    gateway: StripeGateway, subscribed: Subscribed, configuration_id: str
) -> None:
    with pytest.raises(ValueError, match="needs the subscription"):
        await gateway.create_portal_session(
            subscribed.customer_id,
            return_url=None,
            configuration_id=configuration_id,
            locale=None,
            flow=PortalFlow(PortalFlowType.SUBSCRIPTION_UPDATE),
            idempotency_key="portal-bad",
        )
