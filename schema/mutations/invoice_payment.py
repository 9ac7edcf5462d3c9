"""`payInvoice`: pay an open invoice now, with 3-D Secure handed to the browser when the card needs it."""

from typing import Annotated

import strawberry

from resolvers.mutations import invoice_payment
from resolvers.mutations.invoice_payment import InvoicePaymentOutcome
from schema.context import Info
from schema.enum_types import graphql_enum
from schema.invoices import Invoice
from schema.user_errors import UserError, user_errors

graphql_enum(
    InvoicePaymentOutcome,
    description="Where a payment stands after `payInvoice`.",
    values={
        InvoicePaymentOutcome.PAID: "The invoice is paid (and its past-due subscription active again).",
        InvoicePaymentOutcome.REQUIRES_ACTION: (
            "The card needs 3-D Secure: run it with Stripe.js on `clientSecret`, then call `payInvoice` "
            "again with the same idempotency key."
        ),
    },
)


@strawberry.input(description="The invoice to pay, and with what.")
class PayInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(description="The open invoice (`in_…`).")
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A saved card of the invoice's customer (`pm_…`); by default the one Stripe charges "
        "(the subscription's, else the customer's default).",
    )
    idempotency_key: str = strawberry.field(
        description="Your key for this payment (1 to 200 characters): a retry with it never charges twice."
    )


@strawberry.type(description="The result of `payInvoice`.")
class PayInvoicePayload:
    outcome: InvoicePaymentOutcome | None = strawberry.field(
        description="Paid, or waiting for 3-D Secure; null when refused (see `userErrors`)."
    )
    invoice: Invoice | None = strawberry.field(description="The invoice as it now is; null when refused.")
    client_secret: str | None = strawberry.field(
        description="With REQUIRES_ACTION: the PaymentIntent's client secret for Stripe.js "
        "(`handleNextAction` / `confirmCardPayment`); null otherwise."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def pay_invoice(
    info: Info,
    input: Annotated[PayInvoiceInput, strawberry.argument(description="The invoice and the card.")],
) -> PayInvoicePayload:
    outcome = await invoice_payment.pay_invoice(
        info.context.request_context,
        invoice_id=input.invoice_id,
        payment_method_id=input.payment_method_id,
        idempotency_key=input.idempotency_key,
    )
    result = outcome.value
    return PayInvoicePayload(
        outcome=None if result is None else result.status,
        invoice=None if result is None else Invoice.of(result.invoice),
        client_secret=None if result is None else result.client_secret,
        user_errors=user_errors(outcome.errors),
    )
