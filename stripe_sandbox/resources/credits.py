"""Credits: billing credit grants (`/v1/billing/credit_grants`), their ledger
(`/v1/billing/credit_balance_transactions`) and balance (`/v1/billing/credit_balance_summary`), how they
pay for metered lines on invoices, and the customer's cash balance ledger
(`/v1/customers/{id}/balance_transactions`)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from stripe_sandbox.resources import meters
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeObject,
    get_dict,
    get_int,
    get_list,
    get_str,
    invalid,
    list_object,
    reject_unknown,
    require_dict,
    require_int,
    require_str,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

GRANT = "billing.credit_grant"
LEDGER = "billing.credit_balance_transaction"
CASH = "customer_balance_transaction"
DEFAULT_PRIORITY = 50


def _monetary(currency: str, value: int) -> StripeObject:
    return {"monetary": {"currency": currency, "value": value}, "type": "monetary"}


def new_grant(
    store: Store,
    *,
    customer: str,
    currency: str,
    value: int,
    category: str,
    name: str | None = None,
    scope: StripeObject | None = None,
    effective_at: int | None = None,
    expires_at: int | None = None,
    priority: int | None = None,
    metadata: dict[str, str] | None = None,
) -> StripeObject:
    now = store.now()
    grant: StripeObject = {
        "id": store.new_id("credgr_test", 24),
        "object": GRANT,
        "amount": _monetary(currency.lower(), value),
        "applicability_config": {"scope": scope or {"price_type": "metered"}},
        "category": category,
        "created": now,
        "customer": customer,
        "customer_account": None,
        "effective_at": effective_at if effective_at is not None else now,
        "expires_at": expires_at,
        "livemode": False,
        "metadata": dict(metadata or {}),
        "name": name,
        "priority": priority if priority is not None else DEFAULT_PRIORITY,
        "test_clock": None,
        "updated": now,
        "voided_at": None,
    }
    store.add(grant)
    _ledger(store, grant, credit=value, kind="credits_granted", effective_at=grant["effective_at"])
    store.emit("billing.credit_grant.created", grant)
    return grant


def _ledger(
    store: Store,
    grant: StripeObject,
    *,
    credit: int = 0,
    debit: int = 0,
    kind: str,
    effective_at: int,
    invoice: str | None = None,
    line: str | None = None,
) -> StripeObject:
    currency = grant["amount"]["monetary"]["currency"]
    applied = {"invoice": invoice, "invoice_line_item": line}
    entry: StripeObject = {
        "id": store.new_id("credbtxn_test", 24),
        "object": LEDGER,
        "created": store.now(),
        "credit": {"amount": _monetary(currency, credit), "type": kind} if credit else None,
        "credit_grant": grant["id"],
        "debit": (
            {"amount": _monetary(currency, debit), "credits_applied": applied, "type": kind}
            if debit
            else None
        ),
        "effective_at": effective_at,
        "livemode": False,
        "test_clock": None,
        "type": "credit" if credit else "debit",
    }
    return store.add(entry)


def remaining(store: Store, grant: StripeObject) -> int:
    """What is left of a grant: its ledger's credits less its debits."""
    total = 0
    for entry in store.iter_type(LEDGER):
        if entry["credit_grant"] == grant["id"]:
            if entry["credit"]:
                total += entry["credit"]["amount"]["monetary"]["value"]
            if entry["debit"]:
                total -= entry["debit"]["amount"]["monetary"]["value"]
    return total


def usable(grant: StripeObject, at: int) -> bool:
    expires = grant["expires_at"]
    return grant["voided_at"] is None and grant["effective_at"] <= at and (expires is None or at < expires)


def _applies_to(grant: StripeObject, price: StripeObject | None) -> bool:
    if price is None:
        return False
    scope = grant["applicability_config"]["scope"]
    if scope.get("prices"):
        return price["id"] in {p["id"] for p in scope["prices"]}
    return meters.is_metered(price)


def _order(grant: StripeObject) -> tuple[int, float, int]:
    """Stripe spends the highest priority (lowest number) first, then what expires soonest."""
    expires = grant["expires_at"]
    return grant["priority"], float("inf") if expires is None else expires, grant["created"]


def apply_to_invoice(store: Store, invoice: StripeObject, *, at: int, record: bool) -> None:
    """Pay eligible lines from the customer's usable grants, as pretax credits; `record` writes the debits
    (an issued invoice), a preview only shows them."""
    grants = sorted(
        (
            g
            for g in store.iter_type(GRANT)
            if g["customer"] == invoice["customer"]
            and g["amount"]["monetary"]["currency"] == invoice["currency"]
            and usable(g, at)
        ),
        key=_order,
    )
    left = {g["id"]: remaining(store, g) for g in grants}
    totals: dict[str, int] = {}
    for line in invoice["lines"]["data"]:
        price_details = line["pricing"]["price_details"]
        price = store.find(price_details["price"]) if price_details else None
        owed = line["amount"]
        for grant in grants:
            if owed <= 0 or left[grant["id"]] <= 0 or not _applies_to(grant, price):
                continue
            used = min(owed, left[grant["id"]])
            left[grant["id"]] -= used
            owed -= used
            entry_id = None
            if record:
                entry_id = _ledger(
                    store,
                    grant,
                    debit=used,
                    kind="credits_applied",
                    effective_at=at,
                    invoice=invoice["id"],
                    line=line["id"],
                )["id"]
            line["pretax_credit_amounts"].append(
                {
                    "amount": used,
                    "credit_balance_transaction": entry_id,
                    "discount": None,
                    "type": "credit_balance_transaction",
                }
            )
            totals[str(entry_id)] = totals.get(str(entry_id), 0) + used
    invoice["total_pretax_credit_amounts"] = [
        {
            "amount": amount,
            "credit_balance_transaction": None if key == "None" else key,
            "discount": None,
            "type": "credit_balance_transaction",
        }
        for key, amount in totals.items()
    ]


def credited(invoice: StripeObject) -> int:
    return sum(c["amount"] for c in invoice.get("total_pretax_credit_amounts") or [])


# -- the customer's cash balance ------------------------------------------------------------------------


def record_cash(
    store: Store,
    customer: StripeObject,
    *,
    amount: int,
    currency: str,
    kind: str,
    description: str | None = None,
    invoice: str | None = None,
    metadata: dict[str, str] | None = None,
) -> StripeObject:
    """A change of the customer's balance (negative: credit the customer holds) and its ledger entry."""
    before = copy.deepcopy(customer)
    customer["balance"] += amount
    if customer["currency"] is None:
        customer["currency"] = currency
    entry: StripeObject = {
        "id": store.new_id("cbtxn", 24),
        "object": CASH,
        "amount": amount,
        "checkout_session": None,
        "created": store.now(),
        "credit_note": None,
        "currency": currency,
        "customer": customer["id"],
        "customer_account": None,
        "description": description,
        "ending_balance": customer["balance"],
        "invoice": invoice,
        "livemode": False,
        "metadata": metadata or None,
        "type": kind,
    }
    store.add(entry)
    store.emit_changes("customer.updated", before, customer)
    return entry


# -- endpoints ------------------------------------------------------------------------------------------


@router.post("/v1/billing/credit_grants")
def create_grant(call: Call) -> StripeObject:
    params, store = call.params, call.store
    reject_unknown(
        params,
        (
            "amount", "applicability_config", "category", "customer", "effective_at", "expires_at",
            "metadata", "name", "priority",
        ),
    )  # fmt: skip
    customer = store.get(require_str(params, "customer"), "customer", param="customer")
    amount = require_dict(params, "amount")
    require_str(amount, "type", choices=("monetary",), param="amount[type]")
    monetary = require_dict(amount, "monetary", param="amount[monetary]")
    config = require_dict(params, "applicability_config")
    scope = require_dict(config, "scope", param="applicability_config[scope]")
    reject_unknown(scope, ("price_type", "prices"), prefix="applicability_config[scope]")
    prices = get_list(scope, "prices", param="applicability_config[scope][prices]")
    if (prices is None) == (get_str(scope, "price_type", choices=("metered",)) is None):
        raise invalid("Give exactly one of `price_type` or `prices`.", param="applicability_config[scope]")
    now = store.now()
    expires_at = get_int(params, "expires_at", minimum=now + 1)
    return new_grant(
        store,
        customer=customer["id"],
        currency=require_str(monetary, "currency", param="amount[monetary][currency]"),
        value=require_int(monetary, "value", minimum=1, param="amount[monetary][value]"),
        category=get_str(params, "category", choices=("paid", "promotional")) or "paid",
        name=get_str(params, "name") or None,
        scope=copy.deepcopy(scope),
        effective_at=get_int(params, "effective_at", minimum=0),
        expires_at=expires_at,
        priority=get_int(params, "priority", minimum=0),
        metadata=updated_metadata({}, params),
    )


@router.get("/v1/billing/credit_grants/{id}")
def retrieve_grant(call: Call) -> StripeObject:
    return call.store.get(call["id"], GRANT)


@router.get("/v1/billing/credit_grants")
def list_grants(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("customer", "ending_before", "limit", "starting_after"))
    customer = get_str(params, "customer")
    return list_object(
        call.store.all(GRANT),
        params,
        "/v1/billing/credit_grants",
        where=lambda g: customer is None or g["customer"] == customer,
    )


@router.post("/v1/billing/credit_grants/{id}/void")
def void_grant(call: Call) -> StripeObject:
    stored = call.store.get(call["id"], GRANT)
    if stored["voided_at"] is not None:
        raise invalid("This credit grant has already been voided.")
    return call.store.save_changes(
        "billing.credit_grant.updated", stored, {**stored, "voided_at": call.store.now()}
    )


@router.get("/v1/billing/credit_balance_transactions")
def list_ledger(call: Call) -> StripeObject:
    params, store = call.params, call.store
    reject_unknown(params, ("credit_grant", "customer", "ending_before", "limit", "starting_after"))
    grant_id = get_str(params, "credit_grant")
    customer = get_str(params, "customer")
    if customer is None and grant_id is None:
        raise invalid("You must specify `customer` or `credit_grant`.", param="customer")
    grants = {g["id"]: g for g in store.iter_type(GRANT)}
    return list_object(
        store.all(LEDGER),
        params,
        "/v1/billing/credit_balance_transactions",
        where=lambda e: (
            (grant_id is None or e["credit_grant"] == grant_id)
            and (customer is None or grants[e["credit_grant"]]["customer"] == customer)
        ),
    )


@router.get("/v1/billing/credit_balance_summary")
def balance_summary(call: Call) -> StripeObject:
    params, store = call.params, call.store
    reject_unknown(params, ("customer", "filter"))
    customer = store.get(require_str(params, "customer"), "customer", param="customer")
    wanted = require_dict(params, "filter")
    kind = require_str(wanted, "type", choices=("applicability_scope", "credit_grant"), param="filter[type]")
    grant_id = get_str(wanted, "credit_grant", param="filter[credit_grant]")
    scope = get_dict(wanted, "applicability_scope", param="filter[applicability_scope]")
    if kind == "credit_grant" and grant_id is None:
        raise invalid("Missing required param: filter[credit_grant].", param="filter[credit_grant]")
    if kind == "applicability_scope" and scope is None:
        raise invalid(
            "Missing required param: filter[applicability_scope].", param="filter[applicability_scope]"
        )
    now = store.now()
    by_currency: dict[str, int] = {}
    for grant in store.iter_type(GRANT):
        if grant["customer"] != customer["id"] or not usable(grant, now):
            continue
        if kind == "credit_grant" and grant["id"] != grant_id:
            continue
        if kind == "applicability_scope" and not _scope_matches(grant, scope or {}):
            continue
        currency = grant["amount"]["monetary"]["currency"]
        by_currency[currency] = by_currency.get(currency, 0) + remaining(store, grant)
    return {
        "object": "billing.credit_balance_summary",
        "balances": [
            # Credits are debited only as invoices finalize, so nothing is held on drafts: both agree.
            {"available_balance": _monetary(c, v), "ledger_balance": _monetary(c, v)}
            for c, v in sorted(by_currency.items())
        ],
        "customer": customer["id"],
        "customer_account": None,
        "livemode": False,
    }


def _scope_matches(grant: StripeObject, scope: dict[str, Any]) -> bool:
    have = grant["applicability_config"]["scope"]
    if scope.get("price_type"):
        return bool(have.get("price_type") == scope["price_type"])
    wanted = {p["id"] for p in scope.get("prices") or [] if isinstance(p, dict)}
    return bool(wanted & {p["id"] for p in have.get("prices") or []})


@router.get("/v1/customers/{customer}/balance_transactions")
def list_cash(call: Call) -> StripeObject:
    params, store = call.params, call.store
    reject_unknown(params, ("created", "ending_before", "invoice", "limit", "starting_after"))
    customer = store.get(call["customer"], "customer", param="customer")
    invoice = get_str(params, "invoice")
    return list_object(
        store.all(CASH),
        params,
        f"/v1/customers/{customer['id']}/balance_transactions",
        where=lambda e: e["customer"] == customer["id"] and (invoice is None or e["invoice"] == invoice),
    )


@router.post("/v1/customers/{customer}/balance_transactions")
def create_cash(call: Call) -> StripeObject:
    params, store = call.params, call.store
    reject_unknown(params, ("amount", "currency", "description", "metadata"))
    customer = store.get(call["customer"], "customer", param="customer")
    currency = require_str(params, "currency").lower()
    if customer["currency"] not in (None, currency):
        raise invalid(
            f"The customer's balance is in {customer['currency']}; it cannot take {currency}.",
            param="currency",
        )
    return record_cash(
        store,
        customer,
        amount=require_int(params, "amount"),
        currency=currency,
        kind="adjustment",
        description=get_str(params, "description") or None,
        metadata=updated_metadata({}, params),
    )
