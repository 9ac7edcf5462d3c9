"""`Viewer`: the caller, as the credential it presented describes it."""

from datetime import datetime

import strawberry

from resolvers.customers import viewer_customer_id
from resolvers.principals import ApiKeyPrincipal, Principal
from schema.context import Info
from schema.customers import Customer
from schema.enums import PrincipalKind, Scope
from schema.fields import field
from schema.lookahead import Selection, customer_reads
from schema.mutations.portal_sessions import PortalFlow


@strawberry.type(description="Who is calling: an API key, or one customer's session.")
class Viewer:
    principal: strawberry.Private[Principal]

    @field("The kind of credential the caller presented.")
    def kind(self) -> PrincipalKind:
        if isinstance(self.principal, ApiKeyPrincipal):
            return PrincipalKind.API_KEY
        return PrincipalKind.CUSTOMER_SESSION

    @field("What the caller may do. An API key holds every scope.")
    def scopes(self) -> list[Scope]:
        held = set(Scope) if isinstance(self.principal, ApiKeyPrincipal) else self.principal.scopes
        return [scope for scope in Scope if scope in held]

    @field("For a customer session, when it expires; null for an API key.")
    def session_expires_at(self) -> datetime | None:
        if isinstance(self.principal, ApiKeyPrincipal):
            return None
        return self.principal.expires_at

    @field(
        "For a customer session, where the customer returns to the product: the return URL of the portal "
        "link that opened it; null for other sessions and for an API key."
    )
    def return_url(self) -> str | None:
        if isinstance(self.principal, ApiKeyPrincipal):
            return None
        return self.principal.return_url

    @field(
        "For a customer session, the language it was opened in (such as `de`), to format money and dates "
        "for; null when none was chosen, and for an API key."
    )
    def locale(self) -> str | None:
        if isinstance(self.principal, ApiKeyPrincipal):
            return None
        return self.principal.locale

    @field(
        "For a customer session opened by a portal link with a flow, that flow: the step the portal opens on "
        "and what it shows once the step succeeded (`afterCompletion`); null otherwise."
    )
    def portal_flow(self) -> PortalFlow | None:
        if isinstance(self.principal, ApiKeyPrincipal) or self.principal.flow is None:
            return None
        return PortalFlow(record=self.principal.flow)

    @field("For a customer session, its customer; null for an API key.")
    def customer(self, info: Info) -> Customer | None:
        customer_id = viewer_customer_id(info.context.request_context)
        if customer_id is None:
            return None
        return Customer.lazy(info, customer_id, customer_reads(Selection.of(info)))
