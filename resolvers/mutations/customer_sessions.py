"""Customer sessions for a product's own SPA: issued by the product's backend (API keys only), revoked by
it or by the customer (logging out).

Issuing mints a new token each time: a retried request yields a second session, which is harmless (each
expires, and either can be revoked), so there is no idempotency key to give.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers import external_ids
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import check_id, owned_customer
from resolvers.policy import authenticated, require_api_key
from resolvers.principals import CustomerPrincipal
from stripe_gateway.errors import NotFound
from stripe_gateway.ids import IdKind

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.ports import IssuedCustomerSession
    from resolvers.principals import Scope
    from stripe_gateway.records import PortalConfiguration

MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 24 * 3600


async def usable_configuration(ctx: RequestContext, configuration_id: str) -> PortalConfiguration:
    try:
        configuration = await ctx.loaders.portal_configuration(configuration_id)
    except NotFound as error:
        raise reject(
            UserErrorCode.NOT_FOUND, f"No portal configuration '{configuration_id}'.", "configuration_id"
        ) from error
    if not configuration.active:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"Portal configuration '{configuration_id}' is inactive.",
            "configuration_id",
        )
    return configuration


async def _create(
    ctx: RequestContext,
    *,
    customer_id: str | None,
    external_customer_id: str | None,
    scopes: frozenset[Scope] | None,
    ttl_seconds: int | None,
    configuration_id: str | None,
) -> IssuedCustomerSession:
    principal = require_api_key(ctx)
    if ttl_seconds is not None and not MIN_TTL_SECONDS <= ttl_seconds <= MAX_TTL_SECONDS:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A session lives {MIN_TTL_SECONDS} to {MAX_TTL_SECONDS} seconds.",
            "ttl_seconds",
        )
    if scopes is not None and not scopes:
        raise reject(UserErrorCode.INVALID_INPUT, "A session needs at least one scope.", "scopes")
    customer_id = await external_ids.mutation_customer(ctx, customer_id, external_customer_id)
    check_id(IdKind.CUSTOMER, customer_id, "customer_id")
    check_id(IdKind.PORTAL_CONFIGURATION, configuration_id, "configuration_id")
    await owned_customer(ctx, principal, customer_id, "customer_id")
    if configuration_id is not None:
        await usable_configuration(ctx, configuration_id)
    issued = await writes.stores(ctx).sessions.create_customer_session(
        customer_id=customer_id,
        scopes=scopes,
        ttl_seconds=ttl_seconds,
        configuration_id=configuration_id,
        created_by_api_key_id=principal.key_id,
    )
    session = issued.principal
    await writes.audit(
        ctx,
        principal,
        action="customer_session.create",
        object_type="customer_session",
        object_id=session.session_id,
        customer_id=customer_id,
        before=None,
        after={
            "scopes": sorted(scope.value for scope in session.scopes),
            "expiresAt": session.expires_at.isoformat(),
            "configuration": session.configuration_id,
        },
    )
    return issued


async def create_customer_session(
    ctx: RequestContext,
    *,
    customer_id: str | None,
    scopes: frozenset[Scope] | None,
    ttl_seconds: int | None,
    configuration_id: str | None,
    external_customer_id: str | None = None,
) -> Outcome[IssuedCustomerSession]:
    """Names the customer by `customer_id` or by `external_customer_id` (exactly one)."""
    return await attempt(
        _create(
            ctx,
            customer_id=customer_id,
            external_customer_id=external_customer_id,
            scopes=scopes,
            ttl_seconds=ttl_seconds,
            configuration_id=configuration_id,
        )
    )


async def _revoke(ctx: RequestContext, session_id: str | None, token: str | None) -> str:
    principal = authenticated(ctx)
    if (session_id is None) == (token is None):
        raise reject(UserErrorCode.INVALID_INPUT, "Give either the session's id or its token.")
    # A customer may end its own customer's sessions (log out), an API key anyone's.
    only_of = principal.customer_id if isinstance(principal, CustomerPrincipal) else None
    revoked = await writes.stores(ctx).sessions.revoke_customer_session(
        session_id=session_id, token=token, customer_id=only_of
    )
    if revoked is None:
        field = "session_id" if session_id is not None else "token"
        raise reject(UserErrorCode.NOT_FOUND, "No such customer session.", field)
    if revoked.newly_revoked:
        await writes.audit(
            ctx,
            principal,
            action="customer_session.revoke",
            object_type="customer_session",
            object_id=revoked.id,
            customer_id=revoked.customer_id,
            before=None,
            after={"revoked": True},
        )
    return revoked.id


async def revoke_customer_session(
    ctx: RequestContext, *, session_id: str | None, token: str | None
) -> Outcome[str]:
    return await attempt(_revoke(ctx, session_id, token))
