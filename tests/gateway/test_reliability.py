"""Stripe failing: 5xx retried by the SDK, 429s and timeouts surfacing as clear domain errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import RateLimited, StripeUnavailable
from stripe_gateway.records import RefundReason

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account, Sandbox, Subscribed

    Connect = Callable[..., Awaitable[StripeGateway]]

CUSTOMER = "GET /v1/customers/{id}"
REFUNDS = "POST /v1/refunds"


@pytest.mark.sandbox_only
async def test_server_errors_are_retried_until_stripe_answers(
    gateway: StripeGateway, account: Account, sandbox_knobs: Sandbox
) -> None:
    sandbox_knobs.inject("error", path="^GET /v1/customers/", count=2)
    sandbox_knobs.reset_calls()

    customer = await gateway.retrieve_customer(account.customer_id)

    assert customer.id == account.customer_id
    assert sandbox_knobs.calls(CUSTOMER) == 3


@pytest.mark.sandbox_only
async def test_a_retried_refund_is_applied_once(
    gateway: StripeGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    sandbox_knobs.inject("error", path="^POST /v1/refunds$", count=1)
    sandbox_knobs.reset_calls()

    refund = await gateway.create_refund(
        charge_id=subscribed.charge_id, amount=500, reason=RefundReason.DUPLICATE, idempotency_key="retry"
    )

    assert refund.amount == 500
    assert sandbox_knobs.calls(REFUNDS) == 2
    assert (await gateway.retrieve_charge(subscribed.charge_id)).amount_refunded == 500


@pytest.mark.sandbox_only
async def test_server_errors_beyond_the_retries_are_unavailable(
    connect_gateway: Connect, account: Account, sandbox_knobs: Sandbox
) -> None:
    gateway = await connect_gateway(max_network_retries=1)
    sandbox_knobs.inject("error", path="^GET /v1/customers/", count=5)
    sandbox_knobs.reset_calls()

    with pytest.raises(StripeUnavailable) as raised:
        await gateway.retrieve_customer(account.customer_id)

    assert raised.value.request_id is not None
    assert sandbox_knobs.calls(CUSTOMER) == 2


@pytest.mark.sandbox_only
async def test_a_rate_limit_stripe_does_not_mark_retryable_surfaces_at_once(
    gateway: StripeGateway, account: Account, sandbox_knobs: Sandbox
) -> None:
    sandbox_knobs.inject("rate_limit", path="^GET /v1/customers/", count=1, should_retry=False)
    sandbox_knobs.reset_calls()

    with pytest.raises(RateLimited) as raised:
        await gateway.retrieve_customer(account.customer_id)

    assert raised.value.code == "rate_limit"
    assert raised.value.request_id is not None
    assert sandbox_knobs.calls(CUSTOMER) == 1


@pytest.mark.sandbox_only
async def test_a_rate_limit_stripe_marks_retryable_is_retried(
    gateway: StripeGateway, account: Account, sandbox_knobs: Sandbox
) -> None:
    sandbox_knobs.inject("rate_limit", path="^GET /v1/customers/", count=1, should_retry=True)
    sandbox_knobs.reset_calls()

    customer = await gateway.retrieve_customer(account.customer_id)

    assert customer.id == account.customer_id
    assert sandbox_knobs.calls(CUSTOMER) == 2


@pytest.mark.sandbox_only
async def test_a_timeout_is_retried_then_unavailable(
    connect_gateway: Connect, account: Account, sandbox_knobs: Sandbox
) -> None:
    gateway = await connect_gateway(timeout_seconds=0.2, max_network_retries=1)
    sandbox_knobs.inject("slow", path="^GET /v1/customers/", count=2, delay_ms=1000)
    sandbox_knobs.reset_calls()

    with pytest.raises(StripeUnavailable) as raised:
        await gateway.retrieve_customer(account.customer_id)

    assert raised.value.request_id is None  # no answer, so no request id
    assert sandbox_knobs.calls(CUSTOMER) == 2


async def test_a_bad_api_key_is_unavailable_not_the_users_fault(connect_gateway: Connect) -> None:
    gateway = await connect_gateway(api_key="sk_invalid_contract_key_0000")

    with pytest.raises(StripeUnavailable) as raised:
        await gateway.ping()

    assert raised.value.request_id is not None


async def test_ping_succeeds_with_a_good_key(gateway: StripeGateway) -> None:
    await gateway.ping()
