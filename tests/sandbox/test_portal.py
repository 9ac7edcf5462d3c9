"""Customer portal configurations and sessions, validated the way Stripe validates them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

from stripe_sandbox.resources.portal import new_configuration

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle

CONFIGURATIONS = "v1/billing_portal/configurations"


@pytest.fixture
async def configuration(
    stripe_client: stripe.StripeClient, monthly_price: stripe.Price
) -> stripe.billing_portal.Configuration:
    """A configuration with every feature a deep-link flow needs switched on."""
    return await stripe_client.v1.billing_portal.configurations.create_async(
        {
            "business_profile": {"headline": "Manage your plan"},
            "default_return_url": "https://app.example.com/billing",
            "features": {
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
                    "products": [{"product": str(monthly_price.product), "prices": [monthly_price.id]}],
                },
            },
        }
    )


async def test_a_configuration_fills_stripes_defaults_for_what_it_leaves_out(
    stripe_client: stripe.StripeClient,
) -> None:
    created = await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": {"invoice_history": {"enabled": True}}}
    )

    features = created.features
    assert created.id.startswith("bpc_")
    assert (created.active, created.is_default, created.livemode) == (True, False, False)
    assert features.invoice_history.enabled is True
    assert (features.customer_update.enabled, features.customer_update.allowed_updates) == (False, [])
    assert (features.subscription_cancel.enabled, features.subscription_cancel.mode) == (
        False,
        "at_period_end",
    )
    assert features.subscription_cancel.proration_behavior == "none"
    assert (features.subscription_update.enabled, features.subscription_update.proration_behavior) == (
        False,
        "none",
    )
    assert features.subscription_update.trial_update_behavior == "end_trial"
    assert created.business_profile.to_dict() == {
        "headline": None,
        "privacy_policy_url": None,
        "terms_of_service_url": None,
    }
    assert created.login_page.to_dict() == {"enabled": False, "url": None}


async def test_a_configuration_keeps_what_was_given(
    configuration: stripe.billing_portal.Configuration, monthly_price: stripe.Price
) -> None:
    update = configuration.features.subscription_update
    assert update.products is not None
    assert [(p.product, p.prices) for p in update.products] == [(monthly_price.product, [monthly_price.id])]
    assert (update.enabled, update.default_allowed_updates, update.proration_behavior) == (
        True,
        ["price"],
        "always_invoice",
    )
    reasons = configuration.features.subscription_cancel.cancellation_reason
    assert (reasons.enabled, reasons.options) == (True, ["too_expensive", "unused"])
    assert configuration.business_profile.headline == "Manage your plan"


async def test_canceling_never_invoices(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.configurations.create_async(
            {"features": {"subscription_cancel": {"enabled": True, "proration_behavior": "always_invoice"}}}  # type: ignore[typeddict-item]
        )

    assert raised.value.http_status == 400
    assert raised.value.param == "features[subscription_cancel][proration_behavior]"


async def test_prorating_a_cancellation_needs_immediate_cancellation(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.configurations.create_async(
            {
                "features": {
                    "subscription_cancel": {"enabled": True, "proration_behavior": "create_prorations"}
                }
            }
        )

    assert raised.value.param == "features[subscription_cancel][proration_behavior]"


async def test_enabling_plan_changes_needs_products(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.configurations.create_async(
            {"features": {"subscription_update": {"enabled": True, "default_allowed_updates": ["price"]}}}
        )

    assert raised.value.param == "features[subscription_update][products]"


async def test_a_plan_change_price_must_belong_to_its_product(
    stripe_client: stripe.StripeClient, monthly_price: stripe.Price
) -> None:
    other = await stripe_client.v1.products.create_async({"name": "Other"})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.configurations.create_async(
            {
                "features": {
                    "subscription_update": {
                        "enabled": True,
                        "default_allowed_updates": ["price"],
                        "products": [{"product": other.id, "prices": [monthly_price.id]}],
                    }
                }
            }
        )

    assert raised.value.param == "features[subscription_update][products][0][prices][0]"


async def test_a_cancellation_reason_needs_options(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.configurations.create_async(
            {"features": {"subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True}}}}  # type: ignore[typeddict-item]
        )

    assert raised.value.param == "features[subscription_cancel][cancellation_reason][options]"


async def test_features_are_required(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.configurations.create_async({"name": "none"})  # type: ignore[typeddict-item]

    assert (raised.value.code, raised.value.param) == ("parameter_missing", "features")


async def test_an_update_merges_features_and_emits_the_previous_values(
    stripe_client: stripe.StripeClient, configuration: stripe.billing_portal.Configuration
) -> None:
    updated = await stripe_client.v1.billing_portal.configurations.update_async(
        configuration.id,
        {"features": {"subscription_cancel": {"mode": "immediately"}}, "metadata": {"team": "growth"}},
    )

    cancel = updated.features.subscription_cancel
    assert (cancel.enabled, cancel.mode, cancel.cancellation_reason.options) == (
        True,
        "immediately",
        ["too_expensive", "unused"],
    )
    assert updated.metadata is not None
    assert updated.metadata.to_dict() == {"team": "growth"}
    event = (await stripe_client.v1.events.list_async({"type": "billing_portal.configuration.updated"})).data[
        0
    ]
    assert event.data.previous_attributes is not None
    assert event.data.previous_attributes["features"]["subscription_cancel"]["mode"] == "at_period_end"


async def test_configurations_list_by_active_and_default(
    stripe_client: stripe.StripeClient,
    sandbox: SandboxHandle,
    configuration: stripe.billing_portal.Configuration,
) -> None:
    default = new_configuration(
        sandbox.state.store, features={"invoice_history": {"enabled": True}}, is_default=True
    )
    await stripe_client.v1.billing_portal.configurations.update_async(configuration.id, {"active": False})

    defaults = await stripe_client.v1.billing_portal.configurations.list_async({"is_default": True})
    inactive = await stripe_client.v1.billing_portal.configurations.list_async({"active": False})
    fetched = await stripe_client.v1.billing_portal.configurations.retrieve_async(configuration.id)

    assert [c.id for c in defaults.data] == [default["id"]]
    assert [c.id for c in inactive.data] == [configuration.id]
    assert fetched.active is False


async def test_the_default_configuration_cannot_be_deactivated(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    default = new_configuration(sandbox.state.store, features={}, is_default=True)

    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.billing_portal.configurations.update_async(default["id"], {"active": False})


async def test_a_session_uses_the_default_configuration_when_none_is_named(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    default = new_configuration(
        sandbox.state.store, features={}, is_default=True, default_return_url="https://app.example.com/"
    )

    session = await stripe_client.v1.billing_portal.sessions.create_async(
        {"customer": customer.id, "locale": "fr"}
    )

    assert session.id.startswith("bps_")
    assert (session.configuration, session.customer, session.locale) == (default["id"], customer.id, "fr")
    assert session.return_url == "https://app.example.com/"
    assert session.flow is None
    assert session.url.startswith("https://billing.stripe.com/p/session/test_")
    event = (await stripe_client.v1.events.list_async({"type": "billing_portal.session.created"})).data[0]
    assert event.data.object["id"] == session.id


async def test_a_session_url_points_at_the_configured_portal(
    stripe_client: stripe.StripeClient,
    sandbox: SandboxHandle,
    customer: stripe.Customer,
    configuration: stripe.billing_portal.Configuration,
) -> None:
    sandbox.state.portal_base_url = "http://127.0.0.1:8000/portal/stripe/"
    try:
        session = await stripe_client.v1.billing_portal.sessions.create_async(
            {"customer": customer.id, "configuration": configuration.id, "return_url": "https://x.example/"}
        )
    finally:
        sandbox.state.portal_base_url = None

    assert session.url.startswith("http://127.0.0.1:8000/portal/stripe/test_")
    assert session.return_url == "https://x.example/"


async def test_a_session_needs_an_existing_customer(
    stripe_client: stripe.StripeClient, configuration: stripe.billing_portal.Configuration
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {"customer": "cus_nope", "configuration": configuration.id}
        )

    assert (raised.value.http_status, raised.value.param) == (404, "customer")


async def test_without_a_default_configuration_a_session_needs_one_named(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    for existing in sandbox.state.store.iter_type("billing_portal.configuration"):
        existing["is_default"] = False

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.sessions.create_async({"customer": customer.id})

    assert raised.value.error is not None
    assert "customer portal settings" in str(raised.value.error.message)


async def test_an_inactive_configuration_cannot_open_sessions(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    configuration: stripe.billing_portal.Configuration,
) -> None:
    await stripe_client.v1.billing_portal.configurations.update_async(configuration.id, {"active": False})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {"customer": customer.id, "configuration": configuration.id}
        )

    assert raised.value.param == "configuration"


async def test_a_cancel_flow_with_a_redirect_after_completion(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    configuration: stripe.billing_portal.Configuration,
    subscription: stripe.Subscription,
) -> None:
    session = await stripe_client.v1.billing_portal.sessions.create_async(
        {
            "customer": customer.id,
            "configuration": configuration.id,
            "flow_data": {
                "type": "subscription_cancel",
                "subscription_cancel": {"subscription": subscription.id},
                "after_completion": {
                    "type": "redirect",
                    "redirect": {"return_url": "https://app.example.com/bye"},
                },
            },
        }
    )

    flow = session.flow
    assert flow is not None
    assert flow.type == "subscription_cancel"
    assert flow.subscription_cancel is not None
    assert flow.subscription_cancel.subscription == subscription.id
    assert (flow.subscription_update, flow.subscription_update_confirm) == (None, None)
    assert flow.after_completion.type == "redirect"
    assert flow.after_completion.redirect is not None
    assert flow.after_completion.redirect.return_url == "https://app.example.com/bye"


async def test_an_update_confirm_flow_names_the_item_and_its_new_price(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    configuration: stripe.billing_portal.Configuration,
    subscription: stripe.Subscription,
    monthly_price: stripe.Price,
) -> None:
    item = subscription["items"].data[0]

    session = await stripe_client.v1.billing_portal.sessions.create_async(
        {
            "customer": customer.id,
            "configuration": configuration.id,
            "flow_data": {
                "type": "subscription_update_confirm",
                "subscription_update_confirm": {
                    "subscription": subscription.id,
                    "items": [{"id": item.id, "price": monthly_price.id, "quantity": 2}],
                },
            },
        }
    )

    assert session.flow is not None
    confirm = session.flow.subscription_update_confirm
    assert confirm is not None
    assert [(i.id, i.price) for i in confirm.items] == [(item.id, monthly_price.id)]
    assert session.flow.after_completion.type == "portal_homepage"


async def test_flows_that_stripe_refuses(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    configuration: stripe.billing_portal.Configuration,
    subscription: stripe.Subscription,
) -> None:
    other = await stripe_client.v1.customers.create_async({"email": "mallory@example.com"})
    refused: dict[str, stripe.params.billing_portal.SessionCreateParamsFlowData] = {
        "flow_data[subscription_cancel][subscription]": {
            "type": "subscription_cancel",
            "subscription_cancel": {"subscription": "sub_nope"},
        },
        "flow_data[subscription_update]": {"type": "subscription_update"},
        "flow_data[subscription_update_confirm][items]": {
            "type": "subscription_update_confirm",
            "subscription_update_confirm": {"subscription": subscription.id, "items": []},
        },
        "flow_data[after_completion][redirect][return_url]": {
            "type": "payment_method_update",
            "after_completion": {"type": "redirect"},
        },
        "flow_data[type]": {"type": "teleport"},  # type: ignore[typeddict-item]
    }
    for param, flow_data in refused.items():
        with pytest.raises(stripe.InvalidRequestError) as raised:
            await stripe_client.v1.billing_portal.sessions.create_async(
                {"customer": customer.id, "configuration": configuration.id, "flow_data": flow_data}
            )
        assert raised.value.param == param, flow_data

    with pytest.raises(stripe.InvalidRequestError) as not_theirs:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {
                "customer": other.id,
                "configuration": configuration.id,
                "flow_data": {
                    "type": "subscription_update",
                    "subscription_update": {"subscription": subscription.id},
                },
            }
        )
    assert not_theirs.value.param == "flow_data[subscription_update][subscription]"


async def test_a_canceled_subscription_cannot_be_managed_through_a_flow(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    configuration: stripe.billing_portal.Configuration,
    subscription: stripe.Subscription,
) -> None:
    await stripe_client.v1.subscriptions.cancel_async(subscription.id)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {
                "customer": customer.id,
                "configuration": configuration.id,
                "flow_data": {
                    "type": "subscription_cancel",
                    "subscription_cancel": {"subscription": subscription.id},
                },
            }
        )

    assert raised.value.param == "flow_data[subscription_cancel][subscription]"


async def test_a_flow_needs_its_feature_enabled(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    bare = await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": {"invoice_history": {"enabled": True}}}
    )

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {
                "customer": customer.id,
                "configuration": bare.id,
                "flow_data": {"type": "payment_method_update"},
            }
        )

    assert raised.value.param == "flow_data[type]"
