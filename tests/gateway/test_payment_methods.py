"""Payment methods: list and retrieve as cards, attach and detach once per key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import InvalidRequest, NotFound
from stripe_gateway.records import PaymentMethodType

if TYPE_CHECKING:
    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account


async def test_list_payment_methods_of_a_customer(gateway: StripeGateway, account: Account) -> None:
    page = await gateway.list_payment_methods(account.customer_id)

    [card_method] = page.data
    assert card_method.id == account.payment_method_id
    assert card_method.customer_id == account.customer_id
    assert card_method.type is PaymentMethodType.CARD
    assert card_method.card is not None
    assert (card_method.card.brand, card_method.card.last4, card_method.card.funding) == (
        "visa",
        "4242",
        "credit",
    )
    assert card_method.card.exp_year > 2000
    assert card_method.card.wallet is None


async def test_retrieve_payment_method(gateway: StripeGateway, account: Account) -> None:
    found = await gateway.retrieve_payment_method(account.payment_method_id)

    assert found.id == account.payment_method_id
    assert found.customer_id == account.customer_id


async def test_retrieve_missing_payment_method_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound):
        await gateway.retrieve_payment_method("pm_doesnotexist0000")


async def test_attach_a_test_card(gateway: StripeGateway, account: Account) -> None:
    attached = await gateway.attach_payment_method(
        "pm_card_mastercard", account.customer_id, idempotency_key="mc"
    )

    assert attached.customer_id == account.customer_id
    assert attached.card is not None
    assert (attached.card.brand, attached.card.last4) == ("mastercard", "4444")
    page = await gateway.list_payment_methods(account.customer_id)
    assert {m.id for m in page.data} == {account.payment_method_id, attached.id}


async def test_attach_replayed_with_the_same_key_attaches_once(
    gateway: StripeGateway, account: Account
) -> None:
    first = await gateway.attach_payment_method("pm_card_amex", account.customer_id, idempotency_key="amex")

    again = await gateway.attach_payment_method("pm_card_amex", account.customer_id, idempotency_key="amex")

    assert again.id == first.id
    page = await gateway.list_payment_methods(account.customer_id)
    assert len(page.data) == 2


async def test_detach_payment_method(gateway: StripeGateway, account: Account) -> None:
    detached = await gateway.detach_payment_method(account.payment_method_id, idempotency_key="detach")

    assert detached.id == account.payment_method_id
    assert detached.customer_id is None
    assert (await gateway.list_payment_methods(account.customer_id)).data == ()


async def test_detach_replayed_with_the_same_key_answers_the_same(
    gateway: StripeGateway, account: Account
) -> None:
    first = await gateway.detach_payment_method(account.payment_method_id, idempotency_key="detach")

    again = await gateway.detach_payment_method(account.payment_method_id, idempotency_key="detach")

    assert again == first


async def test_detach_of_a_detached_payment_method_is_refused(
    gateway: StripeGateway, account: Account
) -> None:
    await gateway.detach_payment_method(account.payment_method_id, idempotency_key="detach-1")

    with pytest.raises(InvalidRequest) as raised:
        await gateway.detach_payment_method(account.payment_method_id, idempotency_key="detach-2")

    assert type(raised.value) is InvalidRequest
    assert raised.value.request_id is not None


async def test_attach_to_a_missing_customer_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.attach_payment_method("pm_card_visa", "cus_doesnotexist00", idempotency_key="orphan")

    assert raised.value.param == "customer"
