"""Adding and removing a customer's tax ids (the portal configuration's `tax_id` update).

Stripe calls: the customer and, for a customer session, the portal configuration, read together (the tax
ids come with the customer; both are usually cached), then one write: the tax id's creation or deletion.
Adding an id the customer already has (same type and value) changes nothing and answers with the one they
have, so a retry never makes a second; concurrent adds of one id share an idempotency key made of the id
and the customer's tax ids. Stripe checks the value's format for the common types: its refusal is
INVALID_TAX_ID with Stripe's reason. A removal retried after its answer was lost finds the id gone and
answers NOT_FOUND; the write is audited once either way.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations import writes
from resolvers.mutations.customer_changes import target_customer
from resolvers.mutations.outcome import Outcome, Rejected, UserErrorCode, attempt, reject
from resolvers.mutations.targets import (
    check_id,
    limited_by_portal,
    owned_customer,
    portal_features,
    settled,
)
from resolvers.policy import require_scope
from resolvers.principals import Scope
from resolvers.text import excerpt
from stripe_gateway.errors import InvalidRequest, NotFound
from stripe_gateway.ids import IdKind
from stripe_gateway.records import CustomerDetail, TaxIdType

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Customer, TaxId

# Stripe keeps at most this many tax ids per customer.
MAX_TAX_IDS = 25
MAX_VALUE_LENGTH = 40
# What tax ids are written with: letters (Mexico's RFC has Ñ and &), digits, and the separators the
# official formats use.
_VALUE = re.compile(r"[0-9A-Za-zÑñ&.\-/ ]+")
_TAX_ID_INVALID = "tax_id_invalid"
_ADD = "customer.tax_id.add"
_REMOVE = "customer.tax_id.remove"


@dataclass(frozen=True, slots=True)
class TaxIdChange:
    """The tax id added (or removed) and the customer it belongs to."""

    tax_id: TaxId
    customer_id: str


def _as_json(tax_id: TaxId) -> dict[str, object]:
    return {"id": tax_id.id, "type": tax_id.type.value, "value": tax_id.value}


def _caller(ctx: RequestContext, customer_id: str | None) -> tuple[Principal, str]:
    """The caller, who must hold `customer:write`, and the customer it changes (an id of the right shape)."""
    principal = require_scope(ctx, Scope.CUSTOMER_WRITE)
    target_id = target_customer(principal, customer_id)
    check_id(IdKind.CUSTOMER, target_id, "customer_id")
    return principal, target_id


async def _customer_to_change(
    ctx: RequestContext, principal: Principal, target_id: str
) -> tuple[Customer, tuple[TaxId, ...]]:
    if limited_by_portal(principal):
        # Both reads in one round trip; the customer's refusal (NOT_FOUND) comes first.
        found, features = await asyncio.gather(
            owned_customer(ctx, principal, target_id, "customer_id"),
            portal_features(ctx),
            return_exceptions=True,
        )
        customer = settled(found)
        if refusal := rules.customer_detail_refusal(settled(features), CustomerDetail.TAX_ID):
            raise Rejected(replace(refusal, field=()))  # the input as a whole
    else:
        customer = await owned_customer(ctx, principal, target_id, "customer_id")
    tax_ids = customer.tax_ids
    if tax_ids is None:  # a record primed by a write that did not expand them
        tax_ids = (await ctx.gateway.retrieve_customer(target_id)).tax_ids or ()
    return customer, tax_ids


def _check_value(tax_type: TaxIdType, value: str) -> str:
    if tax_type is TaxIdType.UNKNOWN:
        raise reject(UserErrorCode.INVALID_INPUT, "Choose the kind of tax ID.", "type")
    trimmed = value.strip()
    if not 0 < len(trimmed) <= MAX_VALUE_LENGTH or not _VALUE.fullmatch(trimmed):
        raise reject(
            UserErrorCode.INVALID_TAX_ID,
            f"A tax ID has 1 to {MAX_VALUE_LENGTH} letters, digits, spaces, dots, dashes or slashes.",
            "value",
        )
    return trimmed


async def _add(
    ctx: RequestContext, customer_id: str | None, tax_type: TaxIdType, value: str, client_key: str | None
) -> TaxIdChange:
    principal, target_id = _caller(ctx, customer_id)
    writes.check_client_key(client_key)
    value = _check_value(tax_type, value)  # before anything is read
    customer, tax_ids = await _customer_to_change(ctx, principal, target_id)
    target = ("add_tax_id", customer.id, tax_type.value, value)
    same = next((t for t in tax_ids if t.type is tax_type and t.value == value), None)
    if same is not None:
        # Already there: a retry, or the same id entered twice.
        await writes.already_done(
            ctx, action=_ADD, object_id=customer.id, target=target, after=_as_json(same)
        )
        return TaxIdChange(same, customer.id)
    if len(tax_ids) >= MAX_TAX_IDS:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"You can keep at most {MAX_TAX_IDS} tax IDs: remove one first.",
            "value",
        )
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_ADD,
        object_type="customer",
        object_id=customer.id,
        customer_id=customer.id,
        before=None,
        after={"type": tax_type.value, "value": value},
    )
    # Without a client's key, the id and the tax ids it was added to key the write: concurrent adds of one
    # id make one, and adding it again after a removal makes a new one.
    key = (
        writes.idempotency_key(ctx, principal, client_key, *target)
        if client_key is not None
        else writes.state_key(principal, *target, sorted(t.id for t in tax_ids))
    )
    try:
        async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
            created = await ctx.gateway.create_tax_id(customer.id, tax_type, value, idempotency_key=key)
            written.after = _as_json(created)
    except InvalidRequest as error:
        if error.code != _TAX_ID_INVALID:
            raise
        raise reject(
            UserErrorCode.INVALID_TAX_ID, f"'{excerpt(value)}' was not accepted: {error.message}", "value"
        ) from error
    ctx.forget_reads()
    return TaxIdChange(created, customer.id)


async def _remove(ctx: RequestContext, customer_id: str | None, tax_id_id: str) -> TaxIdChange:
    principal, target_id = _caller(ctx, customer_id)
    check_id(IdKind.TAX_ID, tax_id_id, "tax_id_id")
    customer, tax_ids = await _customer_to_change(ctx, principal, target_id)
    target = ("remove_tax_id", customer.id, tax_id_id)
    found = next((t for t in tax_ids if t.id == tax_id_id), None)
    if found is None:
        # Gone, or never there: a removal whose answer was lost is audited now.
        await writes.already_done(ctx, action=_REMOVE, object_id=customer.id, target=target, after=None)
        raise reject(UserErrorCode.NOT_FOUND, f"No tax ID '{excerpt(tax_id_id)}'.", "tax_id_id")
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_REMOVE,
        object_type="customer",
        object_id=customer.id,
        customer_id=customer.id,
        before=_as_json(found),
        after=None,
    )
    key = writes.idempotency_key(ctx, principal, None, *target)
    try:
        async with writes.audited_write(ctx, key=key, target=target, entry=entry):
            await ctx.gateway.delete_tax_id(customer.id, tax_id_id)
    except NotFound as error:
        raise reject(UserErrorCode.NOT_FOUND, f"No tax ID '{excerpt(tax_id_id)}'.", "tax_id_id") from error
    ctx.forget_reads()
    return TaxIdChange(found, customer.id)


async def add_tax_id(
    ctx: RequestContext,
    *,
    customer_id: str | None,
    tax_type: TaxIdType,
    value: str,
    idempotency_key: str | None = None,
) -> Outcome[TaxIdChange]:
    return await attempt(_add(ctx, customer_id, tax_type, value, idempotency_key))


async def remove_tax_id(
    ctx: RequestContext, *, customer_id: str | None, tax_id_id: str
) -> Outcome[TaxIdChange]:
    return await attempt(_remove(ctx, customer_id, tax_id_id))
