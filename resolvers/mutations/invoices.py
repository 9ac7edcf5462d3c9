"""One-off invoices (API keys only): made, finalized and sent in one retry-safe request; finalized or
voided later.

`createInvoice` takes a required idempotency key and records the request under it in the database before
the first Stripe call, then the invoice as soon as Stripe made it. Each Stripe step has its own key derived
from the caller's (the invoice, each line by its position, the finalization, the sending), so a retry that
repeats a step within Stripe's 24 hours gets that step's first answer. A retry also reads the invoice back
and skips the lines already on it (each carries its position in its metadata), so however late it comes,
and wherever the first attempt stopped, there is one invoice with each line once. The invoice is made with
`pending_invoice_items_behavior: exclude` and its lines are added to it by id, so it bills exactly the lines
asked for and never the customer's other pending items.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from resolvers import external_ids
from resolvers.live import announce, topics_of_action
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, Rejected, UserError, UserErrorCode, attempt, reject
from resolvers.mutations.targets import check_id, settled
from resolvers.policy import require_api_key
from resolvers.text import excerpt, is_printable_line
from stripe_gateway.errors import IdempotencyConflict, NotFound
from stripe_gateway.ids import IdKind
from stripe_gateway.records import CollectionMethod, InvoiceStatus

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.principals import ApiKeyPrincipal
    from stripe_gateway.records import Invoice, NewInvoiceItem, Price

# Ten lines fit in the first page of lines that Stripe returns with an invoice, so one read of the invoice
# shows a retry every line an earlier attempt added.
MAX_ITEMS = 10
MAX_DESCRIPTION_LENGTH = 500
# Stripe's largest amount for most currencies (eight digits).
MAX_AMOUNT = 99_999_999
MAX_QUANTITY = 10_000
MAX_DAYS_UNTIL_DUE = 365
# The metadata that ties an invoice and its lines to the request that made them.
REQUEST_METADATA_KEY = "portalql_invoice_request"
LINE_METADATA_KEY = "portalql_line"
_CURRENCY = re.compile(r"[a-z]{3}")
_CREATE = "invoice.create"
_FINALIZE = "invoice.finalize"
_VOID = "invoice.void"


@dataclass(frozen=True, slots=True)
class InvoiceAsk:
    """What `createInvoice` was asked for; a retry must ask for the same."""

    customer_id: str | None
    external_customer_id: str | None
    items: tuple[NewInvoiceItem, ...]
    collection_method: CollectionMethod
    days_until_due: int | None
    finalize: bool
    send: bool
    idempotency_key: str


def _item_field(index: int, name: str) -> tuple[str, ...]:
    return ("items", str(index), name)


def _check_item(index: int, item: NewInvoiceItem) -> None:
    if item.description is not None and not (
        0 < len(item.description.strip()) <= MAX_DESCRIPTION_LENGTH and is_printable_line(item.description)
    ):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A description is one line of 1 to {MAX_DESCRIPTION_LENGTH} printable characters.",
            *_item_field(index, "description"),
        )
    if item.price_id is not None:
        check_id(IdKind.PRICE, item.price_id, *_item_field(index, "price_id"))
        if item.amount is not None or item.currency is not None:
            raise reject(
                UserErrorCode.INVALID_INPUT,
                "A line bills a price or an amount, not both.",
                *_item_field(index, "amount"),
            )
        if item.quantity is not None and not 1 <= item.quantity <= MAX_QUANTITY:
            raise reject(
                UserErrorCode.INVALID_INPUT,
                f"A quantity is 1 to {MAX_QUANTITY}.",
                *_item_field(index, "quantity"),
            )
        return
    if item.quantity is not None:
        raise reject(
            UserErrorCode.INVALID_INPUT, "Only a price takes a quantity.", *_item_field(index, "quantity")
        )
    if item.amount is None or item.currency is None or item.description is None:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            "A line is a priceId (with an optional quantity) or a description, an amount and a currency.",
            *_item_field(index, "amount"),
        )
    if not 1 <= item.amount <= MAX_AMOUNT:
        raise reject(
            UserErrorCode.INVALID_AMOUNT,
            f"An amount is 1 to {MAX_AMOUNT} in the currency's minor unit.",
            *_item_field(index, "amount"),
        )
    if _CURRENCY.fullmatch(item.currency) is None:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"'{excerpt(item.currency)}' is not a three-letter lowercase currency code.",
            *_item_field(index, "currency"),
        )


def _check(ask: InvoiceAsk) -> None:
    writes.check_client_key(ask.idempotency_key)
    if not 1 <= len(ask.items) <= MAX_ITEMS:
        raise reject(UserErrorCode.INVALID_INPUT, f"An invoice has 1 to {MAX_ITEMS} lines.", "items")
    for index, item in enumerate(ask.items):
        _check_item(index, item)
    sends = ask.collection_method is CollectionMethod.SEND_INVOICE
    if sends != (ask.days_until_due is not None):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            "A SEND_INVOICE invoice needs daysUntilDue; one charged automatically has none.",
            "days_until_due",
        )
    if ask.days_until_due is not None and not 1 <= ask.days_until_due <= MAX_DAYS_UNTIL_DUE:
        raise reject(
            UserErrorCode.INVALID_INPUT, f"daysUntilDue is 1 to {MAX_DAYS_UNTIL_DUE}.", "days_until_due"
        )
    if ask.send and not (sends and ask.finalize):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            "Only an invoice finalized with the SEND_INVOICE collection method is sent.",
            "send",
        )


async def _prices(ctx: RequestContext, ask: InvoiceAsk) -> dict[int, Price]:
    """The prices the lines name, read together; each must exist and be billable once."""
    indexes = [index for index, item in enumerate(ask.items) if item.price_id is not None]
    found = await asyncio.gather(
        *(ctx.loaders.price(ask.items[index].price_id or "") for index in indexes), return_exceptions=True
    )
    prices: dict[int, Price] = {}
    for index, outcome in zip(indexes, found, strict=True):
        field = _item_field(index, "price_id")
        if isinstance(outcome, NotFound):
            raise reject(UserErrorCode.NOT_FOUND, f"No price '{ask.items[index].price_id}'.", *field)
        price = settled(outcome)
        if price.recurring is not None or not price.active:
            raise reject(
                UserErrorCode.INVALID_INPUT,
                f"Price '{price.id}' is not an active one-time price (a recurring one bills a subscription).",
                *field,
            )
        prices[index] = price
    return prices


def _check_currency(ask: InvoiceAsk, prices: dict[int, Price]) -> None:
    currencies = {prices[i].currency if i in prices else item.currency for i, item in enumerate(ask.items)}
    if len(currencies) > 1:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"An invoice bills one currency; these lines bill {', '.join(sorted(map(str, currencies)))}.",
            "items",
        )


def _digest(customer_id: str, ask: InvoiceAsk) -> str:
    asked = {
        "customer": customer_id,
        "items": [asdict(item) for item in ask.items],
        "collection": ask.collection_method.value,
        "days": ask.days_until_due,
        "finalize": ask.finalize,
        "send": ask.send,
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


async def _made(ctx: RequestContext, customer_id: str, ask: InvoiceAsk, key: str) -> Invoice:
    try:
        invoice = await ctx.gateway.create_invoice(
            customer_id,
            collection_method=ask.collection_method,
            days_until_due=ask.days_until_due,
            metadata={REQUEST_METADATA_KEY: key},
            idempotency_key=key,
        )
    except NotFound as error:
        field = "customer_id" if ask.customer_id is not None else "external_customer_id"
        raise reject(UserErrorCode.NOT_FOUND, f"No customer '{customer_id}'.", field) from error
    await writes.stores(ctx).invoices.invoice_made(key, invoice.id)
    return invoice


async def _add_lines(ctx: RequestContext, invoice: Invoice, ask: InvoiceAsk, key: str) -> bool:
    """Add the lines not on the invoice yet; whether any was added."""
    if invoice.status is not InvoiceStatus.DRAFT:
        return False  # lines are added before finalizing: a finalized invoice has them all
    present = {line.metadata.get(LINE_METADATA_KEY) for line in invoice.lines}
    missing = [index for index in range(len(ask.items)) if str(index) not in present]
    for index in missing:
        await ctx.gateway.add_invoice_item(
            invoice.id,
            customer_id=invoice.customer_id,
            item=ask.items[index],
            metadata={REQUEST_METADATA_KEY: key, LINE_METADATA_KEY: str(index)},
            idempotency_key=f"{key}:line:{index}",
        )
    return bool(missing)


async def _create(ctx: RequestContext, ask: InvoiceAsk) -> Invoice:
    principal = require_api_key(ctx)
    _check(ask)
    customer_id = await external_ids.mutation_customer(ctx, ask.customer_id, ask.external_customer_id)
    check_id(IdKind.CUSTOMER, customer_id, "customer_id")
    _check_currency(ask, await _prices(ctx, ask))
    key = writes.idempotency_key(ctx, principal, ask.idempotency_key)
    requests = writes.stores(ctx).invoices
    digest = _digest(customer_id, ask)
    progress = await requests.claim(key, request_digest=digest, customer_id=customer_id)
    if progress.request_digest != digest:
        raise reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different invoice.",
            "idempotency_key",
        )
    try:
        if progress.invoice_id is None:
            invoice = await _made(ctx, customer_id, ask, key)
        else:
            invoice = await ctx.gateway.retrieve_invoice(progress.invoice_id, fresh=True)
        added = await _add_lines(ctx, invoice, ask, key)
        if ask.finalize and invoice.status is InvoiceStatus.DRAFT:
            invoice = await ctx.gateway.finalize_invoice(
                invoice.id,
                # Stripe then collects an automatically charged invoice itself.
                auto_advance=ask.collection_method is CollectionMethod.CHARGE_AUTOMATICALLY,
                idempotency_key=key,
                customer_id=customer_id,
            )
        elif added:
            invoice = await ctx.gateway.retrieve_invoice(invoice.id, fresh=True)  # the draft with its lines
        if ask.send and not progress.sent:
            invoice = await ctx.gateway.send_invoice(invoice.id, idempotency_key=key, customer_id=customer_id)
            await requests.invoice_sent(key)
    except IdempotencyConflict as error:
        raise reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different invoice.",
            "idempotency_key",
        ) from error
    ctx.forget_reads()
    # Keyed apart from the request's other writes, which a client may have given the same key.
    await writes.stores(ctx).audit.record(
        writes.audit_entry(
            ctx,
            principal,
            action=_CREATE,
            object_type="invoice",
            object_id=invoice.id,
            customer_id=customer_id,
            before=None,
            after=_invoice_state(invoice) | {"lines": len(invoice.lines), "sent": ask.send},
        ),
        write_key=f"{key}:create_invoice",
    )
    await announce(ctx, customer_id, topics_of_action(_CREATE))
    return invoice


def _invoice_state(invoice: Invoice) -> dict[str, object]:
    return {
        "status": None if invoice.status is None else invoice.status.value,
        "total": invoice.total,
        "currency": invoice.currency,
    }


async def create_invoice(ctx: RequestContext, ask: InvoiceAsk) -> Outcome[Invoice]:
    return await attempt(_create(ctx, ask))


# -- finalizing and voiding ---------------------------------------------------------------------------------


async def _invoice(ctx: RequestContext, invoice_id: str) -> Invoice:
    check_id(IdKind.INVOICE, invoice_id, "invoice_id")
    try:
        # Read fresh: the status decides the write.
        return await ctx.gateway.retrieve_invoice(invoice_id, fresh=True)
    except NotFound as error:
        raise reject(UserErrorCode.NOT_FOUND, f"No invoice '{invoice_id}'.", "invoice_id") from error


def _status_refusal(invoice: Invoice, code: UserErrorCode, allowed: str) -> Rejected:
    status = "unknown" if invoice.status is None else invoice.status.value
    return Rejected(
        UserError(code, f"Invoice '{invoice.id}' is {status}: only {allowed} can be.", ("invoice_id",))
    )


async def _audited(
    ctx: RequestContext,
    principal: ApiKeyPrincipal,
    invoice: Invoice,
    *,
    action: str,
    client_key: str | None,
    write: str,
) -> Invoice:
    key = writes.idempotency_key(ctx, principal, client_key, write, invoice.id)
    entry = writes.audit_entry(
        ctx,
        principal,
        action=action,
        object_type="invoice",
        object_id=invoice.id,
        customer_id=invoice.customer_id,
        before=_invoice_state(invoice),
        after=None,
    )
    async with writes.audited_write(ctx, key=key, target=(write,), entry=entry) as written:
        if write == "void_invoice":
            changed = await ctx.gateway.void_invoice(
                invoice.id, idempotency_key=key, customer_id=invoice.customer_id
            )
        else:
            changed = await ctx.gateway.finalize_invoice(
                invoice.id, auto_advance=False, idempotency_key=key, customer_id=invoice.customer_id
            )
        ctx.forget_reads()
        written.after = _invoice_state(changed)
    return changed


async def _finalize(ctx: RequestContext, invoice_id: str, client_key: str | None) -> Invoice:
    principal = require_api_key(ctx)
    writes.check_client_key(client_key)
    invoice = await _invoice(ctx, invoice_id)
    if invoice.status is InvoiceStatus.OPEN:
        # Finalized already: by this request's first attempt, whose answer was lost, or before.
        await writes.already_done(
            ctx,
            action=_FINALIZE,
            object_id=invoice.id,
            target=("finalize_invoice",),
            after=_invoice_state(invoice),
        )
        return invoice
    if invoice.status is not InvoiceStatus.DRAFT:
        raise _status_refusal(invoice, UserErrorCode.INVOICE_NOT_DRAFT, "a draft")
    return await _audited(
        ctx, principal, invoice, action=_FINALIZE, client_key=client_key, write="finalize_invoice"
    )


async def _void(ctx: RequestContext, invoice_id: str, client_key: str | None) -> Invoice:
    principal = require_api_key(ctx)
    writes.check_client_key(client_key)
    invoice = await _invoice(ctx, invoice_id)
    if invoice.status is InvoiceStatus.VOID:
        await writes.already_done(
            ctx, action=_VOID, object_id=invoice.id, target=("void_invoice",), after=_invoice_state(invoice)
        )
        return invoice
    if invoice.status not in {InvoiceStatus.OPEN, InvoiceStatus.UNCOLLECTIBLE}:
        raise _status_refusal(invoice, UserErrorCode.INVOICE_NOT_OPEN, "an open or uncollectible invoice")
    return await _audited(ctx, principal, invoice, action=_VOID, client_key=client_key, write="void_invoice")


async def finalize_invoice(
    ctx: RequestContext, *, invoice_id: str, idempotency_key: str | None
) -> Outcome[Invoice]:
    return await attempt(_finalize(ctx, invoice_id, idempotency_key))


async def void_invoice(
    ctx: RequestContext, *, invoice_id: str, idempotency_key: str | None
) -> Outcome[Invoice]:
    return await attempt(_void(ctx, invoice_id, idempotency_key))
