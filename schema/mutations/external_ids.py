"""`linkExternalCustomerId` (API keys only): the product's own id for a customer."""

from typing import Annotated

import strawberry

from resolvers.mutations import external_ids
from schema.context import Info
from schema.customers import Customer
from schema.user_errors import UserError, user_errors


@strawberry.input(description="The product's own id for a Stripe customer.")
class LinkExternalCustomerIdInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (`cus_…`).")
    external_customer_id: str = strawberry.field(
        description="The product's id for the user or company this customer bills: 1 to 128 letters, "
        "digits and `_-.:@/|+=`, starting with a letter or digit. It replaces the customer's previous one."
    )


@strawberry.type(description="The result of `linkExternalCustomerId`.")
class LinkExternalCustomerIdPayload:
    customer: Customer | None = strawberry.field(
        description="The customer, now found by `customer(externalId:)`; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def link_external_customer_id(
    info: Info,
    input: Annotated[LinkExternalCustomerIdInput, strawberry.argument(description="The mapping.")],
) -> LinkExternalCustomerIdPayload:
    outcome = await external_ids.link_external_customer_id(
        info.context.request_context,
        customer_id=input.customer_id,
        external_id=input.external_customer_id,
    )
    return LinkExternalCustomerIdPayload(
        customer=None if outcome.value is None else Customer.of(outcome.value.customer),
        user_errors=user_errors(outcome.errors),
    )
