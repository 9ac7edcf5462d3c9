"""One-off invoices over HTTP against the sandbox: lines, finalizing and sending in one request; a retry
after a failure half way makes no second invoice and no line twice; finalizing and voiding later."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from portalql.web.app import create_app
from resolvers.mutations.invoices import LINE_METADATA_KEY, REQUEST_METADATA_KEY
from stripe_gateway.caching import CachedGateway, MemoryStore
from stripe_gateway.records import NewInvoiceItem
from stripe_sandbox.resources.catalog import new_price
from tests.api.mutation_support import ETHAN, MAYA, codes, customer_id, mutate, price_id, writes
from tests.fixtures.app import app_settings, client_for, error_codes, graphql

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

INVOICE = (
    "invoice { id status total { amount currency } dueDate hostedInvoiceUrl "
    "lines { description amount { amount } quantity } }"
)
CREATE = (
    "mutation($input: CreateInvoiceInput!) "
    f"{{ createInvoice(input: $input) {{ {INVOICE} userErrors {{ code }} }} }}"
)
LINES = [
    {"description": "Onboarding workshop", "amount": 45000, "currency": "usd"},
    {"description": "Data import", "amount": 12000, "currency": "usd"},
]
DAY = 24 * 3600


def invoices_of(sandbox: SandboxHandle, name: str) -> list[dict[str, Any]]:
    """The customer's invoices made through `createInvoice` (not the seed's)."""
    owner = customer_id(sandbox, name)
    return [
        i
        for i in sandbox.state.store.all("invoice")
        if i["customer"] == owner and REQUEST_METADATA_KEY in i["metadata"]
    ]


def items_of(sandbox: SandboxHandle, invoice_id: str) -> list[dict[str, Any]]:
    return [i for i in sandbox.state.store.all("invoiceitem") if i["invoice"] == invoice_id]


def events(sandbox: SandboxHandle, event_type: str, object_id: str) -> int:
    return sum(
        1
        for event in sandbox.state.store.events
        if event["type"] == event_type and event["data"]["object"]["id"] == object_id
    )


@pytest.fixture
async def no_retry_api(
    connect_gateway: Callable[..., Awaitable[StripeGateway]], database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """The API on a gateway that does not retry, so an injected failure fails the request at once."""
    gateway = await connect_gateway(max_network_retries=0)
    async with client_for(create_app(app_settings(), gateway=gateway, database=database)) as client:
        yield client


def one_time_price(sandbox: SandboxHandle, amount: int = 9900) -> str:
    product = next(iter(sandbox.state.store.iter_type("product")))
    price = new_price(sandbox.state.store, product=product["id"], unit_amount=amount, currency="usd")
    return str(price["id"])


async def create(api: httpx.AsyncClient, token: str, **given: Any) -> dict[str, Any]:
    return await mutate(api, "createInvoice", given, token, INVOICE)


async def test_an_invoice_sent_for_payment_is_made_finalized_and_sent_in_one_request(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    ethan = customer_id(sandbox, ETHAN)
    workshop = one_time_price(sandbox)
    sandbox.reset_calls()

    payload = await create(
        api,
        token,
        customerId=ethan,
        items=[*LINES, {"priceId": workshop, "quantity": 2}],
        collectionMethod="SEND_INVOICE",
        daysUntilDue=30,
        finalize=True,
        send=True,
        idempotencyKey="onboarding-ethan",
    )

    invoice = payload["invoice"]
    assert payload["userErrors"] == []
    assert invoice["status"] == "OPEN"
    assert invoice["total"] == {"amount": 45000 + 12000 + 2 * 9900, "currency": "usd"}
    assert invoice["hostedInvoiceUrl"].startswith("https://invoice.stripe.com/i/")
    assert [line["description"] for line in invoice["lines"]][:2] == ["Onboarding workshop", "Data import"]
    assert invoice["lines"][2]["quantity"] == 2
    [stored] = invoices_of(sandbox, ETHAN)
    assert stored["lines"]["data"][2]["pricing"]["price_details"]["price"] == workshop
    assert stored["collection_method"] == "send_invoice"
    assert stored["due_date"] == stored["created"] + 30 * DAY
    assert events(sandbox, "invoice.sent", stored["id"]) == 1
    # The minimum: the invoice, one call per line, finalizing and sending (and the price, read once).
    assert sandbox.calls() == {
        "GET /v1/prices/{id}": 1,
        "POST /v1/invoices": 1,
        "POST /v1/invoiceitems": 3,
        "POST /v1/invoices/{id}/finalize": 1,
        "POST /v1/invoices/{id}/send": 1,
    }


async def test_the_invoice_bills_only_its_own_lines_never_the_customers_pending_items(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, stripe_client: Any
) -> None:
    token = await tokens.api_key()
    ethan = customer_id(sandbox, ETHAN)
    pending = await stripe_client.v1.invoice_items.create_async(
        {"customer": ethan, "amount": 777, "currency": "usd", "description": "Pending elsewhere"}
    )

    sandbox.reset_calls()

    payload = await create(api, token, customerId=ethan, items=LINES[:1], idempotencyKey="only-mine")

    # A draft is read back for its lines: the invoice, its line, and that read.
    assert sandbox.calls() == {"POST /v1/invoices": 1, "POST /v1/invoiceitems": 1, "GET /v1/invoices/{id}": 1}
    assert payload["invoice"]["status"] == "DRAFT"
    assert [line["amount"]["amount"] for line in payload["invoice"]["lines"]] == [45000]
    assert sandbox.state.store.get(pending.id, "invoiceitem")["invoice"] is None


async def test_a_retry_after_a_failure_half_way_makes_one_invoice_with_each_line_once(
    no_retry_api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    ethan = customer_id(sandbox, ETHAN)
    given = {
        "customerId": ethan,
        "items": LINES,
        "collectionMethod": "SEND_INVOICE",
        "daysUntilDue": 14,
        "finalize": True,
        "send": True,
        "idempotencyKey": "half-way",
    }
    # The first line is made, but its answer never arrives.
    sandbox.add_fault("lost", count=1, path=r"^POST /v1/invoiceitems$")

    failed = await graphql(no_retry_api, CREATE, {"input": given}, token)

    assert error_codes(failed) == ["STRIPE_UNAVAILABLE"]
    [draft] = invoices_of(sandbox, ETHAN)
    assert draft["status"] == "draft"
    assert len(items_of(sandbox, draft["id"])) == 1
    # Long after: Stripe has forgotten the idempotency keys, so only portalql's own record can tell.
    sandbox.state.idempotency.clear()

    retried = await mutate(no_retry_api, "createInvoice", given, token, INVOICE)

    assert retried["userErrors"] == []
    assert invoices_of(sandbox, ETHAN) == [sandbox.state.store.get(draft["id"], "invoice")]
    assert retried["invoice"]["id"] == draft["id"]
    assert retried["invoice"]["status"] == "OPEN"
    assert [line["description"] for line in retried["invoice"]["lines"]] == [
        "Onboarding workshop",
        "Data import",
    ]
    assert len(items_of(sandbox, draft["id"])) == 2
    assert events(sandbox, "invoice.sent", draft["id"]) == 1


async def test_a_retry_after_finalizing_failed_finalizes_the_same_invoice(
    no_retry_api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    given = {
        "customerId": customer_id(sandbox, ETHAN),
        "items": LINES,
        "finalize": True,
        "idempotencyKey": "fin",
    }
    sandbox.add_fault("error", count=1, path=r"^POST /v1/invoices/[^/]+/finalize$")
    api = no_retry_api

    failed = await graphql(api, CREATE, {"input": given}, token)
    retried = await mutate(api, "createInvoice", given, token, INVOICE)
    sandbox.reset_calls()
    again = await mutate(api, "createInvoice", given, token, INVOICE)

    assert error_codes(failed) == ["STRIPE_UNAVAILABLE"]
    [invoice] = invoices_of(sandbox, ETHAN)
    assert retried["invoice"]["id"] == again["invoice"]["id"] == invoice["id"]
    assert invoice["status"] == "open"
    assert len(items_of(sandbox, invoice["id"])) == 2
    # A retry of a completed request reads the invoice back and changes nothing.
    assert sandbox.calls() == {"GET /v1/invoices/{id}": 1}
    audit = await graphql(api, "{ auditEvents { edges { node { action objectId } } } }", token=token)
    created = [
        e["node"] for e in audit["data"]["auditEvents"]["edges"] if e["node"]["action"] == "invoice.create"
    ]
    assert created == [{"action": "invoice.create", "objectId": invoice["id"]}]


async def test_an_invoice_is_found_by_external_customer_id(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    ethan = customer_id(sandbox, ETHAN)
    await mutate(api, "linkExternalCustomerId", {"customerId": ethan, "externalCustomerId": "acme-9"}, token)

    payload = await create(api, token, externalCustomerId="acme-9", items=LINES[:1], idempotencyKey="ext")

    assert payload["userErrors"] == []
    assert [invoice["id"] for invoice in invoices_of(sandbox, ETHAN)] == [payload["invoice"]["id"]]


async def test_the_same_key_for_another_invoice_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    await create(api, token, customerId=customer_id(sandbox, ETHAN), items=LINES, idempotencyKey="k")
    sandbox.reset_calls()

    reused = await create(
        api, token, customerId=customer_id(sandbox, ETHAN), items=LINES[:1], idempotencyKey="k"
    )

    assert codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]
    assert writes(sandbox) == {}


async def test_bad_invoices_are_refused_before_anything_is_written(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    ethan = customer_id(sandbox, ETHAN)
    yen = {"description": "Setup", "amount": 5000, "currency": "jpy"}
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"items": []}, "INVALID_INPUT", ["input", "items"]),
        ({"items": LINES * 6}, "INVALID_INPUT", ["input", "items"]),
        ({"items": [{"amount": 100, "currency": "usd"}]}, "INVALID_INPUT", ["input", "items", "0", "amount"]),
        ({"items": [{**LINES[0], "amount": 0}]}, "INVALID_AMOUNT", ["input", "items", "0", "amount"]),
        ({"items": [{**LINES[0], "currency": "USD"}]}, "INVALID_INPUT", ["input", "items", "0", "currency"]),
        (
            {"items": [{**LINES[0], "description": "a\nb"}]},
            "INVALID_INPUT",
            ["input", "items", "0", "description"],
        ),
        ({"items": [LINES[0], yen]}, "INVALID_INPUT", ["input", "items"]),
        (
            {"items": [{"priceId": price_id(sandbox, "pro_monthly")}]},
            "INVALID_INPUT",
            ["input", "items", "0", "priceId"],
        ),
        (
            {"items": [{"priceId": "price_Missing000000000000"}]},
            "NOT_FOUND",
            ["input", "items", "0", "priceId"],
        ),
        ({"items": LINES, "collectionMethod": "SEND_INVOICE"}, "INVALID_INPUT", ["input", "daysUntilDue"]),
        ({"items": LINES, "daysUntilDue": 30}, "INVALID_INPUT", ["input", "daysUntilDue"]),
        ({"items": LINES, "send": True, "finalize": True}, "INVALID_INPUT", ["input", "send"]),
        ({"items": LINES, "customerId": None}, "INVALID_INPUT", ["input"]),
        ({"items": LINES, "externalCustomerId": "nobody"}, "INVALID_INPUT", ["input"]),
        ({"items": LINES, "customerId": "cus_Missing000000000000"}, "NOT_FOUND", ["input", "customerId"]),
    ]

    for index, (given, code, field) in enumerate(cases):
        payload = await create(api, token, **{"customerId": ethan, "idempotencyKey": f"bad-{index}", **given})
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], given

    # The unknown customer is Stripe's to tell: only that invoice was attempted, and none was made.
    assert writes(sandbox) == {"POST /v1/invoices": 1}
    assert invoices_of(sandbox, ETHAN) == []


async def test_a_draft_is_finalized_then_voided_and_each_retry_changes_nothing(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    draft = (
        await create(api, token, customerId=customer_id(sandbox, ETHAN), items=LINES, idempotencyKey="d")
    )["invoice"]
    voided_draft = await mutate(api, "voidInvoice", {"invoiceId": draft["id"]}, token, "invoice { status }")
    sandbox.reset_calls()

    finalized = await mutate(
        api, "finalizeInvoice", {"invoiceId": draft["id"]}, token, "invoice { status number }"
    )
    finalized_again = await mutate(
        api, "finalizeInvoice", {"invoiceId": draft["id"]}, token, "invoice { status }"
    )
    voided = await mutate(api, "voidInvoice", {"invoiceId": draft["id"]}, token, "invoice { status }")
    voided_again = await mutate(api, "voidInvoice", {"invoiceId": draft["id"]}, token, "invoice { status }")
    not_draft = await mutate(api, "finalizeInvoice", {"invoiceId": draft["id"]}, token)

    assert codes(voided_draft) == ["INVOICE_NOT_OPEN"]
    assert finalized["invoice"]["status"] == "OPEN"
    assert finalized["invoice"]["number"] is not None
    assert finalized_again["invoice"] == {"status": "OPEN"}
    assert voided["invoice"] == voided_again["invoice"] == {"status": "VOID"}
    assert codes(not_draft) == ["INVOICE_NOT_DRAFT"]
    # Each change reads the invoice and writes it once; each retry only reads it.
    assert sandbox.calls() == {
        "GET /v1/invoices/{id}": 5,
        "POST /v1/invoices/{id}/finalize": 1,
        "POST /v1/invoices/{id}/void": 1,
    }
    audit = await graphql(api, "{ auditEvents { edges { node { action objectId } } } }", token=token)
    actions = [
        e["node"]["action"]
        for e in audit["data"]["auditEvents"]["edges"]
        if e["node"]["objectId"] == draft["id"]
    ]
    assert actions == ["invoice.void", "invoice.finalize", "invoice.create"]


async def test_a_paid_or_unknown_invoice_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    maya = customer_id(sandbox, MAYA)
    paid = next(
        i for i in sandbox.state.store.all("invoice") if i["customer"] == maya and i["status"] == "paid"
    )

    void_paid = await mutate(api, "voidInvoice", {"invoiceId": paid["id"]}, token)
    finalize_paid = await mutate(api, "finalizeInvoice", {"invoiceId": paid["id"]}, token)
    unknown = await mutate(api, "voidInvoice", {"invoiceId": "in_Missing000000000000"}, token)
    malformed = await mutate(api, "finalizeInvoice", {"invoiceId": "not-an-invoice"}, token)

    assert codes(void_paid) == ["INVOICE_NOT_OPEN"]
    assert codes(finalize_paid) == ["INVOICE_NOT_DRAFT"]
    assert codes(unknown) == codes(malformed) == ["NOT_FOUND"]
    assert writes(sandbox) == {}


async def test_a_retry_reads_the_invoice_past_the_read_cache(
    connect_gateway: Callable[..., Awaitable[StripeGateway]],
    database: Database,
    tokens: Tokens,
    sandbox: SandboxHandle,
) -> None:
    gateway = await connect_gateway(max_network_retries=0)
    cached = CachedGateway(gateway, MemoryStore())
    given = {"customerId": customer_id(sandbox, ETHAN), "items": LINES, "idempotencyKey": "cached"}
    sandbox.add_fault("error", count=1, path=r"^POST /v1/invoiceitems$")  # the first line fails outright
    async with client_for(create_app(app_settings(), gateway=cached, database=database)) as client:
        token = await tokens.api_key()
        failed = await graphql(client, CREATE, {"input": given}, token)
        [draft] = invoices_of(sandbox, ETHAN)
        await cached.retrieve_invoice(draft["id"])  # the cache holds the empty draft
        # Lines added elsewhere meanwhile (another instance's attempt), which no webhook told this cache of.
        await gateway.add_invoice_item(
            draft["id"],
            customer_id=draft["customer"],
            item=NewInvoiceItem(description="Onboarding workshop", amount=45000, currency="usd"),
            metadata={REQUEST_METADATA_KEY: "merchant:cached", LINE_METADATA_KEY: "0"},
            idempotency_key="elsewhere",
        )

        retried = await mutate(client, "createInvoice", given, token, INVOICE)

    assert error_codes(failed) == ["STRIPE_UNAVAILABLE"]
    assert [line["description"] for line in retried["invoice"]["lines"]] == [
        "Onboarding workshop",
        "Data import",
    ]
    assert len(items_of(sandbox, draft["id"])) == 2
