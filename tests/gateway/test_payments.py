"""Payment intents, charges and refunds: a refund is applied once per key and never beyond the remainder."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import IdempotencyConflict, InvalidRequest, NotFound
from stripe_gateway.records import RefundReason

if TYPE_CHECKING:
    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Subscribed


async def test_retrieve_payment_intent(gateway: StripeGateway, subscribed: Subscribed) -> None:
    intent = await gateway.retrieve_payment_intent(subscribed.payment_intent_id)

    assert intent.id == subscribed.payment_intent_id
    assert (intent.amount, intent.amount_received, intent.currency) == (1000, 1000, "usd")
    assert intent.status == "succeeded"
    assert intent.customer_id == subscribed.customer_id
    assert intent.latest_charge_id == subscribed.charge_id


async def test_retrieve_charge(gateway: StripeGateway, subscribed: Subscribed) -> None:
    charge = await gateway.retrieve_charge(subscribed.charge_id)

    assert charge.id == subscribed.charge_id
    assert (charge.amount, charge.amount_captured, charge.amount_refunded) == (1000, 1000, 0)
    assert charge.refundable_amount == 1000
    assert (charge.refunded, charge.disputed, charge.status) == (False, False, "succeeded")
    assert charge.payment_intent_id == subscribed.payment_intent_id
    assert charge.customer_id == subscribed.customer_id


async def test_retrieve_missing_charge_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.retrieve_charge("ch_doesnotexist000")

    assert raised.value.code == "resource_missing"


async def test_partial_refund_by_payment_intent(gateway: StripeGateway, subscribed: Subscribed) -> None:
    refund = await gateway.create_refund(
        payment_intent_id=subscribed.payment_intent_id,
        amount=300,
        reason=RefundReason.REQUESTED_BY_CUSTOMER,
        metadata={"ticket": "T-1"},
        idempotency_key="refund-1",
    )

    assert (refund.amount, refund.currency, refund.reason) == (300, "usd", "requested_by_customer")
    assert refund.charge_id == subscribed.charge_id
    assert refund.payment_intent_id == subscribed.payment_intent_id
    assert refund.metadata == {"ticket": "T-1"}
    charge = await gateway.retrieve_charge(subscribed.charge_id)
    assert (charge.amount_refunded, charge.refundable_amount, charge.refunded) == (300, 700, False)


async def test_full_refund_by_charge_refunds_what_is_left(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    await gateway.create_refund(
        charge_id=subscribed.charge_id, amount=400, reason=None, idempotency_key="part"
    )

    rest = await gateway.create_refund(
        charge_id=subscribed.charge_id, amount=None, reason=None, idempotency_key="rest"
    )

    assert rest.amount == 600
    charge = await gateway.retrieve_charge(subscribed.charge_id)
    assert (charge.amount_refunded, charge.refunded) == (1000, True)


async def test_refund_replayed_with_the_same_key_refunds_once(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    first = await gateway.create_refund(
        payment_intent_id=subscribed.payment_intent_id, amount=250, reason=None, idempotency_key="refund-once"
    )

    again = await gateway.create_refund(
        payment_intent_id=subscribed.payment_intent_id, amount=250, reason=None, idempotency_key="refund-once"
    )

    assert again == first
    refunds = await gateway.list_refunds(payment_intent_id=subscribed.payment_intent_id)
    assert [r.id for r in refunds.data] == [first.id]
    assert (await gateway.retrieve_charge(subscribed.charge_id)).amount_refunded == 250


async def test_refund_reusing_a_key_for_another_amount_is_a_conflict(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    await gateway.create_refund(charge_id=subscribed.charge_id, amount=100, reason=None, idempotency_key="r")

    with pytest.raises(IdempotencyConflict) as raised:
        await gateway.create_refund(
            charge_id=subscribed.charge_id, amount=200, reason=None, idempotency_key="r"
        )

    assert raised.value.code == "idempotency_error"
    assert (await gateway.retrieve_charge(subscribed.charge_id)).amount_refunded == 100


async def test_refund_beyond_the_remainder_is_refused(gateway: StripeGateway, subscribed: Subscribed) -> None:
    await gateway.create_refund(
        charge_id=subscribed.charge_id, amount=800, reason=None, idempotency_key="most"
    )

    with pytest.raises(InvalidRequest) as raised:
        await gateway.create_refund(
            charge_id=subscribed.charge_id, amount=300, reason=None, idempotency_key="more"
        )

    assert type(raised.value) is InvalidRequest
    assert raised.value.code == "amount_too_large"
    assert raised.value.param == "amount"
    assert (await gateway.retrieve_charge(subscribed.charge_id)).amount_refunded == 800


async def test_refund_needs_exactly_one_payment(gateway: StripeGateway, subscribed: Subscribed) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        await gateway.create_refund(
            payment_intent_id=subscribed.payment_intent_id,
            charge_id=subscribed.charge_id,
            amount=None,
            reason=None,
            idempotency_key="both",
        )


async def test_a_write_without_an_idempotency_key_is_refused(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    with pytest.raises(ValueError, match="idempotency key"):
        await gateway.create_refund(
            charge_id=subscribed.charge_id, amount=None, reason=None, idempotency_key=""
        )


async def test_list_refunds_of_a_charge_newest_first(gateway: StripeGateway, subscribed: Subscribed) -> None:
    older = await gateway.create_refund(
        charge_id=subscribed.charge_id, amount=100, reason=None, idempotency_key="a"
    )
    newer = await gateway.create_refund(
        charge_id=subscribed.charge_id, amount=200, reason=None, idempotency_key="b"
    )

    page = await gateway.list_refunds(charge_id=subscribed.charge_id)

    assert [r.id for r in page.data] == [newer.id, older.id]
    assert page.has_more is False


async def test_retrieve_refund_comes_with_its_charge(gateway: StripeGateway, subscribed: Subscribed) -> None:
    made = await gateway.create_refund(
        payment_intent_id=subscribed.payment_intent_id, amount=300, reason=None, idempotency_key="by-id"
    )

    found = await gateway.retrieve_refund(made.id)

    assert replace(found, charge=None) == made
    assert found.charge is not None
    assert (found.charge.id, found.charge.customer_id) == (subscribed.charge_id, subscribed.customer_id)
    assert found.charge.amount_refunded == 300


async def test_retrieve_missing_refund_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.retrieve_refund("re_doesnotexist000")

    assert raised.value.code == "resource_missing"


async def test_list_refunds_pages_with_refund_ids_as_cursors(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    oldest, middle, newest = [
        await gateway.create_refund(
            charge_id=subscribed.charge_id, amount=100, reason=None, idempotency_key=f"page-{n}"
        )
        for n in range(3)
    ]

    first = await gateway.list_refunds(charge_id=subscribed.charge_id, limit=2)
    rest = await gateway.list_refunds(charge_id=subscribed.charge_id, limit=2, starting_after=middle.id)
    back = await gateway.list_refunds(
        payment_intent_id=subscribed.payment_intent_id, limit=2, ending_before=oldest.id
    )

    assert ([r.id for r in first.data], first.has_more) == ([newest.id, middle.id], True)
    assert ([r.id for r in rest.data], rest.has_more) == ([oldest.id], False)
    assert ([r.id for r in back.data], back.has_more) == ([newest.id, middle.id], False)
