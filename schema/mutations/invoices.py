"""`createInvoice`, `finalizeInvoice` and `voidInvoice` (API keys only): one-off invoices."""

from typing import Annotated

import strawberry

from resolvers.mutations import invoices
from resolvers.mutations.outcome import Outcome
from schema.context import Info
from schema.enums import CollectionMethod
from schema.invoices import Invoice
from schema.user_errors import UserError, user_errors
from stripe_gateway import records


@strawberry.input(
    description="One line of a one-off invoice: a `priceId` (with a `quantity`), or a `description`, an "
    "`amount` and a `currency`."
)
class InvoiceItemInput:
    description: str | None = strawberry.field(
        default=None,
        description="What the line is for (one line, 1 to 500 characters); a price's line defaults to its "
        "product's name.",
    )
    amount: int | None = strawberry.field(
        default=None, description="What the line costs, in the currency's minor unit (1 to 99999999)."
    )
    currency: str | None = strawberry.field(
        default=None, description="The amount's currency, a lowercase ISO code such as `usd`."
    )
    price_id: strawberry.ID | None = strawberry.field(
        default=None, description="An active one-time price (`price_…`) to bill."
    )
    quantity: int | None = strawberry.field(
        default=None, description="How many of the price (1 to 10000); 1 by default."
    )


@strawberry.input(description="A one-off invoice for one customer.")
class CreateInvoiceInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer (`cus_…`); or give `externalCustomerId`."
    )
    external_customer_id: str | None = strawberry.field(
        default=None, description="The product's own id for the customer, instead of `customerId`."
    )
    items: list[InvoiceItemInput] = strawberry.field(
        description="The invoice's lines, 1 to 10, in one currency; nothing else the customer has pending "
        "is billed on it."
    )
    collection_method: CollectionMethod = strawberry.field(
        default=CollectionMethod.CHARGE_AUTOMATICALLY, description="How the invoice is paid."
    )
    days_until_due: int | None = strawberry.field(
        default=None,
        description="SEND_INVOICE only (and required for it): days from now until due, 1 to 365.",
    )
    finalize: bool = strawberry.field(
        default=False,
        description="Finalize it now (numbered, with its hosted page); otherwise it stays a draft.",
    )
    send: bool = strawberry.field(
        default=False, description="Email it to the customer once finalized; SEND_INVOICE only."
    )
    idempotency_key: str = strawberry.field(
        description="Your key for this invoice (1 to 200 characters): a retry with it, however late and "
        "wherever the first attempt stopped, ends with one invoice with each line once."
    )


@strawberry.type(description="The result of `createInvoice`, `finalizeInvoice` or `voidInvoice`.")
class InvoicePayload:
    invoice: Invoice | None = strawberry.field(description="The invoice as it now is; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


@strawberry.input(description="A draft invoice to finalize.")
class FinalizeInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(description="The draft invoice (`in_…`).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this change (1 to 200 characters)."
    )


@strawberry.input(description="An open invoice to void.")
class VoidInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(description="The open invoice (`in_…`).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this change (1 to 200 characters)."
    )


def _payload(outcome: Outcome[records.Invoice]) -> InvoicePayload:
    return InvoicePayload(
        invoice=None if outcome.value is None else Invoice.of(outcome.value),
        user_errors=user_errors(outcome.errors),
    )


async def create_invoice(
    info: Info, input: Annotated[CreateInvoiceInput, strawberry.argument(description="The invoice.")]
) -> InvoicePayload:
    items = tuple(
        records.NewInvoiceItem(
            description=item.description,
            amount=item.amount,
            currency=item.currency,
            price_id=item.price_id,
            quantity=item.quantity,
        )
        for item in input.items
    )
    return _payload(
        await invoices.create_invoice(
            info.context.request_context,
            invoices.InvoiceAsk(
                customer_id=input.customer_id,
                external_customer_id=input.external_customer_id,
                items=items,
                collection_method=input.collection_method,
                days_until_due=input.days_until_due,
                finalize=input.finalize,
                send=input.send,
                idempotency_key=input.idempotency_key,
            ),
        )
    )


async def finalize_invoice(
    info: Info, input: Annotated[FinalizeInvoiceInput, strawberry.argument(description="The draft.")]
) -> InvoicePayload:
    return _payload(
        await invoices.finalize_invoice(
            info.context.request_context, invoice_id=input.invoice_id, idempotency_key=input.idempotency_key
        )
    )


async def void_invoice(
    info: Info, input: Annotated[VoidInvoiceInput, strawberry.argument(description="The open invoice.")]
) -> InvoicePayload:
    return _payload(
        await invoices.void_invoice(
            info.context.request_context, invoice_id=input.invoice_id, idempotency_key=input.idempotency_key
        )
    )
