"""Stripe's HTTP behaviour as the SDK sees it: auth, errors, params, expand, paging, idempotency, faults."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.sandbox import SandboxHandle


async def test_a_request_without_a_key_gets_stripes_401(wire: httpx.AsyncClient) -> None:
    response = await wire.get("/v1/customers", headers={"Authorization": ""})

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("You did not provide an API key.")
    assert response.headers["request-id"].startswith("req_")


async def test_a_live_key_is_refused(sandbox: SandboxHandle) -> None:
    http = stripe.HTTPXClient()
    client = stripe.StripeClient("sk_live_123456789", http_client=http, base_addresses={"api": sandbox.url})
    try:
        with pytest.raises(stripe.AuthenticationError) as raised:
            await client.v1.customers.list_async()
    finally:
        await http.close_async()

    assert raised.value.http_status == 401


async def test_a_missing_object_is_a_404_naming_the_param(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.retrieve_async("cus_missing")

    error = raised.value
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "id")
    assert error.error is not None
    assert error.error.message == "No such customer: 'cus_missing'"
    assert error.request_id is not None
    assert error.request_id.startswith("req_")


async def test_an_unknown_parameter_is_refused(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.create_async({"emial": "x@example.com"})  # type: ignore[typeddict-unknown-key]

    assert (raised.value.http_status, raised.value.code, raised.value.param) == (
        400,
        "parameter_unknown",
        "emial",
    )
    assert raised.value.error is not None
    assert raised.value.error.message == "Received unknown parameter: emial"


async def test_an_unknown_nested_parameter_names_its_full_path(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.create_async({"address": {"town": "Paris"}})  # type: ignore[typeddict-unknown-key]

    assert raised.value.param == "address[town]"


async def test_an_unknown_url_is_a_404(wire: httpx.AsyncClient) -> None:
    response = await wire.get("/v1/nothing_here")

    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith("Unrecognized request URL (GET: /v1/nothing_here)")


async def test_bracket_notation_round_trips_hashes_and_arrays(stripe_client: stripe.StripeClient) -> None:
    created = await stripe_client.v1.customers.create_async(
        {
            "email": "grace@example.com",
            "metadata": {"plan": "pro", "seats": "3"},
            "address": {"line1": "1 Main St", "city": "Paris", "country": "FR"},
            "preferred_locales": ["fr", "en"],
        }
    )

    fetched = await stripe_client.v1.customers.retrieve_async(created.id)
    assert fetched.metadata.to_dict() == {"plan": "pro", "seats": "3"}
    assert fetched.address is not None
    assert fetched.address.to_dict() == {
        "city": "Paris",
        "country": "FR",
        "line1": "1 Main St",
        "line2": None,
        "postal_code": None,
        "state": None,
    }
    assert fetched.preferred_locales == ["fr", "en"]


async def test_expand_replaces_an_id_with_its_object(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    fetched = await stripe_client.v1.customers.retrieve_async(
        customer.id, {"expand": ["invoice_settings.default_payment_method"]}
    )

    payment_method = fetched.invoice_settings.default_payment_method
    assert isinstance(payment_method, stripe.PaymentMethod)
    assert payment_method.customer == customer.id


async def test_expand_on_lists_takes_data_paths(
    stripe_client: stripe.StripeClient, monthly_price: stripe.Price
) -> None:
    page = await stripe_client.v1.prices.list_async(
        {"product": str(monthly_price.product), "expand": ["data.product"]}
    )

    assert [p.id for p in page.data] == [monthly_price.id]
    product = page.data[0].product
    assert isinstance(product, stripe.Product)
    assert product.name == "Pro"


async def test_subscriptions_are_includable_on_a_customer_and_a_customer_list(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, subscription: stripe.Subscription
) -> None:
    plain = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert "subscriptions" not in plain

    expanded = await stripe_client.v1.customers.retrieve_async(customer.id, {"expand": ["subscriptions"]})
    assert [s.id for s in expanded.subscriptions.data] == [subscription.id]
    assert expanded.subscriptions.url == f"/v1/customers/{customer.id}/subscriptions"

    listed = await stripe_client.v1.customers.list_async(
        {"email": "ada@example.com", "expand": ["data.subscriptions"]}
    )
    assert [[s.id for s in c.subscriptions.data] for c in listed.data] == [[subscription.id]]


async def test_canceled_subscriptions_are_left_out_of_a_customers_subscriptions(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, subscription: stripe.Subscription
) -> None:
    await stripe_client.v1.subscriptions.cancel_async(subscription.id)

    expanded = await stripe_client.v1.customers.retrieve_async(customer.id, {"expand": ["subscriptions"]})

    assert expanded.subscriptions.data == []


async def test_a_field_that_cannot_be_expanded_is_refused(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.retrieve_async(customer.id, {"expand": ["email"]})

    assert raised.value.param == "expand"


async def test_expansions_deeper_than_four_levels_are_refused(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.list_async({"expand": ["data.a.b.c.d.e"]})

    assert raised.value.error is not None
    assert "more than 4 levels" in str(raised.value.error.message)


async def test_lists_page_newest_first_in_both_directions(stripe_client: stripe.StripeClient) -> None:
    ids = [
        (await stripe_client.v1.customers.create_async({"email": "page@example.com", "name": f"c{i}"})).id
        for i in range(5)
    ]
    newest_first = ids[::-1]

    first = await stripe_client.v1.customers.list_async({"email": "page@example.com", "limit": 2})
    assert [c.id for c in first.data] == newest_first[:2]
    assert first.has_more is True
    assert first.url == "/v1/customers"

    second = await first.next_page_async()
    assert [c.id for c in second.data] == newest_first[2:4]
    last = await second.next_page_async()
    assert [c.id for c in last.data] == newest_first[4:]
    assert last.has_more is False

    back = await stripe_client.v1.customers.list_async(
        {"email": "page@example.com", "limit": 2, "ending_before": newest_first[4]}
    )
    assert [c.id for c in back.data] == newest_first[2:4]
    assert back.has_more is True

    everything = [c.id async for c in first.auto_paging_iter()]
    assert everything == newest_first


@pytest.mark.parametrize("limit", [0, 101])
async def test_limit_must_be_between_1_and_100(stripe_client: stripe.StripeClient, limit: int) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.list_async({"limit": limit})

    assert raised.value.param == "limit"


async def test_limit_100_is_allowed(stripe_client: stripe.StripeClient) -> None:
    page = await stripe_client.v1.customers.list_async({"limit": 100})

    assert page.object == "list"


async def test_a_cursor_that_does_not_exist_is_a_404(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.list_async({"starting_after": "cus_gone"})

    assert (raised.value.http_status, raised.value.param) == (404, "starting_after")


async def test_both_cursors_at_once_are_refused(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.customers.list_async({"starting_after": "cus_a", "ending_before": "cus_b"})


async def test_an_idempotent_replay_returns_the_first_answer_without_creating_twice(
    stripe_client: stripe.StripeClient, wire: httpx.AsyncClient
) -> None:
    params: stripe.params.CustomerCreateParams = {"email": "once@example.com"}
    first = await stripe_client.v1.customers.create_async(params, {"idempotency_key": "signup-1"})
    again = await stripe_client.v1.customers.create_async(params, {"idempotency_key": "signup-1"})

    assert again.id == first.id
    listed = await stripe_client.v1.customers.list_async({"email": "once@example.com"})
    assert len(listed.data) == 1
    raw = await wire.post(
        "/v1/customers", data={"email": "once@example.com"}, headers={"Idempotency-Key": "signup-1"}
    )
    assert raw.headers["idempotent-replayed"] == "true"
    assert raw.json()["id"] == first.id


async def test_reusing_a_key_with_other_params_is_an_idempotency_error(
    stripe_client: stripe.StripeClient,
) -> None:
    await stripe_client.v1.customers.create_async({"email": "a@example.com"}, {"idempotency_key": "signup-2"})

    with pytest.raises(stripe.IdempotencyError) as raised:
        await stripe_client.v1.customers.create_async(
            {"email": "b@example.com"}, {"idempotency_key": "signup-2"}
        )

    assert raised.value.http_status == 400
    assert raised.value.error is not None
    assert raised.value.error.type == "idempotency_error"


async def test_an_injected_500_is_retried_by_the_sdk_and_then_succeeds(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.add_fault("error", count=2, path=r"^POST /v1/customers$")

    created = await stripe_client.v1.customers.create_async(
        {"email": "retry@example.com"}, {"max_network_retries": 2}
    )

    assert created.email == "retry@example.com"
    assert sandbox.calls()["POST /v1/customers"] == 3
    listed = await stripe_client.v1.customers.list_async({"email": "retry@example.com"})
    assert len(listed.data) == 1


async def test_a_lost_answer_is_retried_with_the_same_key_and_the_write_happens_once(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.add_fault("lost", count=1, path=r"^POST /v1/customers$")

    created = await stripe_client.v1.customers.create_async(
        {"email": "lost@example.com"}, {"max_network_retries": 2}
    )

    assert sandbox.calls()["POST /v1/customers"] == 2
    listed = await stripe_client.v1.customers.list_async({"email": "lost@example.com"})
    assert [customer.id for customer in listed.data] == [created.id]


async def test_an_injected_500_without_retries_is_an_api_error(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.add_fault("error", count=1)

    with pytest.raises(stripe.APIError) as raised:
        await stripe_client.v1.customers.list_async()

    assert raised.value.http_status == 500


async def test_an_injected_429_is_a_rate_limit_error(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.add_fault("rate_limit", count=1, should_retry=False)

    with pytest.raises(stripe.RateLimitError) as raised:
        await stripe_client.v1.customers.list_async()

    assert raised.value.http_status == 429
    assert raised.value.error is not None
    assert raised.value.error.code == "rate_limit"
    assert raised.value.headers is not None
    assert raised.value.headers["stripe-should-retry"] == "false"


async def test_a_slow_answer_beyond_the_client_timeout_is_a_connection_error(
    sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    sandbox.add_fault("slow", count=1, delay_ms=2000, path=r"^GET ")
    http = stripe.HTTPXClient(timeout=0.2)
    client = stripe.StripeClient("sk_test_sandbox", http_client=http, base_addresses={"api": sandbox.url})
    try:
        with pytest.raises(stripe.APIConnectionError):
            await client.v1.customers.retrieve_async(customer.id)
    finally:
        await http.close_async()


async def test_faults_can_be_limited_to_one_endpoint(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    sandbox.add_fault("error", path=r"^GET /v1/prices")

    fetched = await stripe_client.v1.customers.retrieve_async(customer.id)
    with pytest.raises(stripe.APIError):
        await stripe_client.v1.prices.list_async()

    assert fetched.id == customer.id


async def test_the_call_counter_counts_by_endpoint_template_and_resets(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    sandbox.reset_calls()
    await stripe_client.v1.customers.retrieve_async(customer.id)
    await stripe_client.v1.customers.retrieve_async(customer.id)
    await stripe_client.v1.prices.list_async()

    assert sandbox.calls() == {"GET /v1/customers/{id}": 2, "GET /v1/prices": 1}
    sandbox.reset_calls()
    assert sandbox.calls() == {}


async def test_responses_carry_a_request_id(stripe_client: stripe.StripeClient) -> None:
    page = await stripe_client.v1.customers.list_async()

    assert page.last_response is not None
    assert page.last_response.request_id.startswith("req_")
