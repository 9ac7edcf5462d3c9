"""Who may change what: every mutation aimed at customer A's objects, by each kind of caller.

Customer B's session finds none of A's objects (NOT_FOUND, as for a missing one), a session without the
write scope is FORBIDDEN, customer sessions cannot refund or create sessions, and nothing reaches Stripe.
A mutation of the schema without its row fails the coverage test, by name.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest

from resolvers.principals import Scope
from stripe_sandbox.resources.payment_methods import new_card
from stripe_sandbox.resources.setup_intents import new_setup_intent
from tests.api.mutation_support import MAYA, NOAH, customer_id, price_id, subscription, writes
from tests.fixtures.app import graphql
from tests.fixtures.schema_sdl import fields_of

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

READ_SCOPES = frozenset(scope for scope in Scope if scope.value.endswith(":read"))


def _other_card(sandbox: SandboxHandle) -> str:
    maya = sandbox.state.store.get(customer_id(sandbox, MAYA), "customer")
    default = maya["invoice_settings"]["default_payment_method"]
    return str(
        next(
            pm["id"]
            for pm in sandbox.state.store.all("payment_method")
            if pm["customer"] == maya["id"] and pm["id"] != default
        )
    )


def _paid_invoice(sandbox: SandboxHandle) -> str:
    maya = customer_id(sandbox, MAYA)
    return str(
        next(
            i["id"]
            for i in reversed(sandbox.state.store.all("invoice"))
            if i["customer"] == maya and i["status"] == "paid" and i["amount_paid"] > 0
        )
    )


def _setup_intent(sandbox: SandboxHandle) -> str:
    """A SetupIntent of Maya's that asks to make its card her default (confirmed, with a card not yet hers:
    what is compared before and after stays as it was)."""
    store = sandbox.state.store
    intent = new_setup_intent(
        store, customer=customer_id(sandbox, MAYA), metadata={"portalql_set_as_default": "true"}
    )
    card = new_card(store, last4="4444", brand="mastercard")
    intent.update(status="succeeded", payment_method=card["id"])
    return str(store.add(intent)["id"])


def _tax_id(sandbox: SandboxHandle) -> str:
    maya = customer_id(sandbox, MAYA)
    return str(next(t["id"] for t in sandbox.state.store.iter_type("tax_id") if t["customer"] == maya))


# Each mutation with an input aimed at Maya's (customer A's) objects.
INPUTS: dict[str, Any] = {
    "previewPlanChange": lambda s, _: {
        "subscriptionId": subscription(s, MAYA)["id"],
        "priceId": price_id(s, "business_monthly"),
    },
    # The several-items form: her plan moved and seats added, in one change.
    "changePlan": lambda s, _: {
        "subscriptionId": subscription(s, MAYA)["id"],
        "items": [
            {
                "itemId": subscription(s, MAYA)["items"]["data"][0]["id"],
                "priceId": price_id(s, "business_monthly"),
            },
            {"priceId": price_id(s, "seat_monthly"), "quantity": 2},
        ],
    },
    "cancelSubscription": lambda s, _: {"subscriptionId": subscription(s, MAYA)["id"]},
    "reactivateSubscription": lambda s, _: {"subscriptionId": subscription(s, MAYA)["id"]},
    "previewPause": lambda s, _: {"subscriptionId": subscription(s, MAYA)["id"]},
    "pauseSubscription": lambda s, _: {"subscriptionId": subscription(s, MAYA)["id"]},
    "resumeSubscription": lambda s, _: {"subscriptionId": subscription(s, MAYA)["id"]},
    "startCancellation": lambda s, _: {"subscriptionId": subscription(s, MAYA)["id"], "reason": "UNUSED"},
    "acceptRetentionOffer": lambda s, _: {"subscriptionId": subscription(s, MAYA)["id"], "offerId": "pqro_x"},
    "createRetentionOffer": lambda _s, _t: {"name": "Stay", "kind": "PAUSE", "pause": {"interval": "MONTH"}},
    "archiveRetentionOffer": lambda _s, _t: {"offerId": "pqro_x"},
    "setDefaultPaymentMethod": lambda s, _: {"paymentMethodId": _other_card(s)},
    "detachPaymentMethod": lambda s, _: {"paymentMethodId": _other_card(s)},
    "createSetupIntent": lambda s, _: {"customerId": customer_id(s, MAYA), "setAsDefault": True},
    "completeSetupIntent": lambda s, _: {"setupIntentId": _setup_intent(s)},
    "payInvoice": lambda s, _: {"invoiceId": _paid_invoice(s), "idempotencyKey": "not-yours"},
    "updateCustomer": lambda s, _: {"customerId": customer_id(s, MAYA), "name": "Someone Else"},
    "addTaxId": lambda s, _: {"customerId": customer_id(s, MAYA), "type": "EU_VAT", "value": "DE123456789"},
    "removeTaxId": lambda s, _: {"customerId": customer_id(s, MAYA), "taxIdId": _tax_id(s)},
    "refundPayment": lambda s, _: {"invoiceId": _paid_invoice(s), "idempotencyKey": "not-yours"},
    "createPortalSession": lambda s, _: {"customerId": customer_id(s, MAYA), "kind": "HOSTED"},
    "createCustomerSession": lambda s, _: {"customerId": customer_id(s, MAYA)},
    "revokeCustomerSession": lambda _, maya_token: {"token": maya_token},
    "createEventEndpoint": lambda _s, _t: {"url": "https://product.example/portalql-events"},
    "disableEventEndpoint": lambda _s, _t: {"endpointId": "pqwe_000000000000000000000000"},
    "redeliverEvents": lambda _s, _t: {
        "endpointId": "pqwe_000000000000000000000000",
        "since": "2026-11-15T00:00:00Z",
    },
    "linkExternalCustomerId": lambda s, _: {"customerId": customer_id(s, MAYA), "externalCustomerId": "u-1"},
    "createInvoice": lambda s, _: {
        "customerId": customer_id(s, MAYA),
        "items": [{"description": "Setup", "amount": 5000, "currency": "usd"}],
        "finalize": True,
        "idempotencyKey": "not-yours",
    },
    "finalizeInvoice": lambda s, _: {"invoiceId": _paid_invoice(s)},
    "voidInvoice": lambda s, _: {"invoiceId": _paid_invoice(s)},
    "recordUsage": lambda s, _: {
        "customerId": customer_id(s, MAYA),
        "meterId": next(iter(s.state.store.iter_type("billing.meter")))["id"],
        "value": 5,
        "identifier": "not-yours",
    },
}
UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = "error UNAUTHENTICATED", "error FORBIDDEN", "userError NOT_FOUND"
API_KEYS_ONLY = {
    "refundPayment",
    "createPortalSession",
    "createCustomerSession",
    "createEventEndpoint",
    "disableEventEndpoint",
    "redeliverEvents",
    "linkExternalCustomerId",
    "createInvoice",
    "finalizeInvoice",
    "voidInvoice",
    "createRetentionOffer",
    "archiveRetentionOffer",
    "recordUsage",
}


def _expected(mutation: str, caller: str) -> str:
    if caller in {"anonymous", "bad token"}:
        return UNAUTHENTICATED
    if mutation in API_KEYS_ONLY:
        return FORBIDDEN
    if caller == "customer B":
        return NOT_FOUND
    return FORBIDDEN  # customer A, without the write scope


MATRIX = [
    pytest.param(mutation, caller, _expected(mutation, caller), id=f"{mutation}-{caller}")
    for mutation in INPUTS
    for caller in ("anonymous", "bad token", "customer B", "customer A read-only")
    # Ending one's own customer's session needs no scope: it is how a customer logs out.
    if (mutation, caller) != ("revokeCustomerSession", "customer A read-only")
]


def test_every_mutation_has_a_row() -> None:
    mutations = {field.removeprefix("Mutation.") for field in fields_of("Mutation")}

    missing, stale = sorted(mutations - INPUTS.keys()), sorted(INPUTS.keys() - mutations)
    assert not missing, f"no row in INPUTS for {', '.join(missing)}"
    assert not stale, f"rows in INPUTS for no mutation: {', '.join(stale)}"


def _state(sandbox: SandboxHandle) -> dict[str, Any]:
    store = sandbox.state.store
    maya = customer_id(sandbox, MAYA)
    return copy.deepcopy(
        {
            "customer": store.get(maya, "customer"),
            "subscription": subscription(sandbox, MAYA),
            "payment_methods": [pm for pm in store.all("payment_method") if pm["customer"] == maya],
            "refunds": store.all("refund"),
            "tax_ids": [t for t in store.all("tax_id") if t["customer"] == maya],
            "usage": store.all("billing.meter_event"),
        }
    )


async def _token(tokens: Tokens, sandbox: SandboxHandle, caller: str) -> str | None:
    if caller == "anonymous":
        return None
    if caller == "bad token":
        return "pqs_" + "x" * 43
    if caller == "customer B":
        return await tokens.customer_session(customer_id(sandbox, NOAH))
    return await tokens.customer_session(customer_id(sandbox, MAYA), scopes=READ_SCOPES)


@pytest.mark.parametrize(("mutation", "caller", "expected"), MATRIX)
async def test_a_caller_cannot_change_what_is_not_its_own(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    mutation: str,
    caller: str,
    expected: str,
) -> None:
    maya_token = await tokens.customer_session(customer_id(sandbox, MAYA))
    before = _state(sandbox)
    input_type = f"{mutation[0].upper()}{mutation[1:]}Input"
    document = (
        f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ code field }} }} }}"
    )

    body = await graphql(
        api,
        document,
        {"input": INPUTS[mutation](sandbox, maya_token)},
        token=await _token(tokens, sandbox, caller),
    )

    if expected.startswith("error"):
        assert [error["extensions"]["code"] for error in body["errors"]] == [expected.split()[1]]
        assert body["data"] is None
    else:
        assert "errors" not in body
        assert [error["code"] for error in body["data"][mutation]["userErrors"]] == [expected.split()[1]]
    assert writes(sandbox) == {}
    assert _state(sandbox) == before
    still = await graphql(api, "{ viewer { kind } }", token=maya_token)
    assert still["data"]["viewer"] == {"kind": "CUSTOMER_SESSION"}
