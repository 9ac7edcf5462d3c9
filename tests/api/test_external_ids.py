"""External customer ids over HTTP: mapped in the database and in Stripe's metadata, looked up without a
Stripe search, refused when another customer holds them, and rebuilt from Stripe's side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portalql.cli.external_ids import rebuild_external_ids
from portalql.persistence.repositories.external_ids import customer_of
from resolvers.external_ids import METADATA_KEY
from tests.api.mutation_support import MAYA, NOAH, codes, customer_id, mutate, writes
from tests.fixtures.app import error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

BY_EXTERNAL_ID = "query($ext: String!) { customer(externalId: $ext) { id name externalId } }"
LIST_BY_EXTERNAL_ID = (
    "query($ext: String!) { customers(externalId: $ext) { edges { node { id externalId } } } }"
)


async def link(api: httpx.AsyncClient, token: str, customer: str, external_id: str) -> dict[str, Any]:
    return await mutate(
        api,
        "linkExternalCustomerId",
        {"customerId": customer, "externalCustomerId": external_id},
        token,
        "customer { id externalId }",
    )


async def test_an_external_id_round_trips_through_the_database_and_stripe_metadata(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    maya = customer_id(sandbox, MAYA)
    sandbox.reset_calls()

    payload = await link(api, token, maya, "user-42")

    assert payload == {"customer": {"id": maya, "externalId": "user-42"}, "userErrors": []}
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1, "POST /v1/customers/{id}": 1}
    assert sandbox.state.store.get(maya, "customer")["metadata"][METADATA_KEY] == "user-42"
    sandbox.reset_calls()
    found = await graphql(api, BY_EXTERNAL_ID, {"ext": "user-42"}, token)
    assert found["data"]["customer"] == {"id": maya, "name": MAYA, "externalId": "user-42"}
    # The database names the customer; Stripe is read by id, once, and never searched.
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1}
    sandbox.reset_calls()
    listed = await graphql(api, LIST_BY_EXTERNAL_ID, {"ext": "user-42"}, token)
    assert listed["data"]["customers"]["edges"] == [{"node": {"id": maya, "externalId": "user-42"}}]
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1}


async def test_linking_again_changes_nothing_and_writes_nothing_to_stripe(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    maya = customer_id(sandbox, MAYA)
    await link(api, token, maya, "user-42")
    sandbox.reset_calls()

    again = await link(api, token, maya, "user-42")

    assert again["userErrors"] == []
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1}
    audit = await graphql(api, "{ auditEvents { edges { node { action after } } } }", token=token)
    actions = [edge["node"] for edge in audit["data"]["auditEvents"]["edges"]]
    assert actions == [{"action": "customer.link_external_id", "after": {"externalId": "user-42"}}]


async def test_an_id_mapped_to_another_customer_is_refused_and_the_mapping_kept(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, database: Database
) -> None:
    token = await tokens.api_key()
    maya, noah = customer_id(sandbox, MAYA), customer_id(sandbox, NOAH)
    await link(api, token, maya, "company-7")
    sandbox.reset_calls()

    refused = await link(api, token, noah, "company-7")

    assert codes(refused) == ["EXTERNAL_ID_TAKEN"]
    assert refused["userErrors"][0]["field"] == ["input", "externalCustomerId"]
    assert writes(sandbox) == {}
    async with database.session() as db:
        assert await customer_of(db, "company-7") == maya
    assert METADATA_KEY not in sandbox.state.store.get(noah, "customer")["metadata"]


async def test_relinking_a_customer_frees_its_old_id(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    maya, noah = customer_id(sandbox, MAYA), customer_id(sandbox, NOAH)
    await link(api, token, maya, "user-1")

    await link(api, token, maya, "user-2")

    gone = await graphql(api, BY_EXTERNAL_ID, {"ext": "user-1"}, token)
    assert error_codes(gone) == ["NOT_FOUND"]
    assert (await link(api, token, noah, "user-1"))["userErrors"] == []
    assert sandbox.state.store.get(maya, "customer")["metadata"][METADATA_KEY] == "user-2"


async def test_an_external_id_outside_the_rule_is_refused_before_anything_is_read(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    maya = customer_id(sandbox, MAYA)
    sandbox.reset_calls()

    for bad in ("", "has space", "-leading-dash", "x" * 129, "new\nline", "名前"):
        refused = await link(api, token, maya, bad)
        assert codes(refused) == ["INVALID_INPUT"], bad
        queried = await graphql(api, BY_EXTERNAL_ID, {"ext": bad}, token)
        assert error_codes(queried) == ["BAD_USER_INPUT"], bad

    assert sandbox.calls() == {}
    assert (await link(api, token, maya, "x" * 128))["userErrors"] == []


async def test_sessions_and_portal_links_take_an_external_id(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    maya = customer_id(sandbox, MAYA)
    await link(api, token, maya, "user-42")

    session = await mutate(
        api, "createCustomerSession", {"externalCustomerId": "user-42"}, token, "customerSession { token }"
    )
    portal = await mutate(
        api,
        "createPortalSession",
        {"externalCustomerId": "user-42", "kind": "HOSTED", "returnUrl": "https://app.example/billing"},
        token,
        "portalSession { customer { id } }",
    )
    unknown = await mutate(api, "createCustomerSession", {"externalCustomerId": "user-9"}, token)
    both = await mutate(
        api,
        "createPortalSession",
        {"customerId": maya, "externalCustomerId": "user-42", "kind": "HOSTED"},
        token,
    )

    viewer = await graphql(
        api, "{ viewer { customer { id externalId } } }", token=session["customerSession"]["token"]
    )
    assert viewer["data"]["viewer"]["customer"] == {"id": maya, "externalId": "user-42"}
    assert portal["portalSession"]["customer"]["id"] == maya
    assert codes(unknown) == ["NOT_FOUND"]
    assert unknown["userErrors"][0]["field"] == ["input", "externalCustomerId"]
    assert codes(both) == ["INVALID_INPUT"]


async def test_a_session_finds_only_its_own_customer_by_external_id(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    maya, noah = customer_id(sandbox, MAYA), customer_id(sandbox, NOAH)
    await link(api, token, maya, "user-maya")
    await link(api, token, noah, "user-noah")
    session = await tokens.customer_session(maya)

    own = await graphql(api, BY_EXTERNAL_ID, {"ext": "user-maya"}, session)
    other = await graphql(api, BY_EXTERNAL_ID, {"ext": "user-noah"}, session)

    assert own["data"]["customer"]["id"] == maya
    assert error_codes(other) == ["NOT_FOUND"]
    assert noah not in repr(other)  # the refusal names the external id asked for, never the customer


async def test_the_mapping_is_rebuilt_from_stripe_metadata(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    database: Database,
    gateway: StripeGateway,
) -> None:
    token = await tokens.api_key()
    maya, noah = customer_id(sandbox, MAYA), customer_id(sandbox, NOAH)
    await link(api, token, maya, "user-maya")
    # Noah's id reached Stripe but not this database (a restored backup, say), and another customer's
    # metadata claims Maya's.
    store = sandbox.state.store
    store.get(noah, "customer")["metadata"][METADATA_KEY] = "user-noah"
    priya = next(c for c in store.iter_type("customer") if c["id"] not in {maya, noah})
    priya["metadata"][METADATA_KEY] = "user-maya"

    report = await rebuild_external_ids(database, gateway)

    assert report.linked == 1
    assert report.conflicts == [("user-maya", priya["id"], maya)]
    assert report.customers == len(store.all("customer"))
    async with database.session() as db:
        assert await customer_of(db, "user-noah") == noah
        assert await customer_of(db, "user-maya") == maya
