"""`addTaxId` and `removeTaxId`: the customer's tax IDs (the portal configuration's `tax_id` update)."""

from typing import Annotated

import strawberry

from resolvers.mutations import tax_id_changes
from resolvers.mutations.outcome import Outcome
from schema.context import Info
from schema.customers import Customer
from schema.tax_ids import TaxId
from schema.user_errors import UserError, user_errors
from stripe_gateway import records


@strawberry.input(description="A tax ID to add to a customer.")
class AddTaxIdInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer (`cus_…`); required with an API key, a customer session's own by default.",
    )
    type: records.TaxIdType = strawberry.field(
        description="Its kind, such as EU_VAT or US_EIN (not UNKNOWN)."
    )
    value: str = strawberry.field(
        description="The number, such as `DE123456789` (1 to 40 letters, digits, spaces, dots, dashes or "
        "slashes); Stripe checks the format of the common kinds."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Your key for this request (1 to 200 characters). Without one, adding an ID the "
        "customer already has answers with that one, so a retry never adds it twice.",
    )


@strawberry.input(description="A tax ID to remove from a customer.")
class RemoveTaxIdInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer (`cus_…`); required with an API key, a customer session's own by default.",
    )
    tax_id_id: strawberry.ID = strawberry.field(description="The tax ID (`txi_…`).")


@strawberry.type(description="The result of `addTaxId` and `removeTaxId`.")
class TaxIdPayload:
    tax_id: TaxId | None = strawberry.field(
        description="The tax ID added (or the one the customer already had), or the one removed; null when "
        "refused."
    )
    customer: Customer | None = strawberry.field(
        description="The customer as it is now (read again only when selected); null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


def _payload(info: Info, outcome: Outcome[tax_id_changes.TaxIdChange]) -> TaxIdPayload:
    change = outcome.value
    return TaxIdPayload(
        tax_id=None if change is None else TaxId.of(change.tax_id),
        customer=None if change is None else Customer.lazy(info, change.customer_id),
        user_errors=user_errors(outcome.errors),
    )


async def add_tax_id(
    info: Info, input: Annotated[AddTaxIdInput, strawberry.argument(description="The tax ID to add.")]
) -> TaxIdPayload:
    outcome = await tax_id_changes.add_tax_id(
        info.context.request_context,
        customer_id=input.customer_id,
        tax_type=input.type,
        value=input.value,
        idempotency_key=input.idempotency_key,
    )
    return _payload(info, outcome)


async def remove_tax_id(
    info: Info, input: Annotated[RemoveTaxIdInput, strawberry.argument(description="The tax ID to remove.")]
) -> TaxIdPayload:
    outcome = await tax_id_changes.remove_tax_id(
        info.context.request_context, customer_id=input.customer_id, tax_id_id=input.tax_id_id
    )
    return _payload(info, outcome)
