"""`node(id:)` resolves every Stripe id prefix; a customer session never sees another customer's objects."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.principals import Scope
from stripe_sandbox.seed import demo_customer
from tests.fixtures.operations import run, session_for

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


def owned_by(store: Any, customer_id: str) -> dict[str, str]:
    """One id of each kind of object the customer owns, by GraphQL type."""

    def first(kind: str) -> str:
        return str(next(o["id"] for o in store.iter_type(kind) if o.get("customer") == customer_id))

    return {
        "Customer": customer_id,
        "Subscription": first("subscription"),
        "Invoice": first("invoice"),
        "PaymentMethod": first("payment_method"),
        "Charge": first("charge"),
        "PaymentIntent": first("payment_intent"),
        "Refund": first("refund"),
    }


@pytest.fixture(autouse=True)
async def refunds(sandbox, gateway) -> None:
    """The seed has no refunds: one of Maya's and one of Noah's first charge, for `owned_by` to find."""
    store = sandbox.state.store
    for customer_id in (demo_customer(store)["id"], noah_id(store)):
        charge = next(c for c in store.iter_type("charge") if c["customer"] == customer_id)
        await gateway.create_refund(
            charge_id=charge["id"], amount=100, reason=None, idempotency_key=f"node-{charge['id']}"
        )


def catalog(store: Any) -> dict[str, str]:
    price = next(p for p in store.iter_type("price") if p["lookup_key"] == "pro_monthly")
    return {"Price": price["id"], "Product": price["product"]}


def noah_id(store: Any) -> str:
    return str(next(c["id"] for c in store.iter_type("customer") if c["name"] == "Noah Williams"))


def not_found(result: Any, object_id: str) -> bool:
    return result.data == {"node": None} and [(e.message, e.extensions) for e in result.errors] == [
        (f"No object with id '{object_id}'.", {"code": "NOT_FOUND"})
    ]


async def test_an_api_key_resolves_every_prefix(sandbox, gateway) -> None:
    store = sandbox.state.store
    wanted = {**owned_by(store, demo_customer(store)["id"]), **catalog(store)}

    for typename, object_id in wanted.items():
        result = await run(gateway, NODE, {"id": object_id})

        assert result.errors is None, (typename, result.errors)
        assert result.data == {"node": {"__typename": typename, "id": object_id}}


async def test_a_session_resolves_its_own_objects_and_the_catalog(sandbox, gateway) -> None:
    store = sandbox.state.store
    maya = demo_customer(store)["id"]

    for typename, object_id in {**owned_by(store, maya), **catalog(store)}.items():
        result = await run(gateway, NODE, {"id": object_id}, principal=session_for(maya))

        assert result.data == {"node": {"__typename": typename, "id": object_id}}, (typename, result.errors)


async def test_another_customers_objects_are_not_found_like_missing_ones(sandbox, gateway) -> None:
    store = sandbox.state.store
    maya = session_for(demo_customer(store)["id"])

    for typename, object_id in owned_by(store, noah_id(store)).items():
        missing_id = object_id[: object_id.index("_") + 1] + "doesNotExist0000"

        theirs = await run(gateway, NODE, {"id": object_id}, principal=maya)
        missing = await run(gateway, NODE, {"id": missing_id}, principal=maya)

        assert not_found(theirs, object_id), (typename, theirs.errors)
        assert not_found(missing, missing_id), (typename, missing.errors)


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("query($id: ID!) { customer(id: $id) { id email } }", "customer"),
        ("query($id: ID!) { customer(id: $id) { invoices { edges { node { id } } } } }", "customer"),
    ],
)
async def test_a_session_asking_for_another_customer_gets_not_found(sandbox, gateway, query, path) -> None:
    store = sandbox.state.store
    noah = noah_id(store)
    sandbox.reset_calls()

    result = await run(gateway, query, {"id": noah}, principal=session_for(demo_customer(store)["id"]))

    assert result.data == {path: None}
    assert [(e.message, e.extensions) for e in result.errors] == [
        (f"No object with id '{noah}'.", {"code": "NOT_FOUND"})
    ]
    assert sandbox.calls() == {}  # refused before anything is fetched


async def test_an_unknown_prefix_is_not_found(gateway) -> None:
    result = await run(gateway, NODE, {"id": "acct_1PortalQLSandbox0"})

    assert not_found(result, "acct_1PortalQLSandbox0")


async def test_a_missing_scope_is_forbidden_before_any_fetch(sandbox, gateway) -> None:
    store = sandbox.state.store
    maya = demo_customer(store)["id"]
    owned = owned_by(store, maya)
    session = session_for(maya, frozenset({Scope.SUBSCRIPTIONS_READ, Scope.CUSTOMER_READ}))
    sandbox.reset_calls()

    by_node = await run(gateway, NODE, {"id": owned["Invoice"]}, principal=session)
    by_field = await run(gateway, "{ viewer { customer { name paymentMethods { id } } } }", principal=session)

    assert [(e.message, e.extensions) for e in by_node.errors] == [
        ("This customer session lacks the 'invoices:read' scope.", {"code": "FORBIDDEN"})
    ]
    assert [(e.message, e.extensions, e.path) for e in by_field.errors] == [
        (
            "This customer session lacks the 'payment_methods:read' scope.",
            {"code": "FORBIDDEN"},
            ["viewer", "customer", "paymentMethods"],
        )
    ]
    assert by_field.data == {"viewer": {"customer": None}}
    assert not {"GET /v1/invoices/{id}", "GET /v1/payment_methods"} & set(sandbox.calls())


async def test_the_customer_list_is_for_api_keys_only(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)["id"]
    sandbox.reset_calls()

    result = await run(
        gateway, "{ customers(first: 5) { edges { node { id } } } }", principal=session_for(maya)
    )

    assert result.data is None
    assert [(e.message, e.extensions) for e in result.errors] == [
        ("This field needs an API key; customer sessions cannot use it.", {"code": "FORBIDDEN"})
    ]
    assert sandbox.calls() == {}


async def test_an_api_key_asking_for_a_missing_customer_gets_not_found(gateway) -> None:
    result = await run(gateway, "query($id: ID!) { customer(id: $id) { id } }", {"id": "cus_missing"})

    assert result.data == {"customer": None}
    assert [(e.message, e.extensions) for e in result.errors] == [
        ("No object with id 'cus_missing'.", {"code": "NOT_FOUND"})
    ]
