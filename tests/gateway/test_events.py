"""Webhook verification (signature, tolerance, empty secret, malformed payload) and the events list."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
import stripe

from portalql.webhooks.handlers import Change
from portalql.webhooks.inbox import dispatch
from resolvers.live import BillingTopic
from stripe_gateway.errors import WebhookSignatureInvalid
from stripe_gateway.records import (
    Address,
    ChangedField,
    Customer,
    CustomerUpdate,
    Invoice,
    Subscription,
    SubscriptionStatus,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account, Subscribed

SECRET = "whsec_contract_test_secret"


def _event(
    data_object: dict[str, Any],
    previous: dict[str, Any] | None = None,
    *,
    event_type: str = "customer.subscription.updated",
    idempotency_key: str | None = None,
) -> bytes:
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
        "request": {"id": None, "idempotency_key": idempotency_key},
        "type": event_type,
    }
    return json.dumps(event).encode()


def _sign(payload: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp=timestamp)


async def _stripe_json(found: Awaitable[stripe.StripeObject]) -> dict[str, Any]:
    """An object as Stripe sends it in an event's `data.object`."""
    return (await found).to_dict(for_json=True)


async def test_a_signed_event_becomes_a_record(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, subscribed: Subscribed
) -> None:
    subscription = await _stripe_json(
        stripe_admin.v1.subscriptions.retrieve_async(subscribed.subscription_id)
    )
    payload = _event(subscription, previous={"status": "past_due", "pending_update": None})

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert (event.id, event.type, event.created) == (
        "evt_1Contract",
        "customer.subscription.updated",
        1_790_000_000,
    )
    assert (event.object_id, event.customer_id) == (subscribed.subscription_id, subscribed.customer_id)
    assert isinstance(event.subject, Subscription)
    assert (event.subject.id, event.subject.status) == (subscribed.subscription_id, SubscriptionStatus.ACTIVE)
    # The subject as it was: the reported field's old value, every other field as it is now.
    assert event.previous == replace(event.subject, status=SubscriptionStatus.PAST_DUE)
    # Fields portalql does not act on are left out.
    assert event.changed == {ChangedField.STATUS}
    assert event.payload == json.loads(payload)


async def test_the_customer_of_a_customer_event_is_its_own_id(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, account: Account
) -> None:
    customer = await _stripe_json(stripe_admin.v1.customers.retrieve_async(account.customer_id))
    payload = _event(customer, event_type="customer.created")

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert event.customer_id == account.customer_id
    assert isinstance(event.subject, Customer)
    assert (event.previous, event.changed) == (None, frozenset())


async def test_a_changed_hash_is_reported_by_the_keys_that_changed_in_it(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, account: Account
) -> None:
    customer = await _stripe_json(
        stripe_admin.v1.customers.update_async(
            account.customer_id, {"address": {"line1": "2 New Street", "city": "Leeds", "country": "GB"}}
        )
    )
    payload = _event(customer, {"address": {"line1": "1 Old Street"}}, event_type="customer.updated")

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert isinstance(event.subject, Customer)
    assert isinstance(event.previous, Customer)
    assert event.subject.address == Address(line1="2 New Street", city="Leeds", country="GB")
    assert event.previous.address == Address(line1="1 Old Street", city="Leeds", country="GB")
    assert event.changed == {ChangedField.ADDRESS}


async def test_an_expanded_customer_gives_its_id(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, subscribed: Subscribed
) -> None:
    invoice = await _stripe_json(
        stripe_admin.v1.invoices.retrieve_async(subscribed.invoice_id, {"expand": ["customer"]})
    )
    payload = _event(invoice, event_type="invoice.paid")

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert event.customer_id == subscribed.customer_id
    assert isinstance(event.subject, Invoice)
    assert event.subject.customer_id == subscribed.customer_id


@pytest.mark.parametrize(
    ("key", "ours"),
    [("portalql:cancel_at_period_end:abc", True), ("someone-else:abc", False), (None, False)],
)
def test_the_gateway_tells_whether_portalql_made_the_change(
    gateway: StripeGateway, key: str | None, *, ours: bool
) -> None:
    payload = _event({"id": "prod_1", "object": "product"}, event_type="product.updated", idempotency_key=key)

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert event.made_by_portalql is ours
    # portalql keeps no record of a product: its id is all an event about it gives.
    assert (event.object_id, event.subject) == ("prod_1", None)


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
    assert isinstance(mine[0].subject, Customer)
    assert mine[0].subject.name == "Evented"
    assert ChangedField.NAME in mine[0].changed
    assert mine[0].made_by_portalql


async def test_a_tax_id_event_names_its_customer_whose_reads_it_makes_stale(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, account: Account
) -> None:
    tax_id = await _stripe_json(
        stripe_admin.v1.customers.tax_ids.create_async(
            account.customer_id, {"type": "gb_vat", "value": "GB123456789"}
        )
    )
    payload = _event(tax_id, {"verification": {"status": "pending"}}, event_type="customer.tax_id.updated")

    event = gateway.construct_event(payload, _sign(payload), SECRET)

    assert (event.object_id, event.customer_id) == (tax_id["id"], account.customer_id)
    assert dispatch(event) == Change(
        object_id=tax_id["id"],
        customer_id=account.customer_id,
        audit=None,
        topics=frozenset({BillingTopic.DETAILS}),
    )
