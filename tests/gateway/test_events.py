"""Webhook verification (signature, tolerance, empty secret, malformed payload) and the events list."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest
import stripe

from stripe_gateway.errors import WebhookSignatureInvalid
from stripe_gateway.records import CustomerUpdate

if TYPE_CHECKING:
    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account

SECRET = "whsec_contract_test_secret"


def _event(data_object: dict[str, Any], previous: dict[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"object": data_object}
    if previous is not None:
        data["previous_attributes"] = previous
    event = {
        "id": "evt_1Contract",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": 1_790_000_000,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "customer.subscription.updated",
    }
    return json.dumps(event).encode()


def _sign(payload: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp=timestamp)


def test_a_signed_event_becomes_a_record(gateway: StripeGateway) -> None:
    subscription = {"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active"}
    payload = _event(subscription, previous={"status": "past_due"})

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert (event.id, event.type, event.created) == (
        "evt_1Contract",
        "customer.subscription.updated",
        1_790_000_000,
    )
    assert (event.object_id, event.object_type, event.customer_id) == ("sub_1", "subscription", "cus_1")
    assert event.data_object == subscription
    assert event.previous_attributes == {"status": "past_due"}
    assert event.payload == json.loads(payload)


def test_the_customer_of_a_customer_event_is_its_own_id(gateway: StripeGateway) -> None:
    payload = _event({"id": "cus_9", "object": "customer", "email": "a@example.com"})

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert event.customer_id == "cus_9"
    assert event.previous_attributes is None


def test_an_expanded_customer_gives_its_id(gateway: StripeGateway) -> None:
    payload = _event({"id": "in_1", "object": "invoice", "customer": {"id": "cus_7", "object": "customer"}})

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert event.customer_id == "cus_7"


def test_a_payload_signed_with_another_secret_is_rejected(gateway: StripeGateway) -> None:
    payload = _event({"id": "sub_1", "object": "subscription", "customer": "cus_1"})

    with pytest.raises(WebhookSignatureInvalid) as raised:
        gateway.construct_event(payload, _sign(payload, secret="whsec_someone_else"), SECRET)

    assert raised.value.code == "signature_invalid"


def test_a_tampered_payload_is_rejected(gateway: StripeGateway) -> None:
    payload = _event({"id": "sub_1", "object": "subscription", "customer": "cus_1"})
    header = _sign(payload)

    with pytest.raises(WebhookSignatureInvalid):
        gateway.construct_event(payload.replace(b"cus_1", b"cus_2"), header, SECRET)


def test_an_old_timestamp_is_rejected(gateway: StripeGateway) -> None:
    payload = _event({"id": "sub_1", "object": "subscription", "customer": "cus_1"})
    header = _sign(payload, timestamp=int(time.time()) - 301)

    with pytest.raises(WebhookSignatureInvalid) as raised:
        gateway.construct_event(payload, header, SECRET, tolerance=300)

    assert raised.value.code == "signature_invalid"


def test_a_missing_signature_header_is_rejected(gateway: StripeGateway) -> None:
    payload = _event({"id": "sub_1", "object": "subscription", "customer": "cus_1"})

    with pytest.raises(WebhookSignatureInvalid):
        gateway.construct_event(payload, None, SECRET)


@pytest.mark.parametrize("secret", ["", "   "])
def test_an_empty_secret_rejects_everything(gateway: StripeGateway, secret: str) -> None:
    payload = _event({"id": "sub_1", "object": "subscription", "customer": "cus_1"})

    with pytest.raises(WebhookSignatureInvalid) as raised:
        gateway.construct_event(payload, _sign(payload, secret=secret), secret)

    assert raised.value.code == "no_webhook_secret"


def test_a_signed_payload_that_is_not_json_is_rejected(gateway: StripeGateway) -> None:
    payload = b"{not json"

    with pytest.raises(WebhookSignatureInvalid) as raised:
        gateway.construct_event(payload, _sign(payload), SECRET)

    assert raised.value.code == "payload_invalid"


def test_the_timestamp_check_cannot_be_switched_off(gateway: StripeGateway) -> None:
    payload = _event({"id": "sub_1", "object": "subscription", "customer": "cus_1"})

    with pytest.raises(ValueError, match="tolerance"):
        gateway.construct_event(payload, _sign(payload), SECRET, tolerance=0)


async def test_list_events_finds_our_change(gateway: StripeGateway, account: Account) -> None:
    await gateway.update_customer(account.customer_id, CustomerUpdate(name="Evented"), idempotency_key="evt")

    page = await gateway.list_events(types=["customer.updated"], limit=10)

    mine = [e for e in page.data if e.customer_id == account.customer_id]
    assert mine
    assert mine[0].type == "customer.updated"
    assert mine[0].object_type == "customer"
    assert mine[0].data_object["name"] == "Evented"
    assert mine[0].previous_attributes is not None
    assert "name" in mine[0].previous_attributes
