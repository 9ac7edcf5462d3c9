"""Data for the gateway contract tests, created through the official SDK so the same fixtures work on the
sandbox and on Stripe test mode: a catalog, a customer with a test card, and a paid subscription.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
import stripe

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@dataclass(frozen=True)
class Catalog:
    product_id: str
    addon_product_id: str
    basic_price_id: str  # 10.00 USD a month
    pro_price_id: str  # 30.00 USD a month
    basic_lookup_key: str


@dataclass(frozen=True)
class Account:
    customer_id: str
    email: str
    payment_method_id: str


@dataclass(frozen=True)
class Subscribed:
    """A customer whose subscription to the basic price was just created and paid."""

    customer_id: str
    subscription_id: str
    item_id: str
    period_start: int
    period_end: int
    invoice_id: str
    payment_intent_id: str
    charge_id: str


class Sandbox:
    """What the sandbox-only tests use of the `sandbox` fixture: call counts and injected faults."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def calls(self, call: str) -> int:
        return int(self._handle.calls().get(call, 0))

    def all_calls(self) -> dict[str, int]:
        return dict(self._handle.calls())

    def total(self) -> int:
        return sum(self._handle.calls().values())

    def reset_calls(self) -> None:
        self._handle.reset_calls()

    def inject(self, kind: str, *, path: str, count: int, **options: Any) -> None:
        """Fail the next `count` calls matching `path` (a regex over "METHOD /v1/path")."""
        self._handle.add_fault(kind, path=path, count=count, **options)


@pytest.fixture
def sandbox_knobs(request: pytest.FixtureRequest) -> Sandbox:
    return Sandbox(request.getfixturevalue("sandbox"))


@pytest.fixture
async def stripe_admin(stripe_connection: tuple[str, str | None]) -> AsyncIterator[stripe.StripeClient]:
    """A plain SDK client that sets up test data the gateway has no write for (products, subscriptions)."""
    api_key, api_base = stripe_connection
    http_client = stripe.HTTPXClient()
    client = stripe.StripeClient(
        api_key,
        http_client=http_client,
        max_network_retries=2,
        base_addresses={"api": api_base} if api_base else None,
    )
    yield client
    await http_client.close_async()


@pytest.fixture
def tag() -> str:
    """Unique per test, so objects created on a shared Stripe account never meet another run's."""
    return uuid.uuid4().hex[:12]


@pytest.fixture
async def catalog(stripe_admin: stripe.StripeClient, tag: str) -> Catalog:
    v1 = stripe_admin.v1
    product = await v1.products.create_async(
        {"name": f"Contract Pro {tag}", "metadata": {"suite": "gateway"}}
    )
    addon = await v1.products.create_async({"name": f"Contract Add-on {tag}"})
    basic = await v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
            "lookup_key": f"contract_basic_{tag}",
            "nickname": "Basic monthly",
        }
    )
    pro = await v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 3000, "recurring": {"interval": "month"}}
    )
    return Catalog(product.id, addon.id, basic.id, pro.id, f"contract_basic_{tag}")


async def _account(client: stripe.StripeClient, tag: str, card: str) -> Account:
    v1 = client.v1
    email = f"contract+{tag}@example.com"
    customer = await v1.customers.create_async(
        {"email": email, "name": "Ada Contract", "metadata": {"suite": "gateway"}}
    )
    card_method = await v1.payment_methods.attach_async(card, {"customer": customer.id})
    await v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": card_method.id}}
    )
    return Account(customer.id, email, card_method.id)


@pytest.fixture
async def account(stripe_admin: stripe.StripeClient, tag: str) -> Account:
    """A customer whose default payment method is a Visa test card."""
    return await _account(stripe_admin, tag, "pm_card_visa")


@pytest.fixture
async def subscribed(stripe_admin: stripe.StripeClient, catalog: Catalog, account: Account) -> Subscribed:
    v1 = stripe_admin.v1
    subscription = await v1.subscriptions.create_async(
        {"customer": account.customer_id, "items": [{"price": catalog.basic_price_id}]}
    )
    item = subscription.items.data[0]
    invoice_id = subscription.latest_invoice
    assert isinstance(invoice_id, str)
    payments = await v1.invoice_payments.list_async({"invoice": invoice_id})
    intent_id = payments.data[0].payment.payment_intent
    assert isinstance(intent_id, str)
    intent = await v1.payment_intents.retrieve_async(intent_id)
    assert isinstance(intent.latest_charge, str)
    return Subscribed(
        customer_id=account.customer_id,
        subscription_id=subscription.id,
        item_id=item.id,
        period_start=item.current_period_start,
        period_end=item.current_period_end,
        invoice_id=invoice_id,
        payment_intent_id=intent_id,
        charge_id=intent.latest_charge,
    )
