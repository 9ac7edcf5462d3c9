"""Invoices: the subscription link through `parent`, lines through `pricing`, payments through `payments`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import NotFound
from stripe_gateway.records import InvoicePaymentStatus, InvoiceStatus, ItemChange

if TYPE_CHECKING:
    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Catalog, Sandbox, Subscribed


async def test_retrieve_invoice_links_subscription_lines_and_prices(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    invoice = await gateway.retrieve_invoice(subscribed.invoice_id)

    assert invoice.id == subscribed.invoice_id
    assert invoice.customer_id == subscribed.customer_id
    assert invoice.subscription_id == subscribed.subscription_id
    assert invoice.status is InvoiceStatus.PAID
    assert (invoice.total, invoice.amount_due, invoice.amount_paid, invoice.amount_remaining) == (
        1000,
        1000,
        1000,
        0,
    )
    assert invoice.billing_reason == "subscription_create"
    assert invoice.paid_at is not None
    assert invoice.number is not None
    assert invoice.payments is None
    [line] = invoice.lines
    assert line.amount == 1000
    assert (line.price_id, line.product_id) == (catalog.basic_price_id, catalog.product_id)
    assert line.proration is False
    assert (line.subscription_id, line.subscription_item_id) == (
        subscribed.subscription_id,
        subscribed.item_id,
    )
    assert (line.period_start, line.period_end) == (subscribed.period_start, subscribed.period_end)
    assert invoice.lines_has_more is False


async def test_retrieve_invoice_with_payments_includes_them(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    invoice = await gateway.retrieve_invoice(subscribed.invoice_id, with_payments=True)

    assert invoice.payments is not None
    [payment] = invoice.payments
    assert payment.invoice_id == subscribed.invoice_id
    assert payment.payment_intent_id == subscribed.payment_intent_id
    assert payment.status is InvoicePaymentStatus.PAID
    assert (payment.amount_paid, payment.amount_requested, payment.currency) == (1000, 1000, "usd")
    assert payment.is_default is True


async def test_retrieve_missing_invoice_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.retrieve_invoice("in_doesnotexist000")

    assert raised.value.code == "resource_missing"


async def test_list_invoices_of_a_customer_newest_first_and_paginated(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    upgraded = await gateway.change_subscription_items(
        subscribed.subscription_id,
        [ItemChange(subscribed.item_id, catalog.pro_price_id)],
        proration_behavior="always_invoice",
        proration_date=None,
        idempotency_key="upgrade",
    )

    first = await gateway.list_invoices(customer_id=subscribed.customer_id, limit=1)
    second = await gateway.list_invoices(
        customer_id=subscribed.customer_id, limit=1, starting_after=first.data[0].id
    )
    back = await gateway.list_invoices(
        customer_id=subscribed.customer_id, limit=1, ending_before=second.data[0].id
    )

    assert [i.id for i in first.data] == [upgraded.latest_invoice_id]
    assert first.has_more is True
    assert [i.id for i in second.data] == [subscribed.invoice_id]
    assert second.has_more is False
    assert [i.id for i in back.data] == [upgraded.latest_invoice_id]


async def test_list_invoices_filters_by_subscription_and_status(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    paid = await gateway.list_invoices(subscription_id=subscribed.subscription_id, status=InvoiceStatus.PAID)
    drafts = await gateway.list_invoices(
        subscription_id=subscribed.subscription_id, status=InvoiceStatus.DRAFT
    )

    assert [i.id for i in paid.data] == [subscribed.invoice_id]
    assert drafts.data == ()


@pytest.mark.sandbox_only
async def test_list_invoices_with_payments_is_one_call(
    gateway: StripeGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    sandbox_knobs.reset_calls()

    page = await gateway.list_invoices(customer_id=subscribed.customer_id, with_payments=True)

    assert page.data[0].payments is not None
    assert [p.payment_intent_id for p in page.data[0].payments] == [subscribed.payment_intent_id]
    assert sandbox_knobs.calls("GET /v1/invoices") == 1
    assert sandbox_knobs.calls("GET /v1/invoice_payments") == 0


async def test_list_invoice_payments(gateway: StripeGateway, subscribed: Subscribed) -> None:
    payments = await gateway.list_invoice_payments(subscribed.invoice_id)

    assert [(p.invoice_id, p.payment_intent_id, p.amount_paid) for p in payments] == [
        (subscribed.invoice_id, subscribed.payment_intent_id, 1000)
    ]
    assert payments[0].paid_at is not None


async def test_a_preview_of_an_ended_subscription_is_none(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    await gateway.cancel_now(
        subscribed.subscription_id,
        prorate=False,
        invoice_now=False,
        feedback=None,
        comment=None,
        idempotency_key="end",
    )

    preview = await gateway.preview_invoice(
        customer_id=subscribed.customer_id, subscription_id=subscribed.subscription_id
    )

    assert preview is None
