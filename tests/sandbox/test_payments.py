"""Payment intents and charges as billing records them, and refunds limited to what is left on a charge."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

from stripe_sandbox.resources.payment_methods import new_card
from stripe_sandbox.resources.payments import charge
from stripe_sandbox.wire import StripeError

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.fixtures.sandbox import SandboxHandle
    from tests.sandbox.conftest import Paid


async def test_a_charge_is_a_succeeded_intent_with_its_latest_charge(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, pay: Callable[..., Paid]
) -> None:
    paid = pay(2500)

    intent = await stripe_client.v1.payment_intents.retrieve_async(paid.payment_intent)
    result = await stripe_client.v1.charges.retrieve_async(paid.charge)

    assert (intent.status, intent.amount, intent.amount_received, intent.latest_charge) == (
        "succeeded",
        2500,
        2500,
        paid.charge,
    )
    assert intent.payment_method == customer.invoice_settings.default_payment_method
    assert (result.status, result.paid, result.captured, result.amount_captured) == (
        "succeeded",
        True,
        True,
        2500,
    )
    assert (result.payment_intent, result.customer, result.amount_refunded, result.refunded) == (
        paid.payment_intent,
        customer.id,
        0,
        False,
    )
    assert result.payment_method_details is not None
    assert result.payment_method_details.card is not None
    assert result.payment_method_details.card.last4 == "4242"


async def test_intents_and_charges_list_by_customer_and_intent(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, pay: Callable[..., Paid]
) -> None:
    first, second = pay(100), pay(200)

    intents = await stripe_client.v1.payment_intents.list_async({"customer": customer.id})
    charges = await stripe_client.v1.charges.list_async({"customer": customer.id})
    of_first = await stripe_client.v1.charges.list_async({"payment_intent": first.payment_intent})

    assert [i.id for i in intents.data] == [second.payment_intent, first.payment_intent]
    assert [c.id for c in charges.data] == [second.charge, first.charge]
    assert [c.id for c in of_first.data] == [first.charge]


async def test_a_declining_card_fails_like_stripe_and_records_the_attempt(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    store = sandbox.state.store
    card = new_card(store, customer=customer.id, last4="9995")

    with pytest.raises(StripeError) as raised:
        charge(store, customer=customer.id, amount=900, currency="usd", payment_method=card["id"])

    error = raised.value
    assert (error.status, error.type, error.code) == (402, "card_error", "card_declined")
    assert error.extra["decline_code"] == "insufficient_funds"
    failed = await stripe_client.v1.charges.retrieve_async(error.extra["charge"])
    assert (failed.status, failed.paid, failed.failure_code) == ("failed", False, "card_declined")
    assert failed.outcome is not None
    assert failed.outcome.reason == "insufficient_funds"
    intent = await stripe_client.v1.payment_intents.retrieve_async(error.extra["payment_intent"]["id"])
    assert (intent.status, intent.latest_charge, intent.amount_received) == (
        "requires_payment_method",
        failed.id,
        0,
    )
    assert intent.last_payment_error is not None
    assert intent.last_payment_error.decline_code == "insufficient_funds"


@pytest.mark.parametrize(
    ("token", "decline"),
    [
        ("pm_card_visa_chargeDeclined", "generic_decline"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds"),
    ],
)
async def test_a_card_declined_by_its_issuer_is_refused_when_attached(
    stripe_client: stripe.StripeClient,
    sandbox: SandboxHandle,
    customer: stripe.Customer,
    token: str,
    decline: str,
) -> None:
    before = await stripe_client.v1.customers.payment_methods.list_async(customer.id)

    with pytest.raises(stripe.CardError) as raised:
        await stripe_client.v1.payment_methods.attach_async(token, {"customer": customer.id})

    assert raised.value.code == "card_declined"
    assert raised.value.error is not None
    assert raised.value.error.decline_code == decline
    after = await stripe_client.v1.customers.payment_methods.list_async(customer.id)
    assert [card.id for card in after.data] == [card.id for card in before.data]


async def test_the_customer_fail_token_attaches_and_then_declines(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    card = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer.id}
    )

    with pytest.raises(StripeError) as raised:
        charge(sandbox.state.store, customer=customer.id, amount=900, currency="usd", payment_method=card.id)

    assert raised.value.extra["decline_code"] == "generic_decline"
    assert raised.value.message == "Your card was declined."


async def test_a_partial_refund_then_the_rest(
    stripe_client: stripe.StripeClient, pay: Callable[..., Paid]
) -> None:
    paid = pay(1000)

    partial = await stripe_client.v1.refunds.create_async(
        {
            "charge": paid.charge,
            "amount": 300,
            "reason": "requested_by_customer",
            "metadata": {"ticket": "T-1"},
        }
    )
    after_partial = await stripe_client.v1.charges.retrieve_async(paid.charge)
    rest = await stripe_client.v1.refunds.create_async({"payment_intent": paid.payment_intent})
    after_rest = await stripe_client.v1.charges.retrieve_async(paid.charge)

    assert (partial.amount, partial.status, partial.reason, partial.charge) == (
        300,
        "succeeded",
        "requested_by_customer",
        paid.charge,
    )
    assert partial.metadata.to_dict() == {"ticket": "T-1"}
    assert (after_partial.amount_refunded, after_partial.refunded) == (300, False)
    assert (rest.amount, rest.payment_intent) == (700, paid.payment_intent)
    assert (after_rest.amount_refunded, after_rest.refunded) == (1000, True)
    assert after_rest.refunds is not None
    assert [r.id for r in after_rest.refunds.data] == [rest.id, partial.id]


async def test_a_refund_beyond_the_remainder_fails_with_amount_too_large(
    stripe_client: stripe.StripeClient, pay: Callable[..., Paid]
) -> None:
    paid = pay(1000)
    await stripe_client.v1.refunds.create_async({"charge": paid.charge, "amount": 300})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.refunds.create_async({"charge": paid.charge, "amount": 800})

    error = raised.value
    assert (error.http_status, error.code, error.param) == (400, "amount_too_large", "amount")
    assert error.error is not None
    assert error.error.message == "Refund amount ($8.00) is greater than unrefunded amount on charge ($7.00)"
    unchanged = await stripe_client.v1.charges.retrieve_async(paid.charge)
    assert unchanged.amount_refunded == 300


async def test_a_first_refund_above_the_charge_names_the_charge_amount(
    stripe_client: stripe.StripeClient, pay: Callable[..., Paid]
) -> None:
    paid = pay(1500, "jpy")

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.refunds.create_async({"charge": paid.charge, "amount": 2000})

    assert raised.value.error is not None
    assert raised.value.error.message == "Refund amount (¥2,000) is greater than charge amount (¥1,500)"


async def test_refunding_a_fully_refunded_charge_fails_with_charge_already_refunded(
    stripe_client: stripe.StripeClient, pay: Callable[..., Paid]
) -> None:
    paid = pay(1000)
    await stripe_client.v1.refunds.create_async({"charge": paid.charge})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.refunds.create_async({"payment_intent": paid.payment_intent, "amount": 1})

    assert (raised.value.http_status, raised.value.code) == (400, "charge_already_refunded")
    assert raised.value.error is not None
    assert raised.value.error.message == f"Charge {paid.charge} has already been refunded."


async def test_a_refund_needs_a_charge_or_an_intent_and_a_known_reason(
    stripe_client: stripe.StripeClient, pay: Callable[..., Paid]
) -> None:
    paid = pay(1000)

    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.refunds.create_async({"amount": 100})
    with pytest.raises(stripe.InvalidRequestError) as bad_reason:
        await stripe_client.v1.refunds.create_async({"charge": paid.charge, "reason": "changed_mind"})  # type: ignore[typeddict-item]
    with pytest.raises(stripe.InvalidRequestError) as missing_charge:
        await stripe_client.v1.refunds.create_async({"charge": "ch_nope"})

    assert bad_reason.value.param == "reason"
    assert (missing_charge.value.http_status, missing_charge.value.param) == (404, "charge")


async def test_refunds_list_by_charge_and_intent_and_retrieve(
    stripe_client: stripe.StripeClient, pay: Callable[..., Paid]
) -> None:
    first, second = pay(1000), pay(2000)
    a = await stripe_client.v1.refunds.create_async({"charge": first.charge, "amount": 100})
    b = await stripe_client.v1.refunds.create_async({"charge": second.charge, "amount": 200})
    c = await stripe_client.v1.refunds.create_async({"charge": first.charge, "amount": 300})

    by_charge = await stripe_client.v1.refunds.list_async({"charge": first.charge})
    by_intent = await stripe_client.v1.refunds.list_async({"payment_intent": second.payment_intent})
    of_charge = await stripe_client.v1.charges.retrieve_async(first.charge, {"expand": ["refunds"]})
    fetched = await stripe_client.v1.refunds.retrieve_async(b.id)

    assert [r.id for r in by_charge.data] == [c.id, a.id]
    assert [r.id for r in by_intent.data] == [b.id]
    assert of_charge.refunds is not None
    assert [r.id for r in of_charge.refunds.data] == [c.id, a.id]
    assert (fetched.amount, fetched.charge) == (200, second.charge)


async def test_a_refund_emits_charge_refunded_and_refund_created(
    stripe_client: stripe.StripeClient, pay: Callable[..., Paid]
) -> None:
    paid = pay(1000)
    refund = await stripe_client.v1.refunds.create_async({"charge": paid.charge, "amount": 400})

    events = await stripe_client.v1.events.list_async(
        {"types": ["charge.refunded", "refund.created"], "limit": 2}
    )

    created, refunded = events.data
    assert (created.type, created.data.object["id"]) == ("refund.created", refund.id)
    assert (refunded.type, refunded.data.object["amount_refunded"]) == ("charge.refunded", 400)
    assert refunded.data.previous_attributes is not None
    assert refunded.data.previous_attributes["amount_refunded"] == 0
