"""Ids an attacker makes up: a malformed one never reaches Stripe, and a foreign one tells nothing.

Every argument that takes a Stripe id answers a malformed one (`"."`, `""`, a path, spaces, `%`, over 255
characters) as it answers an id that names nothing, NOT_FOUND (a user error on the argument's field in
mutations), without a Stripe call and without caching anything. The app runs on the read cache, as in
production, so the cache is shown to neither forward nor keep such an id.

Another customer's object, though in the read cache, costs a customer session what a missing object costs
(the same Stripe calls, the same answer), so neither the answer nor its time tells that the id exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from portalql.web.app import create_app
from stripe_gateway.caching import CachedGateway, MemoryStore
from stripe_gateway.errors import NotFound
from stripe_gateway.ids import MAX_ID_LENGTH, IdKind, is_well_formed
from stripe_gateway.records import CollectionMethod, CustomerUpdate, ItemChange, NewInvoiceItem
from tests.api.mutation_support import MAYA, NOAH, customer_id, price_id, subscription
from tests.fixtures.app import app_settings, client_for, graphql

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = pytest.mark.sandbox_only

# Not ids of any kind: another endpoint, a list (the empty id), a path out of the object's own, and
# characters no Stripe id has. Each argument also gets a well-prefixed id one character too long.
MALFORMED = (".", "", "../customers", "sub_../../customers", "sub_a b", "cus_a/b", "pm_%2e%2e", "in_1\n")
TOO_LONG = 256
API_KEY, SESSION = "API key", "customer session"


@dataclass(frozen=True)
class Argument:
    """One argument that takes a Stripe id, and how to send it with everything else well-formed."""

    name: str
    prefix: str  # of a well-formed id of the argument's kind
    document: str
    variables: Callable[[SandboxHandle, str], dict[str, Any]]
    field: tuple[str, ...] | None  # the user error's field; None for a query's top-level error
    callers: tuple[str, ...] = (API_KEY, SESSION)

    def ids(self) -> tuple[str, ...]:
        return (*MALFORMED, self.prefix + "a" * (TOO_LONG - len(self.prefix)))


def _maya_subscription(sandbox: SandboxHandle) -> str:
    return str(subscription(sandbox, MAYA)["id"])


# What the other fields of an input hold while one of them is under test: Maya's own objects.
WELL_FORMED: dict[str, Callable[[SandboxHandle], Any]] = {
    "subscriptionId": _maya_subscription,
    "priceId": lambda sandbox: price_id(sandbox, "business_monthly"),
    "customerId": lambda sandbox: customer_id(sandbox, MAYA),
    "name": lambda _: "Someone Else",
    "idempotencyKey": lambda _: "malformed",
    "kind": lambda _: "HOSTED",
    "flow": lambda _: {"type": "SUBSCRIPTION_CANCEL"},
    "externalCustomerId": lambda _: "user-malformed",
    "items": lambda _: [{"description": "Setup", "amount": 100, "currency": "usd"}],
}


def _query(field: str, prefix: str) -> Argument:
    document = f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}"
    return Argument(f"{field}(id:)", prefix, document, lambda _, bad: {"id": bad}, None)


def _mutation(
    mutation: str, path: str, prefix: str, *, others: tuple[str, ...] = (), api_key_only: bool = False
) -> Argument:
    """`mutation(input:)` with the id under test at `path` (dotted) and the `others` fields well-formed."""
    input_type = f"{mutation[0].upper()}{mutation[1:]}Input"
    document = (
        f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ code field }} }} }}"
    )
    *parents, leaf = path.split(".")

    def variables(sandbox: SandboxHandle, bad: str) -> dict[str, Any]:
        given = {name: WELL_FORMED[name](sandbox) for name in others}
        inner = given
        for parent in parents:
            inner = inner[parent]
        inner[leaf] = bad
        return {"input": given}

    callers = (API_KEY,) if api_key_only else (API_KEY, SESSION)
    return Argument(f"{mutation}.{path}", prefix, document, variables, ("input", *parents, leaf), callers)


ARGUMENTS = [
    _query("customer", "cus_"),
    _query("node", "sub_"),
    _mutation("previewPlanChange", "subscriptionId", "sub_", others=("priceId",)),
    _mutation("previewPlanChange", "priceId", "price_", others=("subscriptionId",)),
    _mutation("changePlan", "subscriptionId", "sub_", others=("priceId",)),
    _mutation("changePlan", "priceId", "price_", others=("subscriptionId",)),
    _mutation("cancelSubscription", "subscriptionId", "sub_"),
    _mutation("reactivateSubscription", "subscriptionId", "sub_"),
    _mutation("setDefaultPaymentMethod", "paymentMethodId", "pm_"),
    _mutation("detachPaymentMethod", "paymentMethodId", "pm_"),
    _mutation("updateCustomer", "customerId", "cus_", others=("name",)),
    *(
        _mutation("refundPayment", path, prefix, others=("idempotencyKey",), api_key_only=True)
        for path, prefix in (("invoiceId", "in_"), ("paymentIntentId", "pi_"), ("chargeId", "ch_"))
    ),
    _mutation("createPortalSession", "customerId", "cus_", others=("kind",), api_key_only=True),
    _mutation(
        "createPortalSession", "configurationId", "bpc_", others=("customerId", "kind"), api_key_only=True
    ),
    _mutation(
        "createPortalSession",
        "flow.subscriptionId",
        "sub_",
        others=("customerId", "kind", "flow"),
        api_key_only=True,
    ),
    _mutation("createCustomerSession", "customerId", "cus_", api_key_only=True),
    _mutation("createCustomerSession", "configurationId", "bpc_", others=("customerId",), api_key_only=True),
    _mutation(
        "linkExternalCustomerId", "customerId", "cus_", others=("externalCustomerId",), api_key_only=True
    ),
    _mutation("createInvoice", "customerId", "cus_", others=("items", "idempotencyKey"), api_key_only=True),
    _mutation("finalizeInvoice", "invoiceId", "in_", api_key_only=True),
    _mutation("voidInvoice", "invoiceId", "in_", api_key_only=True),
]


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def cached_api(
    gateway: StripeGateway, database: Database, store: MemoryStore
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(app_settings(), gateway=CachedGateway(gateway, store), database=database)
    async with client_for(app) as client:
        yield client


def _outcome(body: dict[str, Any], argument: Argument) -> tuple[str, tuple[str, ...] | None]:
    """The code the answer carries, and the field of the user error (None for a top-level error)."""
    if argument.field is None:
        assert [body["data"][key] for key in body["data"]] == [None], body
        [error] = body["errors"]
        return error["extensions"]["code"], None
    assert "errors" not in body, body["errors"]
    [payload] = body["data"].values()
    [error] = payload["userErrors"]
    return error["code"], tuple(error["field"])


@pytest.mark.parametrize(
    ("argument", "caller"),
    [pytest.param(a, c, id=f"{a.name}-{c}") for a in ARGUMENTS for c in a.callers],
)
async def test_a_malformed_id_is_not_found_without_a_stripe_call(
    cached_api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    store: MemoryStore,
    *,
    argument: Argument,
    caller: str,
) -> None:
    token = await (
        tokens.api_key() if caller == API_KEY else tokens.customer_session(customer_id(sandbox, MAYA))
    )
    sandbox.reset_calls()

    outcomes = {}
    for bad in argument.ids():
        body = await graphql(cached_api, argument.document, argument.variables(sandbox, bad), token=token)
        outcomes[bad] = _outcome(body, argument)

    assert outcomes == dict.fromkeys(argument.ids(), ("NOT_FOUND", argument.field))
    assert sandbox.calls() == {}
    assert len(store) == 0


# Every gateway method that puts an id in a path, a filter or a cursor, with one malformed id in it.
GATEWAY_CALLS: dict[str, Callable[[StripeGateway, str], Awaitable[object]]] = {
    "retrieve_customer": lambda g, bad: g.retrieve_customer(bad, with_subscriptions=True),
    "list_customers": lambda g, bad: g.list_customers(limit=1, starting_after=bad),
    "update_customer": lambda g, bad: g.update_customer(bad, CustomerUpdate(name="x"), idempotency_key="k"),
    "set_default_payment_method": lambda g, bad: g.set_default_payment_method(
        "cus_1", bad, idempotency_key="k"
    ),
    "retrieve_price": lambda g, bad: g.retrieve_price(bad),
    "retrieve_subscription": lambda g, bad: g.retrieve_subscription(bad),
    "list_subscriptions": lambda g, bad: g.list_subscriptions(bad),
    "change_subscription_items": lambda g, bad: g.change_subscription_items(
        "sub_1",
        [ItemChange("si_1", bad)],
        proration_behavior="none",
        proration_date=None,
        idempotency_key="k",
    ),
    "cancel_at_period_end": lambda g, bad: g.cancel_at_period_end(
        bad, feedback=None, comment=None, idempotency_key="k"
    ),
    "cancel_now": lambda g, bad: g.cancel_now(
        bad, prorate=False, invoice_now=False, feedback=None, comment=None, idempotency_key="k"
    ),
    "uncancel": lambda g, bad: g.uncancel(bad, idempotency_key="k"),
    "retrieve_invoice": lambda g, bad: g.retrieve_invoice(bad),
    "create_invoice": lambda g, bad: g.create_invoice(
        bad,
        collection_method=CollectionMethod.CHARGE_AUTOMATICALLY,
        days_until_due=None,
        metadata={},
        idempotency_key="k",
    ),
    "add_invoice_item": lambda g, bad: g.add_invoice_item(
        bad,
        customer_id="cus_1",
        item=NewInvoiceItem(amount=1, currency="usd"),
        metadata={},
        idempotency_key="k",
    ),
    "add_invoice_item (price)": lambda g, bad: g.add_invoice_item(
        "in_1", customer_id="cus_1", item=NewInvoiceItem(price_id=bad), metadata={}, idempotency_key="k"
    ),
    "finalize_invoice": lambda g, bad: g.finalize_invoice(
        bad, auto_advance=False, idempotency_key="k", customer_id="cus_1"
    ),
    "send_invoice": lambda g, bad: g.send_invoice(bad, idempotency_key="k", customer_id="cus_1"),
    "void_invoice": lambda g, bad: g.void_invoice(bad, idempotency_key="k", customer_id="cus_1"),
    "list_invoices": lambda g, bad: g.list_invoices(subscription_id=bad),
    "list_invoices (cursor)": lambda g, bad: g.list_invoices(customer_id="cus_1", ending_before=bad),
    "list_invoice_payments": lambda g, bad: g.list_invoice_payments(bad),
    "preview_invoice": lambda g, bad: g.preview_invoice(customer_id="cus_1", subscription_id=bad),
    "list_payment_methods": lambda g, bad: g.list_payment_methods(bad),
    "retrieve_payment_method": lambda g, bad: g.retrieve_payment_method(bad),
    "attach_payment_method": lambda g, bad: g.attach_payment_method("pm_1", bad, idempotency_key="k"),
    "detach_payment_method": lambda g, bad: g.detach_payment_method(bad, idempotency_key="k"),
    "retrieve_payment_intent": lambda g, bad: g.retrieve_payment_intent(bad),
    "retrieve_charge": lambda g, bad: g.retrieve_charge(bad),
    "create_refund": lambda g, bad: g.create_refund(
        payment_intent_id=bad, amount=None, reason=None, idempotency_key="k"
    ),
    "retrieve_refund": lambda g, bad: g.retrieve_refund(bad),
    "list_refunds": lambda g, bad: g.list_refunds(charge_id=bad),
    "retrieve_portal_configuration": lambda g, bad: g.retrieve_portal_configuration(bad),
    "create_portal_session": lambda g, bad: g.create_portal_session(
        "cus_1", return_url=None, configuration_id=bad, locale=None, flow=None, idempotency_key="k"
    ),
}


@pytest.mark.parametrize("method", GATEWAY_CALLS)
async def test_the_gateway_refuses_a_malformed_id_without_calling_stripe(
    gateway: StripeGateway, sandbox: SandboxHandle, method: str
) -> None:
    sandbox.reset_calls()

    refused = []
    for bad in MALFORMED:
        with pytest.raises(NotFound) as raised:
            await GATEWAY_CALLS[method](gateway, bad)
        refused.append(raised.value.code)

    assert refused == ["resource_missing"] * len(MALFORMED)
    assert sandbox.calls() == {}


async def test_a_malformed_product_id_is_left_out_of_a_batched_read(
    gateway: StripeGateway, sandbox: SandboxHandle
) -> None:
    product = next(iter(sandbox.state.store.iter_type("product")))
    sandbox.reset_calls()

    nothing = await gateway.list_products(MALFORMED)
    found = await gateway.list_products([*MALFORMED, product["id"]])

    assert (nothing, [p.id for p in found]) == ((), [product["id"]])
    assert sandbox.calls() == {"GET /v1/products": 1}


@pytest.mark.parametrize(
    ("kind", "well_formed"),
    [
        (IdKind.CUSTOMER, "cus_QXg1o8vcGmoR32"),
        (IdKind.SUBSCRIPTION, "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"),
        (IdKind.INVOICE, "in_1Pgc6tB7WZ01zgkWu9fdqL6I"),
        (IdKind.PAYMENT_METHOD, "pm_1Pgc75B7WZ01zgkWlHVgdEGJ"),
        (IdKind.PAYMENT_METHOD, "card_1PgaftB7WZ01zgkWm3waTcFp"),
        (IdKind.PAYMENT_METHOD, "src_1Pgc75B7WZ01zgkWn9ogkWOr"),
        (IdKind.PRICE, "price_1PgafmB7WZ01zgkW6dKueIc5"),
        (IdKind.PRICE, "gold-monthly"),
        (IdKind.PRODUCT, "prod_QXg1hqf4jFNsqG"),
        (IdKind.PRODUCT, "pro-plan_2024"),
        (IdKind.CHARGE, "ch_1PgafuB7WZ01zgkWXYmPNZs8"),
        (IdKind.PAYMENT_INTENT, "pi_1PgafyB7WZ01zgkWSjxsAJo3"),
        (IdKind.REFUND, "re_1Pgc72B7WZ01zgkWqPvrRrPE"),
        (IdKind.PORTAL_CONFIGURATION, "bpc_1Pgc70B7WZ01zgkWSnFO04Vt"),
    ],
)
def test_stripe_s_own_ids_are_well_formed(kind: IdKind, well_formed: str) -> None:
    """Ids as Stripe's API fixtures show them pass, and so do custom catalog ids, up to 255 characters."""
    longest = kind.prefix + "a" * (MAX_ID_LENGTH - len(kind.prefix))

    assert (is_well_formed(kind, well_formed), is_well_formed(kind, longest)) == (True, True)
    assert is_well_formed(kind, longest + "a") is False
    assert [bad for bad in MALFORMED if is_well_formed(kind, bad)] == []


@pytest.mark.parametrize(
    ("kind", "other"),
    [(IdKind.SUBSCRIPTION, "sub_"), (IdKind.SUBSCRIPTION, "cus_1"), (IdKind.CHARGE, "pi_1")],
)
def test_a_bare_prefix_or_another_kind_s_id_is_malformed(kind: IdKind, other: str) -> None:
    assert is_well_formed(kind, other) is False


def _noah_s(sandbox: SandboxHandle, kind: IdKind) -> str:
    """Customer B's object of `kind`: what customer A's session must not tell from a missing one."""
    noah = customer_id(sandbox, NOAH)
    if kind is IdKind.CUSTOMER:
        return noah
    stored_as = kind.name.lower()
    return str(next(o["id"] for o in sandbox.state.store.all(stored_as) if o["customer"] == noah))


def _answer(body: dict[str, Any], object_id: str) -> str:
    """The response as the client sees it, with the id it names left out."""
    return json.dumps(body).replace(object_id, "<id>")


@pytest.mark.parametrize(
    ("kind", "argument"),
    [
        (IdKind.CUSTOMER, _query("customer", "cus_")),
        (IdKind.SUBSCRIPTION, _query("node", "sub_")),
        (IdKind.INVOICE, _query("node", "in_")),
        (IdKind.PAYMENT_METHOD, _query("node", "pm_")),
        (IdKind.CHARGE, _query("node", "ch_")),
        (IdKind.PAYMENT_INTENT, _query("node", "pi_")),
        (IdKind.SUBSCRIPTION, _mutation("cancelSubscription", "subscriptionId", "sub_")),
        (IdKind.PAYMENT_METHOD, _mutation("detachPaymentMethod", "paymentMethodId", "pm_")),
    ],
    ids=lambda value: value.name if isinstance(value, (IdKind, Argument)) else None,
)
async def test_another_customer_s_cached_object_costs_what_a_missing_one_costs(
    cached_api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, *, kind: IdKind, argument: Argument
) -> None:
    foreign, missing = _noah_s(sandbox, kind), kind.prefix + "0000missing0000"
    api_key, as_maya = await tokens.api_key(), await tokens.customer_session(customer_id(sandbox, MAYA))
    by_id = _query("node", kind.prefix)
    await graphql(cached_api, by_id.document, {"id": foreign}, token=api_key)
    sandbox.reset_calls()
    again = await graphql(cached_api, by_id.document, {"id": foreign}, token=api_key)
    assert (again["data"]["node"], sandbox.calls()) == ({"id": foreign}, {})  # in the read cache now

    # What the operation reads beside the object (a mutation's portal configuration) is cached by a first
    # try, as it is for a page that has been open a while: only the object's read is left to compare.
    await graphql(cached_api, argument.document, argument.variables(sandbox, missing), token=as_maya)
    answers, calls = [], []
    for object_id in (foreign, missing):
        sandbox.reset_calls()
        body = await graphql(
            cached_api, argument.document, argument.variables(sandbox, object_id), token=as_maya
        )
        answers.append(_answer(body, object_id))
        calls.append(sandbox.calls())

    assert answers[0] == answers[1]
    assert "NOT_FOUND" in answers[0]
    assert calls[0] == calls[1]


async def test_a_session_s_own_objects_still_come_from_the_cache(
    cached_api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    own = _maya_subscription(sandbox)
    as_maya = await tokens.customer_session(customer_id(sandbox, MAYA))
    node = _query("node", "sub_")
    await graphql(cached_api, node.document, {"id": own}, token=as_maya)
    sandbox.reset_calls()

    again = await graphql(cached_api, node.document, {"id": own}, token=as_maya)

    assert (again["data"]["node"], sandbox.calls()) == ({"id": own}, {})
