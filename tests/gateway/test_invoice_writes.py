"""One-off invoices through the gateway: a draft that excludes pending items, lines added to it by id (an
amount, or a one-time price under `pricing`), finalizing, sending and voiding, and Stripe's refusals."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import InvalidRequest
from stripe_gateway.records import CollectionMethod, CustomerUpdate, InvoiceStatus, NewInvoiceItem

if TYPE_CHECKING:
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account, Catalog

DAY = 24 * 3600


def _key() -> str:
    return f"contract-{uuid.uuid4().hex}"


async def test_a_sent_invoice_bills_its_own_lines_with_a_due_date_and_a_hosted_page(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, account: Account, catalog: Catalog
) -> None:
    once = await stripe_admin.v1.prices.create_async(
        {"product": catalog.addon_product_id, "currency": "usd", "unit_amount": 2500}
    )
    pending = await stripe_admin.v1.invoice_items.create_async(
        {"customer": account.customer_id, "amount": 700, "currency": "usd"}
    )
    key = _key()

    draft = await gateway.create_invoice(
        account.customer_id,
        collection_method=CollectionMethod.SEND_INVOICE,
        days_until_due=30,
        metadata={"request": key},
        idempotency_key=key,
    )
    await gateway.add_invoice_item(
        draft.id,
        customer_id=account.customer_id,
        item=NewInvoiceItem(description="Setup", amount=15000, currency="usd"),
        metadata={"line": "0"},
        idempotency_key=f"{key}:0",
    )
    await gateway.add_invoice_item(
        draft.id,
        customer_id=account.customer_id,
        item=NewInvoiceItem(price_id=once.id, quantity=2),
        metadata={"line": "1"},
        idempotency_key=f"{key}:1",
    )
    read = await gateway.retrieve_invoice(draft.id)
    finalized = await gateway.finalize_invoice(
        draft.id, auto_advance=False, idempotency_key=key, customer_id=account.customer_id
    )
    sent = await gateway.send_invoice(draft.id, idempotency_key=key, customer_id=account.customer_id)

    assert (draft.status, draft.total, draft.lines) == (InvoiceStatus.DRAFT, 0, ())
    assert draft.due_date is not None
    assert draft.due_date - draft.created == 30 * DAY
    assert read.total == 15000 + 2 * 2500
    assert [(line.amount, line.metadata.get("line")) for line in read.lines] == [(15000, "0"), (5000, "1")]
    assert read.lines[1].price_id == once.id
    assert (finalized.status, sent.status) == (InvoiceStatus.OPEN, InvoiceStatus.OPEN)
    assert finalized.number is not None
    assert finalized.hosted_invoice_url is not None
    still_pending = await stripe_admin.v1.invoice_items.retrieve_async(pending.id)
    assert still_pending.invoice is None
    voided = await gateway.void_invoice(draft.id, idempotency_key=key, customer_id=account.customer_id)
    assert voided.status is InvoiceStatus.VOID


async def test_stripe_refuses_what_an_invoice_cannot_take(gateway: StripeGateway, account: Account) -> None:
    charged = await gateway.create_invoice(
        account.customer_id,
        collection_method=CollectionMethod.CHARGE_AUTOMATICALLY,
        days_until_due=None,
        metadata={},
        idempotency_key=_key(),
    )
    await gateway.add_invoice_item(
        charged.id,
        customer_id=account.customer_id,
        item=NewInvoiceItem(description="Setup", amount=1000, currency="usd"),
        metadata={},
        idempotency_key=_key(),
    )
    await gateway.finalize_invoice(
        charged.id, auto_advance=False, idempotency_key=_key(), customer_id=account.customer_id
    )

    with pytest.raises(InvalidRequest):  # only an invoice sent for payment is sent
        await gateway.send_invoice(charged.id, idempotency_key=_key(), customer_id=account.customer_id)
    with pytest.raises(InvalidRequest):  # a finalized invoice takes no more lines
        await gateway.add_invoice_item(
            charged.id,
            customer_id=account.customer_id,
            item=NewInvoiceItem(description="Late", amount=100, currency="usd"),
            metadata={},
            idempotency_key=_key(),
        )
    with pytest.raises(InvalidRequest):  # a due date is for invoices sent for payment
        await gateway.create_invoice(
            account.customer_id,
            collection_method=CollectionMethod.CHARGE_AUTOMATICALLY,
            days_until_due=30,
            metadata={},
            idempotency_key=_key(),
        )
    with pytest.raises(InvalidRequest):  # and they need one
        await gateway.create_invoice(
            account.customer_id,
            collection_method=CollectionMethod.SEND_INVOICE,
            days_until_due=None,
            metadata={},
            idempotency_key=_key(),
        )


async def test_customer_metadata_is_set_key_by_key(gateway: StripeGateway, account: Account) -> None:
    updated = await gateway.update_customer(
        account.customer_id,
        CustomerUpdate(metadata={"portalql_external_id": "user-1"}),
        idempotency_key=_key(),
    )

    assert updated.metadata == {"suite": "gateway", "portalql_external_id": "user-1"}
