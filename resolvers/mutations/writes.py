"""What every mutation shares: the persistence stores, Stripe idempotency keys, and the audit event."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from resolvers.mutations.outcome import UserErrorCode, reject
from resolvers.ports import AuditEntry
from resolvers.principals import ApiKeyPrincipal

if TYPE_CHECKING:
    from collections.abc import Mapping

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
    digest = hashlib.sha256(json.dumps(request, default=str).encode()).hexdigest()[:32]
    return f"{_namespace(principal)}:request:{ctx.request_id}:{digest}"


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
) -> None:
    await stores(ctx).audit.record(
        AuditEntry(
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
    )
