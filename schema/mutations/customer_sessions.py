"""`createCustomerSession` (API keys only) and `revokeCustomerSession`."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.mutations import customer_sessions
from resolvers.ports import IssuedCustomerSession
from schema.context import Info
from schema.customers import Customer
from schema.enums import Scope
from schema.fields import field
from schema.user_errors import UserError, user_errors


@strawberry.input(description="A customer session for a product's own SPA.")
class CreateCustomerSessionInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer (`cus_…`) the session acts for; or give `externalCustomerId`.",
    )
    external_customer_id: str | None = strawberry.field(
        default=None,
        description="The product's own id for the customer (see `linkExternalCustomerId`), instead of "
        "`customerId`; looked up in this service's database.",
    )
    scopes: list[Scope] | None = strawberry.field(
        default=None, description="What the session may do; null grants everything but `audit:read`."
    )
    ttl_seconds: int | None = strawberry.field(
        default=None,
        description="How long the session lives, 60 to 86400 seconds; null uses the service's default.",
    )
    configuration_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The portal configuration (`bpc_…`) that limits the session; null uses the default one.",
    )


@strawberry.type(description="A customer session: a bearer token for one customer's data.")
class CustomerSession:
    issued: strawberry.Private[IssuedCustomerSession]

    @field("The session's id, to revoke it with.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.issued.principal.session_id)

    @field("The token to send as `Authorization: Bearer <token>`; shown only here, once.")
    def token(self) -> str:
        return self.issued.token

    @field("When the session expires.")
    def expires_at(self) -> datetime:
        return self.issued.principal.expires_at

    @field("What the session may do.")
    def scopes(self) -> list[Scope]:
        held = self.issued.principal.scopes
        return [scope for scope in Scope if scope in held]

    @field("The customer the session acts for.")
    def customer(self, info: Info) -> Customer:
        return Customer.lazy(info, self.issued.principal.customer_id)


@strawberry.type(description="The result of `createCustomerSession`.")
class CreateCustomerSessionPayload:
    customer_session: CustomerSession | None = strawberry.field(
        description="The new session; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def create_customer_session(
    info: Info,
    input: Annotated[CreateCustomerSessionInput, strawberry.argument(description="The session to create.")],
) -> CreateCustomerSessionPayload:
    outcome = await customer_sessions.create_customer_session(
        info.context.request_context,
        customer_id=input.customer_id,
        scopes=None if input.scopes is None else frozenset(input.scopes),
        ttl_seconds=input.ttl_seconds,
        configuration_id=input.configuration_id,
        external_customer_id=input.external_customer_id,
    )
    return CreateCustomerSessionPayload(
        customer_session=None if outcome.value is None else CustomerSession(issued=outcome.value),
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(
    description="The customer session to end: by id, or by its token. A customer session may end only "
    "sessions of its own customer (log out)."
)
class RevokeCustomerSessionInput:
    session_id: strawberry.ID | None = strawberry.field(default=None, description="The session's id.")
    token: str | None = strawberry.field(default=None, description="The session's token.")


@strawberry.type(description="The result of `revokeCustomerSession`.")
class RevokeCustomerSessionPayload:
    revoked_session_id: strawberry.ID | None = strawberry.field(
        description="The id of the session, which no longer authenticates; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def revoke_customer_session(
    info: Info,
    input: Annotated[RevokeCustomerSessionInput, strawberry.argument(description="The session to end.")],
) -> RevokeCustomerSessionPayload:
    outcome = await customer_sessions.revoke_customer_session(
        info.context.request_context, session_id=input.session_id, token=input.token
    )
    return RevokeCustomerSessionPayload(
        revoked_session_id=None if outcome.value is None else strawberry.ID(outcome.value),
        user_errors=user_errors(outcome.errors),
    )
