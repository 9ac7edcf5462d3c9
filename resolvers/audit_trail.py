"""Reading the audit trail: every API key may, a customer session only its own customer's events.

A customer sees what was done to its billing, not who at the merchant did it from where: the principal id
and client IP of events are withheld from customer sessions.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from resolvers.errors import InvalidArgumentError, NotFoundError
from resolvers.mutations.writes import stores
from resolvers.pagination import MAX_PAGE_SIZE
from resolvers.policy import require_scope
from resolvers.principals import CustomerPrincipal, Scope

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.ports import AuditRecordPage

DEFAULT_AUDIT_PAGE = 20


async def audit_events(
    ctx: RequestContext, *, first: int | None, after: str | None, customer_id: str | None
) -> AuditRecordPage:
    """Events newest first; for an API key across all customers unless `customer_id` is given."""
    principal = require_scope(ctx, Scope.AUDIT_READ)
    limit = DEFAULT_AUDIT_PAGE if first is None else first
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidArgumentError(f"`first` must be between 1 and {MAX_PAGE_SIZE}.")
    own = isinstance(principal, CustomerPrincipal)
    if isinstance(principal, CustomerPrincipal):
        if customer_id not in {None, principal.customer_id}:
            raise NotFoundError(customer_id or "")
        customer_id = principal.customer_id
    try:
        page = await stores(ctx).audit.page(customer_id=customer_id, limit=limit, after=after)
    except ValueError as error:
        raise InvalidArgumentError("`after` is not a cursor of this list.") from error
    if not own:
        return page
    withheld = tuple(dataclasses.replace(r, principal_id=None, client_ip=None) for r in page.records)
    return dataclasses.replace(page, records=withheld)
