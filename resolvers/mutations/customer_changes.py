"""Changing a customer's contact details.

A customer session may change only its own customer, and only the fields the portal configuration's
`customer_update.allowed_updates` lists (`rules.customer_detail_refusal`); every field given is validated
before Stripe is called. One Stripe call: the update, which answers with the customer (tax ids included);
the customer read it starts from is usually cached. Tax ids have mutations of their own (`tax_id_changes`).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, Rejected, UserError, UserErrorCode, attempt, reject
from resolvers.mutations.targets import features_held_to, owned_customer
from resolvers.policy import require_scope
from resolvers.principals import CustomerPrincipal, Scope
from resolvers.text import country_codes, excerpt, is_printable_line
from stripe_gateway.records import Address, CustomerDetail, Shipping

if TYPE_CHECKING:
    from collections.abc import Iterator

    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Customer, CustomerUpdate

FIELDS = (
    CustomerDetail.EMAIL,
    CustomerDetail.NAME,
    CustomerDetail.PHONE,
    CustomerDetail.ADDRESS,
    CustomerDetail.SHIPPING,
)
_ACTION = "customer.update"
# One @, no spaces, a dot in the domain: what a billing email needs to be deliverable, without pretending
# to implement RFC 5322.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9 ()./-]{4,20}")
# Stripe's own limits on these parameters, in characters.
_MAX_LENGTH = {"email": 512, "name": 256, "phone": 20}
_MAX_ADDRESS_LINE = 5000
_ADDRESS_LINES = ("line1", "line2", "city", "state", "postal_code")
_MAX_SHIPPING_NAME = 256


def _given(changes: CustomerUpdate) -> list[CustomerDetail]:
    return [name for name in FIELDS if getattr(changes, name) is not None]


def _text_error(field: tuple[str, ...], value: str, limit: int) -> UserError | None:
    """A refusal for text that is too long or not one printable line; None for text that may go to Stripe."""
    if len(value) > limit:
        return UserError(UserErrorCode.INVALID_INPUT, f"At most {limit} characters.", field)
    if not is_printable_line(value):
        return UserError(
            UserErrorCode.INVALID_INPUT,
            "Only printable characters on one line: no control or formatting characters.",
            field,
        )
    return None


def _texts(changes: CustomerUpdate) -> Iterator[tuple[tuple[str, ...], str, int]]:
    """Every text given: its field's path, its value and its limit."""
    for name, limit in _MAX_LENGTH.items():
        if (value := getattr(changes, name)) is not None:
            yield (name,), value, limit
    for name in _ADDRESS_LINES if changes.address is not None else ():
        if (value := getattr(changes.address, name)) is not None:
            yield ("address", name), value, _MAX_ADDRESS_LINE
    if (shipping := changes.shipping) is not None:
        if shipping.name is not None:
            yield ("shipping", "name"), shipping.name, _MAX_SHIPPING_NAME
        if shipping.phone is not None:
            yield ("shipping", "phone"), shipping.phone, _MAX_LENGTH["phone"]
        for name in _ADDRESS_LINES:
            if (value := getattr(shipping.address, name)) is not None:
                yield ("shipping", "address", name), value, _MAX_ADDRESS_LINE


def _format_errors(changes: CustomerUpdate) -> list[UserError]:
    errors = []
    if changes.email is not None and not _EMAIL.fullmatch(changes.email):
        errors.append(
            UserError(
                UserErrorCode.INVALID_EMAIL,
                f"'{excerpt(changes.email)}' is not an email address.",
                ("email",),
            )
        )
    if changes.name is not None and not changes.name.strip():
        errors.append(
            UserError(
                UserErrorCode.INVALID_INPUT, f"A name has 1 to {_MAX_LENGTH['name']} characters.", ("name",)
            )
        )
    if changes.phone is not None and not _PHONE.fullmatch(changes.phone):
        errors.append(UserError(UserErrorCode.INVALID_INPUT, "That is not a phone number.", ("phone",)))
    if changes.address is not None:
        errors.extend(_country_errors(changes.address.country, ("address", "country")))
    if (shipping := changes.shipping) is not None:
        if not (shipping.name or "").strip():
            errors.append(
                UserError(
                    UserErrorCode.INVALID_INPUT,
                    "Give the name of whoever receives the deliveries.",
                    ("shipping", "name"),
                )
            )
        if shipping.phone is not None and not _PHONE.fullmatch(shipping.phone):
            errors.append(
                UserError(UserErrorCode.INVALID_INPUT, "That is not a phone number.", ("shipping", "phone"))
            )
        if not (shipping.address.line1 or "").strip():
            errors.append(
                UserError(
                    UserErrorCode.INVALID_INPUT,
                    "Give the street and number deliveries go to.",
                    ("shipping", "address", "line1"),
                )
            )
        errors.extend(_country_errors(shipping.address.country, ("shipping", "address", "country")))
    return errors


def _country_errors(country: str | None, field: tuple[str, ...]) -> list[UserError]:
    if country is None or country in country_codes():
        return []
    return [
        UserError(
            UserErrorCode.INVALID_INPUT, "A country is a two-letter ISO 3166-1 code, such as `US`.", field
        )
    ]


def _invalid(changes: CustomerUpdate) -> list[UserError]:
    """Text errors first; a field with one is not checked for its format (its message would quote it)."""
    text_errors = [error for text in _texts(changes) if (error := _text_error(*text)) is not None]
    refused = {error.field for error in text_errors}
    return text_errors + [error for error in _format_errors(changes) if error.field not in refused]


async def _not_allowed(
    ctx: RequestContext, principal: Principal, given: list[CustomerDetail]
) -> list[UserError]:
    features = await features_held_to(ctx, principal)
    refusals = [refusal for name in given if (refusal := rules.customer_detail_refusal(features, name))]
    if any(refusal.code is UserErrorCode.FEATURE_DISABLED for refusal in refusals):
        raise Rejected(refusals[0])
    return refusals


def _details(customer: Customer, names: list[CustomerDetail]) -> dict[str, object]:
    # As JSON for the audit trail: the address record becomes an object.
    return {name: _as_json(getattr(customer, name)) for name in names}


def _as_json(value: object) -> object:
    return dataclasses.asdict(value) if isinstance(value, Address | Shipping) else value


def target_customer(principal: Principal, customer_id: str | None) -> str:
    """The customer a details mutation changes: a session's own by default, named with an API key."""
    if isinstance(principal, CustomerPrincipal):
        return principal.customer_id if customer_id is None else customer_id  # "" names no customer
    if customer_id is None:
        raise reject(UserErrorCode.INVALID_INPUT, "Name the customer to change.", "customer_id")
    return customer_id


async def _update_customer(ctx: RequestContext, customer_id: str | None, changes: CustomerUpdate) -> Customer:
    principal = require_scope(ctx, Scope.CUSTOMER_WRITE)
    target_id = target_customer(principal, customer_id)
    customer = await owned_customer(ctx, principal, target_id, "customer_id")
    given = _given(changes)
    if not given:
        raise reject(UserErrorCode.INVALID_INPUT, f"Give at least one of: {', '.join(FIELDS)}.")
    errors = [*await _not_allowed(ctx, principal, given), *_invalid(changes)]
    if errors:
        raise Rejected(*errors)
    target = ("update_customer", dataclasses.asdict(changes))
    if all(getattr(customer, name) == getattr(changes, name) for name in given):
        # Already so: nothing to do, or a retry of an update whose answer was lost.
        await writes.already_done(
            ctx, action=_ACTION, object_id=target_id, target=target, after=_details(customer, given)
        )
        return customer
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_ACTION,
        object_type="customer",
        object_id=target_id,
        customer_id=target_id,
        before=_details(customer, given),
        after=_details(
            dataclasses.replace(customer, **{name: getattr(changes, name) for name in given}), given
        ),
    )
    key = writes.idempotency_key(
        ctx, principal, None, "update_customer", target_id, dataclasses.asdict(changes)
    )
    async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
        updated = await ctx.gateway.update_customer(target_id, changes, idempotency_key=key)
        ctx.forget_reads()
        ctx.loaders.prime_customers([updated])
        written.after = _details(updated, given)
    return updated


async def update_customer(
    ctx: RequestContext, *, customer_id: str | None, changes: CustomerUpdate
) -> Outcome[Customer]:
    return await attempt(_update_customer(ctx, customer_id, changes))
