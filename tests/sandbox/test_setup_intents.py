"""SetupIntents and cards typed in a browser: Stripe's test cards saved, declined or sent through 3-D
Secure, and what a publishable key may do."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.fixtures.sandbox import SandboxHandle


@pytest.fixture
async def browser(sandbox: SandboxHandle) -> AsyncIterator[stripe.StripeClient]:
    """The SDK with only a publishable key, as Stripe.js calls the API."""
    http = stripe.HTTPXClient(timeout=10.0)
    yield stripe.StripeClient(
        "pk_test_sandbox", http_client=http, base_addresses={"api": sandbox.url}, max_network_retries=0
    )
    await http.close_async()


def _card(number: str) -> dict[str, object]:
    return {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}


async def _setup_intent(stripe_client: stripe.StripeClient, customer: stripe.Customer) -> stripe.SetupIntent:
    return await stripe_client.v1.setup_intents.create_async(
        {"customer": customer.id, "usage": "off_session", "payment_method_types": ["card"]}
    )


def _event_types(sandbox: SandboxHandle) -> list[str]:
    return [event["type"] for event in sandbox.state.store.events]


async def test_a_card_confirmed_in_the_browser_is_saved_to_the_customer(
    stripe_client: stripe.StripeClient,
    browser: stripe.StripeClient,
    customer: stripe.Customer,
    sandbox: SandboxHandle,
) -> None:
    intent = await _setup_intent(stripe_client, customer)
    assert (intent.status, intent.usage, intent.customer) == (
        "requires_payment_method",
        "off_session",
        customer.id,
    )
    secret = intent.client_secret
    assert secret is not None
    assert secret.startswith(f"{intent.id}_secret_")

    card = await browser.v1.payment_methods.create_async(_card("4242424242424242"))  # type: ignore[arg-type]
    confirmed = await browser.v1.setup_intents.confirm_async(
        intent.id,
        {"payment_method": card.id, "client_secret": secret},  # type: ignore[typeddict-unknown-key]
    )

    assert (confirmed.status, confirmed.payment_method) == ("succeeded", card.id)
    saved = await stripe_client.v1.payment_methods.retrieve_async(card.id)
    assert saved.customer == customer.id
    assert saved.card is not None
    assert (saved.card.brand, saved.card.last4) == ("visa", "4242")
    assert {"payment_method.attached", "setup_intent.succeeded"} <= set(_event_types(sandbox))


@pytest.mark.parametrize(
    ("number", "decline_code"),
    [("4000000000000002", "generic_decline"), ("4000000000009995", "insufficient_funds")],
)
async def test_a_declining_card_is_not_saved(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    sandbox: SandboxHandle,
    *,
    number: str,
    decline_code: str,
) -> None:
    intent = await _setup_intent(stripe_client, customer)
    card = await stripe_client.v1.payment_methods.create_async(_card(number))  # type: ignore[arg-type]

    with pytest.raises(stripe.CardError) as raised:
        await stripe_client.v1.setup_intents.confirm_async(intent.id, {"payment_method": card.id})

    assert raised.value.error is not None
    assert (raised.value.code, raised.value.error.decline_code) == ("card_declined", decline_code)
    failed = await stripe_client.v1.setup_intents.retrieve_async(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_setup_error is not None
    assert failed.last_setup_error.decline_code == decline_code
    assert (await stripe_client.v1.payment_methods.retrieve_async(card.id)).customer is None
    assert "setup_intent.setup_failed" in _event_types(sandbox)


async def test_a_card_that_declines_when_charged_is_saved(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    intent = await _setup_intent(stripe_client, customer)

    confirmed = await stripe_client.v1.setup_intents.confirm_async(
        intent.id, {"payment_method": "pm_card_chargeCustomerFail"}
    )

    assert confirmed.status == "succeeded"
    saved = await stripe_client.v1.payment_methods.retrieve_async(str(confirmed.payment_method))
    assert saved.customer == customer.id
    assert saved.card is not None
    assert saved.card.last4 == "0341"


@pytest.mark.parametrize(
    ("outcome", "status"), [("complete", "succeeded"), ("fail", "requires_payment_method")]
)
async def test_three_d_secure_decides_whether_the_card_is_saved(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    sandbox: SandboxHandle,
    *,
    outcome: str,
    status: str,
) -> None:
    intent = await _setup_intent(stripe_client, customer)
    waiting = await stripe_client.v1.setup_intents.confirm_async(
        intent.id, {"payment_method": "pm_card_authenticationRequired"}
    )
    assert waiting.status == "requires_action"
    assert waiting.next_action is not None
    assert waiting.next_action.type == "use_stripe_sdk"
    card = str(waiting.payment_method)

    sandbox.authenticate(intent.id, outcome)

    after = await stripe_client.v1.setup_intents.retrieve_async(intent.id)
    assert after.status == status
    owner = (await stripe_client.v1.payment_methods.retrieve_async(card)).customer
    assert owner == (customer.id if outcome == "complete" else None)
    if outcome == "fail":
        assert after.last_setup_error is not None
        assert after.last_setup_error.code == "setup_intent_authentication_failure"


async def test_a_setup_intent_can_be_cancelled_once(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    intent = await _setup_intent(stripe_client, customer)

    cancelled = await stripe_client.v1.setup_intents.cancel_async(
        intent.id, {"cancellation_reason": "abandoned"}
    )

    assert (cancelled.status, cancelled.cancellation_reason) == ("canceled", "abandoned")
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.setup_intents.confirm_async(intent.id, {"payment_method": "pm_card_visa"})
    assert raised.value.code == "setup_intent_unexpected_state"


async def test_an_incorrect_card_number_is_a_card_error(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError) as raised:
        await stripe_client.v1.payment_methods.create_async(_card("4242424242424241"))  # type: ignore[arg-type]

    assert raised.value.code == "incorrect_number"


async def test_a_publishable_key_needs_the_intents_client_secret(
    stripe_client: stripe.StripeClient, browser: stripe.StripeClient, customer: stripe.Customer
) -> None:
    intent = await _setup_intent(stripe_client, customer)
    other = await _setup_intent(stripe_client, customer)

    with pytest.raises(stripe.InvalidRequestError) as without:
        await browser.v1.setup_intents.retrieve_async(intent.id)
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await browser.v1.setup_intents.retrieve_async(
            intent.id,
            {"client_secret": other.client_secret},  # type: ignore[typeddict-unknown-key]
        )
    found = await browser.v1.setup_intents.retrieve_async(
        intent.id,
        {"client_secret": intent.client_secret},  # type: ignore[typeddict-unknown-key]
    )

    assert (without.value.param, foreign.value.param) == ("client_secret", "client_secret")
    assert found.id == intent.id


@pytest.mark.parametrize(
    "call",
    ["customers.list", "setup_intents.create", "invoices.pay", "payment_methods.attach"],
)
async def test_a_publishable_key_is_refused_everywhere_else(
    browser: stripe.StripeClient, customer: stripe.Customer, *, call: str
) -> None:
    requests = {
        "customers.list": browser.v1.customers.list_async,
        "setup_intents.create": lambda: browser.v1.setup_intents.create_async({"customer": customer.id}),
        "invoices.pay": lambda: browser.v1.invoices.pay_async("in_anything"),
        "payment_methods.attach": lambda: browser.v1.payment_methods.attach_async(
            "pm_card_visa", {"customer": customer.id}
        ),
    }

    with pytest.raises(stripe.AuthenticationError) as raised:
        await requests[call]()

    assert "publishable API key" in str(raised.value)
