"""What every mutation shares: the persistence stores, Stripe idempotency keys, and the audit event.

A write's audit entry is kept before the write is sent (`audited_write`) and reaches the trail when the
write is seen to take effect: by the mutation's answer, by a retry that finds the state already as asked
(`already_done`), or by the webhook of the change. So a write whose answer was lost is audited all the same,
and exactly once, since the trail holds one entry per idempotency key.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.live import announce, topics_of_action
from resolvers.mutations.outcome import Rejected, UserErrorCode, reject
from resolvers.ports import AuditEntry, ExpectedWrite
from resolvers.principals import ApiKeyPrincipal
from stripe_gateway.errors import CardDeclined, InvalidRequest, NotFound

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from resolvers.context import RequestContext
    from resolvers.ports import Stores
    from resolvers.principals import Principal

# Room is left for the namespace and the operation within Stripe's 255 characters.
MAX_CLIENT_KEY_LENGTH = 200


def stores(ctx: RequestContext) -> Stores:
    if ctx.stores is None:
        raise RuntimeError("this request context has no persistence stores; the app injects them")
    return ctx.stores


def check_client_key(client_key: str | None) -> None:
    if client_key is not None and not 0 < len(client_key.strip()) <= MAX_CLIENT_KEY_LENGTH:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"An idempotency key has 1 to {MAX_CLIENT_KEY_LENGTH} characters.",
            "idempotency_key",
        )


def _namespace(principal: Principal) -> str:
    # All API keys act for the merchant (a retry after a key rotation still matches); a session for its
    # customer. Two customers' keys never meet in the one Stripe account this way.
    if isinstance(principal, ApiKeyPrincipal):
        return "merchant"
    return f"customer:{principal.customer_id}"


def idempotency_key(
    ctx: RequestContext, principal: Principal, client_key: str | None, *request: object
) -> str:
    """The key sent to Stripe for one write (the gateway prefixes the operation's name).

    A client's key is used as given, within its caller's namespace. Without one, the key is made of the
    request id (a client retries an HTTP request by resending its `X-Request-Id`) and of what `request`
    asks for, so two writes in one document differ. A retry under a new request id is made safe by the
    mutations themselves: each checks the current state first and does nothing when it already holds.
    """
    if client_key is not None:
        return f"{_namespace(principal)}:{client_key.strip()}"
    return f"{_namespace(principal)}:request:{ctx.request_id}:{_digest(request)[:32]}"


def state_key(principal: Principal, *request: object) -> str:
    """A key for a write that `request` (including the state it starts from) fully determines: requests
    asking the same of the same state share it, whichever request ids they came with."""
    return f"{_namespace(principal)}:state:{_digest(request)[:32]}"


def _digest(request: tuple[object, ...]) -> str:
    return hashlib.sha256(json.dumps(request, default=str).encode()).hexdigest()


def audit_entry(
    ctx: RequestContext,
    principal: Principal,
    *,
    action: str,
    object_type: str,
    object_id: str,
    customer_id: str | None,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
) -> AuditEntry:
    return AuditEntry(
        principal=principal,
        action=action,
        object_type=object_type,
        object_id=object_id,
        customer_id=customer_id,
        before=before,
        after=after,
        request_id=ctx.request_id,
        client_ip=ctx.client_ip,
    )


async def audit(
    ctx: RequestContext,
    principal: Principal,
    *,
    action: str,
    object_type: str,
    object_id: str,
    customer_id: str | None,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
    once_key: str | None = None,
) -> None:
    """Audit a change made in this request, and tell the customer's watchers of it. With `once_key`, the
    trail keeps one entry per key, however often the change is observed."""
    await stores(ctx).audit.record(
        audit_entry(
            ctx,
            principal,
            action=action,
            object_type=object_type,
            object_id=object_id,
            customer_id=customer_id,
            before=before,
            after=after,
        ),
        write_key=once_key,
    )
    await announce(ctx, customer_id, topics_of_action(action))


@dataclass(slots=True)
class AuditedWrite:
    """The state a write left, as the trail shows it; set by the mutation once Stripe answered."""

    after: Mapping[str, object] | None = None


# Stripe's refusals: Stripe answers a retried key with its first answer, so after one the write never took
# effect. Anything else (an outage, a lost answer) leaves the entry for whoever sees the write take effect.
_REFUSED = (Rejected, CardDeclined, InvalidRequest, NotFound)


@asynccontextmanager
async def audited_write(
    ctx: RequestContext, *, key: str, target: tuple[object, ...], entry: AuditEntry
) -> AsyncIterator[AuditedWrite]:
    """Audit the write the block sends under `key`, asking for the state `target` (what `already_done` is
    told for it) and shown in the trail as `entry.after` until the block sets the state it left; once it
    took effect, tell the customer's watchers."""
    log = stores(ctx).audit
    await log.expect(ExpectedWrite(key=key, target=_digest(target), entry=entry))
    written = AuditedWrite(after=entry.after)
    try:
        yield written
    except _REFUSED:
        await log.refused(key)
        raise
    await log.took_effect(key, after=written.after)
    await announce(ctx, entry.customer_id, topics_of_action(entry.action))


async def already_done(
    ctx: RequestContext,
    *,
    action: str,
    object_id: str,
    target: tuple[object, ...],
    after: Mapping[str, object] | None,
) -> None:
    """The state `target` names already holds: audit the writes that asked for it and whose answer was
    lost (a retry after an outage comes here); nothing when there are none."""
    await stores(ctx).audit.already_done(
        object_id=object_id, action=action, target=_digest(target), after=after
    )
