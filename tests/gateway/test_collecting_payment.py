"""Saving cards and paying invoices: SetupIntents for off-session use, an open invoice paid once per key, a
decline, and a payment that waits for 3-D Secure told apart from a decline."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import CardDeclined, PaymentActionRequired
from stripe_gateway.records import InvoiceStatus, SetupIntentStatus

if TYPE_CHECKING:
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account


async def _open_invoice(stripe_admin: stripe.StripeClient, account: Account) -> str:
    v1 = stripe_admin.v1
    await v1.invoice_items.create_async(
        {"customer": account.customer_id, "amount": 1500, "currency": "usd", "description": "Setup"}
    )
    invoice = await v1.invoices.create_async(
        {"customer": account.customer_id, "pending_invoice_items_behavior": "include", "auto_advance": False}
    )
    await v1.invoices.finalize_invoice_async(invoice.id)
    return invoice.id


async def test_a_setup_intent_saves_a_card_for_off_session_payments(
    gateway: StripeGateway, account: Account
) -> None:
    created = await gateway.create_setup_intent(
        account.customer_id, metadata={"portalql_set_as_default": "true"}, idempotency_key="seti-1"
    )
    again = await gateway.create_setup_intent(
        account.customer_id, metadata={"portalql_set_as_default": "true"}, idempotency_key="seti-1"
    )
    found = await gateway.retrieve_setup_intent(created.id)

    assert again.id == created.id
    assert (found.customer_id, found.usage, found.status) == (
        account.customer_id,
        "off_session",
        SetupIntentStatus.REQUIRES_PAYMENT_METHOD,
    )
    assert found.client_secret is not None
    assert found.metadata == {"portalql_set_as_default": "true"}


async def test_an_open_invoice_is_paid_once_per_key(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, account: Account
) -> None:
    invoice_id = await _open_invoice(stripe_admin, account)

    paid = await gateway.pay_invoice(
        invoice_id, payment_method_id=None, idempotency_key="pay-1", customer_id=account.customer_id
    )
    replayed = await gateway.pay_invoice(
        invoice_id, payment_method_id=None, idempotency_key="pay-1", customer_id=account.customer_id
    )

    assert (paid.status, paid.amount_paid) == (InvoiceStatus.PAID, 1500)
    assert replayed == paid
    charges = await stripe_admin.v1.charges.list_async({"customer": account.customer_id})
    assert sum(1 for charge in charges.data if charge.amount == 1500) == 1


async def test_a_declined_card_and_one_needing_authentication_are_told_apart(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, account: Account
) -> None:
    invoice_id = await _open_invoice(stripe_admin, account)
    v1 = stripe_admin.v1
    declining = await v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": account.customer_id}
    )
    authenticating = await v1.payment_methods.attach_async(
        "pm_card_authenticationRequired", {"customer": account.customer_id}
    )

    with pytest.raises(CardDeclined) as declined:
        await gateway.pay_invoice(
            invoice_id,
            payment_method_id=declining.id,
            idempotency_key="pay-d",
            customer_id=account.customer_id,
        )
    with pytest.raises(PaymentActionRequired) as waiting:
        await gateway.pay_invoice(
            invoice_id,
            payment_method_id=authenticating.id,
            idempotency_key="pay-a",
            customer_id=account.customer_id,
        )

    assert not isinstance(declined.value, PaymentActionRequired)
    assert declined.value.decline_code == "generic_decline"
    intent = waiting.value.payment_intent
    assert intent.requires_action
    assert intent.client_secret is not None
    assert intent.client_secret.startswith(f"{intent.id}_secret_")
    read_back = await gateway.retrieve_payment_intent(intent.id)
    assert read_back.status == "requires_action"
