"""Helpers for the sandbox's own tests: raw HTTP access, paid charges, subscriptions, a webhook receiver."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import httpx
import pytest

from stripe_sandbox.resources.payments import charge
from tests.fixtures.sandbox import SANDBOX_API_KEY

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    import stripe

    from tests.fixtures.sandbox import SandboxHandle


@pytest.fixture
async def wire(sandbox: SandboxHandle) -> AsyncIterator[httpx.AsyncClient]:
    """Plain HTTP to the sandbox, for what the SDK hides: raw bodies, headers, a missing key."""
    headers = {"Authorization": f"Bearer {SANDBOX_API_KEY}"}
    async with httpx.AsyncClient(base_url=sandbox.url, headers=headers, timeout=10.0) as client:
        yield client


@pytest.fixture
async def customer(stripe_client: stripe.StripeClient) -> stripe.Customer:
    """A customer of its own with a Visa card as the default payment method."""
    return await stripe_client.v1.customers.create_async(
        {
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )


@dataclass(frozen=True)
class Paid:
    payment_intent: str
    charge: str


@pytest.fixture
def pay(sandbox: SandboxHandle, customer: stripe.Customer) -> Callable[..., Paid]:
    """Charge the customer's card directly in the store (as billing does when an invoice is paid)."""

    def pay_amount(amount: int, currency: str = "usd") -> Paid:
        payment_method = customer.invoice_settings.default_payment_method
        assert isinstance(payment_method, str)
        intent, result = charge(
            sandbox.state.store,
            customer=customer.id,
            amount=amount,
            currency=currency,
            payment_method=payment_method,
        )
        return Paid(intent["id"], result["id"])

    return pay_amount


@pytest.fixture
async def monthly_price(stripe_client: stripe.StripeClient) -> stripe.Price:
    return await stripe_client.v1.prices.create_async(
        {
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Pro"},
        }
    )


@pytest.fixture
async def subscription(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, monthly_price: stripe.Price
) -> stripe.Subscription:
    """An active subscription of `customer` to `monthly_price`."""
    return await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": monthly_price.id}]}
    )


@dataclass
class Received:
    """What the receiver got: each request's body and `Stripe-Signature`, and the statuses to answer with."""

    bodies: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    fail_first: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Receiver:
    url: str
    received: Received


@pytest.fixture
def webhook_receiver() -> Iterator[Receiver]:
    """A tiny HTTP server on loopback that records webhook deliveries (answering 500 `fail_first` times)."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            with received.lock:
                failing = received.fail_first > 0
                if failing:
                    received.fail_first -= 1
                else:
                    received.bodies.append(body)
                    received.signatures.append(self.headers["Stripe-Signature"])
            self.send_response(500 if failing else 200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver(f"http://127.0.0.1:{server.server_address[1]}/webhooks/stripe", received)
    server.shutdown()
    server.server_close()
    thread.join()
