"""Subscriptions: reads with item periods, plan-change previews and changes with exact prorations,
cancel at period end, cancel now, un-cancel, and the failures a plan change can meet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import CardDeclined, IdempotencyConflict, InvalidRequest, NotFound
from stripe_gateway.records import (
    CancellationFeedback,
    InvoiceStatus,
    ItemChange,
    SubscriptionStatus,
)

if TYPE_CHECKING:
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account, Catalog, Subscribed


def _midpoint(subscribed: Subscribed) -> int:
    # Whole-day periods have an even number of seconds, so this is exactly half of the period.
    return subscribed.period_start + (subscribed.period_end - subscribed.period_start) // 2


async def test_retrieve_subscription_has_periods_on_its_items(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    subscription = await gateway.retrieve_subscription(subscribed.subscription_id)

    assert subscription.customer_id == subscribed.customer_id
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.currency == "usd"
    assert subscription.collection_method == "charge_automatically"
    assert subscription.latest_invoice_id == subscribed.invoice_id
    assert subscription.cancel_at_period_end is False
    assert subscription.cancel_at is None
    [item] = subscription.items
    assert item.id == subscribed.item_id
    assert item.subscription_id == subscribed.subscription_id
    assert item.price.id == catalog.basic_price_id
    assert item.quantity == 1
    assert (item.current_period_start, item.current_period_end) == (
        subscribed.period_start,
        subscribed.period_end,
    )
    assert subscription.current_period_end == subscribed.period_end


async def test_retrieve_missing_subscription_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.retrieve_subscription("sub_doesnotexist00")

    assert raised.value.code == "resource_missing"


async def test_list_subscriptions_of_a_customer(gateway: StripeGateway, subscribed: Subscribed) -> None:
    page = await gateway.list_subscriptions(subscribed.customer_id)

    assert [s.id for s in page.data] == [subscribed.subscription_id]
    assert page.has_more is False


async def test_preview_of_an_upgrade_at_half_period_credits_half_and_charges_half(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    preview = await gateway.preview_invoice(
        customer_id=subscribed.customer_id,
        subscription_id=subscribed.subscription_id,
        items=[ItemChange(subscribed.item_id, catalog.pro_price_id)],
        proration_behavior="always_invoice",
        proration_date=_midpoint(subscribed),
    )

    prorations = sorted((line.amount, line.price_id) for line in preview.lines if line.proration)
    assert prorations == [(-500, catalog.basic_price_id), (1500, catalog.pro_price_id)]
    assert preview.total == 1000
    assert preview.currency == "usd"
    assert preview.customer_id == subscribed.customer_id
    assert preview.subscription_id == subscribed.subscription_id
    assert preview.number is None
    assert all(line.subscription_item_id == subscribed.item_id for line in preview.lines)


async def test_preview_of_the_next_invoice(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    preview = await gateway.preview_invoice(
        customer_id=subscribed.customer_id, subscription_id=subscribed.subscription_id
    )

    assert preview.total == 1000
    assert [(line.price_id, line.proration) for line in preview.lines] == [(catalog.basic_price_id, False)]
    assert preview.lines[0].product_id == catalog.product_id


async def test_change_items_invoices_exactly_the_previewed_proration(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    change = [ItemChange(subscribed.item_id, catalog.pro_price_id)]

    subscription = await gateway.change_subscription_items(
        subscribed.subscription_id,
        change,
        proration_behavior="always_invoice",
        proration_date=_midpoint(subscribed),
        idempotency_key="upgrade-1",
    )

    assert [item.price.id for item in subscription.items] == [catalog.pro_price_id]
    assert subscription.latest_invoice_id not in (None, subscribed.invoice_id)
    assert subscription.latest_invoice_id is not None
    invoice = await gateway.retrieve_invoice(subscription.latest_invoice_id)
    assert invoice.status is InvoiceStatus.PAID
    assert (invoice.total, invoice.amount_paid) == (1000, 1000)
    assert sorted(line.amount for line in invoice.lines) == [-500, 1500]


async def test_change_items_replayed_with_the_same_key_changes_once(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    change = [ItemChange(subscribed.item_id, catalog.pro_price_id, quantity=2)]
    arguments = {"proration_behavior": "always_invoice", "proration_date": _midpoint(subscribed)}
    first = await gateway.change_subscription_items(
        subscribed.subscription_id, change, **arguments, idempotency_key="upgrade-2"
    )

    again = await gateway.change_subscription_items(
        subscribed.subscription_id, change, **arguments, idempotency_key="upgrade-2"
    )

    assert again == first
    assert first.items[0].quantity == 2
    invoices = await gateway.list_invoices(subscription_id=subscribed.subscription_id, limit=10)
    assert len(invoices.data) == 2  # the first invoice and one proration invoice, not two


async def test_change_items_reusing_a_key_for_another_change_is_a_conflict(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    await gateway.change_subscription_items(
        subscribed.subscription_id,
        [ItemChange(subscribed.item_id, catalog.pro_price_id)],
        proration_behavior="none",
        proration_date=None,
        idempotency_key="plan",
    )

    with pytest.raises(IdempotencyConflict) as raised:
        await gateway.change_subscription_items(
            subscribed.subscription_id,
            [ItemChange(subscribed.item_id, catalog.basic_price_id)],
            proration_behavior="none",
            proration_date=None,
            idempotency_key="plan",
        )

    assert raised.value.code == "idempotency_error"


async def test_change_items_with_an_unknown_proration_behavior_is_an_invalid_request(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        await gateway.change_subscription_items(
            subscribed.subscription_id,
            [ItemChange(subscribed.item_id, catalog.pro_price_id)],
            proration_behavior="sometimes",
            proration_date=None,
            idempotency_key="bad",
        )

    assert raised.value.param == "proration_behavior"
    assert raised.value.request_id is not None


async def test_change_items_with_a_declined_card_is_declined_and_changes_nothing(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    declining = await gateway.attach_payment_method(
        "pm_card_chargeCustomerFail", subscribed.customer_id, idempotency_key="declining"
    )
    await gateway.set_default_payment_method(
        subscribed.customer_id, declining.id, idempotency_key="declining"
    )

    with pytest.raises(CardDeclined) as raised:
        await gateway.change_subscription_items(
            subscribed.subscription_id,
            [ItemChange(subscribed.item_id, catalog.pro_price_id)],
            proration_behavior="always_invoice",
            proration_date=_midpoint(subscribed),
            idempotency_key="upgrade-declined",
        )

    assert raised.value.code == "card_declined"
    assert raised.value.decline_code == "generic_decline"
    assert raised.value.request_id is not None
    subscription = await gateway.retrieve_subscription(subscribed.subscription_id)
    assert [item.price.id for item in subscription.items] == [catalog.basic_price_id]


async def test_cancel_at_period_end_keeps_it_active_with_the_feedback(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    subscription = await gateway.cancel_at_period_end(
        subscribed.subscription_id,
        feedback=CancellationFeedback.TOO_EXPENSIVE,
        comment="Over budget this quarter",
        idempotency_key="cancel-later",
    )

    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.cancel_at_period_end is True
    assert subscription.cancel_at == subscribed.period_end
    assert subscription.cancellation_details.feedback is CancellationFeedback.TOO_EXPENSIVE
    assert subscription.cancellation_details.comment == "Over budget this quarter"


async def test_uncancel_clears_a_cancellation_at_period_end(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    await gateway.cancel_at_period_end(
        subscribed.subscription_id, feedback=None, comment=None, idempotency_key="cancel-later"
    )

    subscription = await gateway.uncancel(subscribed.subscription_id, idempotency_key="keep")

    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.cancel_at_period_end is False
    assert subscription.cancel_at is None


async def test_uncancel_clears_an_explicit_cancel_at(
    gateway: StripeGateway, subscribed: Subscribed, stripe_admin: stripe.StripeClient
) -> None:
    cancel_at = subscribed.period_end - 86_400
    await stripe_admin.v1.subscriptions.update_async(subscribed.subscription_id, {"cancel_at": cancel_at})
    assert (await gateway.retrieve_subscription(subscribed.subscription_id)).cancel_at == cancel_at

    subscription = await gateway.uncancel(subscribed.subscription_id, idempotency_key="keep")

    assert subscription.cancel_at is None
    assert subscription.cancel_at_period_end is False
    assert subscription.canceled_at is None


async def test_cancel_now_ends_the_subscription(gateway: StripeGateway, subscribed: Subscribed) -> None:
    subscription = await gateway.cancel_now(
        subscribed.subscription_id,
        prorate=False,
        invoice_now=False,
        feedback=CancellationFeedback.UNUSED,
        comment=None,
        idempotency_key="cancel-now",
    )

    assert subscription.status is SubscriptionStatus.CANCELED
    assert subscription.canceled_at is not None
    assert subscription.ended_at is not None
    assert subscription.cancellation_details.feedback is CancellationFeedback.UNUSED
    assert subscription.cancellation_details.reason == "cancellation_requested"


async def test_cancel_now_retried_answers_with_the_canceled_subscription(
    gateway: StripeGateway, subscribed: Subscribed
) -> None:
    first = await gateway.cancel_now(
        subscribed.subscription_id,
        prorate=False,
        invoice_now=False,
        feedback=None,
        comment=None,
        idempotency_key="cancel-now",
    )

    again = await gateway.cancel_now(
        subscribed.subscription_id,
        prorate=False,
        invoice_now=False,
        feedback=None,
        comment=None,
        idempotency_key="cancel-now",
    )

    assert again.status is SubscriptionStatus.CANCELED
    assert again.canceled_at == first.canceled_at


async def test_cancel_now_of_a_missing_subscription_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound):
        await gateway.cancel_now(
            "sub_doesnotexist00",
            prorate=False,
            invoice_now=False,
            feedback=None,
            comment=None,
            idempotency_key="x",
        )


async def test_customer_without_a_subscription_has_none(gateway: StripeGateway, account: Account) -> None:
    page = await gateway.list_subscriptions(account.customer_id)

    assert page.data == ()
