"""The handlers, one typed event at a time: what each event makes stale and what it audits (no HTTP)."""

from __future__ import annotations

import pytest

from portalql.webhooks.handlers import AuditEntry, Change
from portalql.webhooks.inbox import dispatch
from resolvers.live import BillingTopic
from resolvers.ports import invoice_paid_key
from stripe_gateway.records import (
    Address,
    CancellationDetails,
    CancellationFeedback,
    ChangedField,
    CreditCategory,
    CreditGrant,
    InvoiceStatus,
    PaymentError,
    SetupIntent,
    SetupIntentStatus,
    SubscriptionItem,
    SubscriptionStatus,
)
from tests.webhooks.events import (
    bare_event,
    charge,
    customer,
    invoice,
    payment_method,
    price,
    subscription,
    typed_event,
)

UPDATED = "customer.subscription.updated"
# What a subscription's watchers are told is stale: it, and the upcoming invoice that moves with it.
SUBSCRIPTION_TOPICS = frozenset({BillingTopic.SUBSCRIPTIONS, BillingTopic.INVOICES})
INVOICES = frozenset({BillingTopic.INVOICES})
# A payment's outcome: the invoice, and the subscription it leaves past due or active.
OWED = frozenset({BillingTopic.INVOICES, BillingTopic.SUBSCRIPTIONS})
PAYMENT_METHODS = frozenset({BillingTopic.PAYMENT_METHODS})


def test_an_outside_cancel_at_period_end_is_audited_with_what_changed() -> None:
    before = subscription()
    after = subscription(cancel_at_period_end=True, cancel_at=200)
    changed = {ChangedField.CANCEL_AT_PERIOD_END, ChangedField.CANCEL_AT}

    change = dispatch(typed_event(UPDATED, after, previous=before, changed=changed))

    assert change == Change(
        object_id="sub_1",
        customer_id="cus_A",
        audit=AuditEntry(
            "subscription.cancel",
            "subscription",
            "sub_1",
            before={"cancel_at_period_end": False, "cancel_at": None},
            after={"cancel_at_period_end": True, "cancel_at": 200},
        ),
        invoices_again=False,
        topics=SUBSCRIPTION_TOPICS,
    )


def test_taking_a_scheduled_cancel_back_is_a_reactivation() -> None:
    before = subscription(cancel_at_period_end=True, cancel_at=200)
    changed = {ChangedField.CANCEL_AT_PERIOD_END, ChangedField.CANCEL_AT}

    change = dispatch(typed_event(UPDATED, subscription(), previous=before, changed=changed))

    assert change is not None
    assert change.audit is not None
    assert change.audit.action == "subscription.reactivate"
    assert change.invoices_again is True


def test_a_subscription_that_ends_is_a_cancel() -> None:
    ended = subscription(status=SubscriptionStatus.CANCELED, canceled_at=150, ended_at=150)
    changed = {ChangedField.STATUS, ChangedField.CANCELED_AT, ChangedField.CANCELLATION_DETAILS}

    change = dispatch(typed_event(UPDATED, ended, previous=subscription(), changed=changed))

    assert change is not None
    assert change.audit == AuditEntry(
        "subscription.cancel",
        "subscription",
        "sub_1",
        # The cancellation details did not change in what the audit keeps of them.
        before={"status": "active", "canceled_at": None},
        after={"status": "canceled", "canceled_at": 150},
    )
    assert change.invoices_again is False


def test_a_new_price_is_a_plan_change() -> None:
    pro = (SubscriptionItem("si_1", "sub_1", price("price_pro"), 3, 100, 200),)

    change = dispatch(
        typed_event(UPDATED, subscription(items=pro), previous=subscription(), changed={ChangedField.ITEMS})
    )

    assert change is not None
    assert change.audit == AuditEntry(
        "subscription.change_plan",
        "subscription",
        "sub_1",
        before={"items": [{"price": "price_basic", "quantity": 1}]},
        after={"items": [{"price": "price_pro", "quantity": 3}]},
    )


def test_a_renewal_refreshes_the_cache_and_audits_nothing() -> None:
    renewed = (SubscriptionItem("si_1", "sub_1", price(), 1, 200, 300),)
    # Stripe reports the items as changed when only their periods moved.
    event = typed_event(
        UPDATED, subscription(items=renewed), previous=subscription(), changed={ChangedField.ITEMS}
    )

    assert dispatch(event) == Change(
        object_id="sub_1", customer_id="cus_A", audit=None, invoices_again=True, topics=SUBSCRIPTION_TOPICS
    )


def test_a_change_portalql_made_is_not_audited_again() -> None:
    after = subscription(cancel_at_period_end=True, cancel_at=200)
    event = typed_event(
        UPDATED,
        after,
        previous=subscription(),
        changed={ChangedField.CANCEL_AT_PERIOD_END, ChangedField.CANCEL_AT},
        made_by_portalql=True,
    )

    change = dispatch(event)

    assert change == Change(
        object_id="sub_1", customer_id="cus_A", audit=None, invoices_again=False, topics=SUBSCRIPTION_TOPICS
    )


@pytest.mark.parametrize(
    ("event_type", "status", "action", "invoices_again"),
    [
        ("customer.subscription.created", SubscriptionStatus.ACTIVE, "subscription.create", True),
        ("customer.subscription.deleted", SubscriptionStatus.CANCELED, "subscription.cancel", False),
    ],
)
def test_a_created_or_deleted_subscription_is_audited_whole(
    event_type: str, status: SubscriptionStatus, action: str, *, invoices_again: bool
) -> None:
    feedback = CancellationDetails(reason=None, feedback=CancellationFeedback.UNUSED, comment="Not needed")

    change = dispatch(typed_event(event_type, subscription(status=status, cancellation_details=feedback)))

    assert change == Change(
        object_id="sub_1",
        customer_id="cus_A",
        audit=AuditEntry(
            action,
            "subscription",
            "sub_1",
            before=None,
            after={
                "status": status.value,
                "cancel_at_period_end": False,
                "cancel_at": None,
                "canceled_at": None,
                "cancellation_details": {"feedback": "unused", "comment": "Not needed"},
                "items": [{"price": "price_basic", "quantity": 1}],
                "default_payment_method": None,
                "pause_collection": None,
            },
        ),
        invoices_again=invoices_again,
        topics=SUBSCRIPTION_TOPICS,
    )


def test_an_outside_customer_update_is_audited_with_the_fields_the_portal_shows() -> None:
    before = customer(address=Address(line1="1 Old Street", country="GB"))
    after = customer(
        email="ada@new.example.com", address=Address(line1="2 New Street", country="GB"), balance=-500
    )
    # The balance is no field the audit keeps, and the name did not really change.
    changed = {ChangedField.EMAIL, ChangedField.ADDRESS, ChangedField.NAME}

    change = dispatch(typed_event("customer.updated", after, previous=before, changed=changed))

    old_address = {"line1": "1 Old Street", "line2": None, "city": None, "state": None, "postal_code": None}
    assert change == Change(
        object_id="cus_A",
        customer_id="cus_A",
        audit=AuditEntry(
            "customer.update",
            "customer",
            "cus_A",
            before={"email": "ada@example.com", "address": {**old_address, "country": "GB"}},
            after={
                "email": "ada@new.example.com",
                "address": {**old_address, "line1": "2 New Street", "country": "GB"},
            },
        ),
        topics=frozenset({BillingTopic.DETAILS, BillingTopic.PAYMENT_METHODS}),
    )


def test_a_new_default_card_is_a_customer_update() -> None:
    changed = {ChangedField.INVOICE_SETTINGS}
    after = customer(default_payment_method_id="pm_2")

    change = dispatch(typed_event("customer.updated", after, previous=customer(), changed=changed))

    assert change is not None
    assert change.audit is not None
    assert (change.audit.before, change.audit.after) == (
        {"invoice_settings": {"default_payment_method": None}},
        {"invoice_settings": {"default_payment_method": "pm_2"}},
    )


def test_a_detached_card_belongs_to_the_customer_it_had() -> None:
    detached = payment_method(customer_id=None)
    event = typed_event(
        "payment_method.detached", detached, previous=payment_method(), changed={ChangedField.CUSTOMER}
    )

    change = dispatch(event)

    card = {"type": "card", "brand": "visa", "last4": "4242"}
    assert change == Change(
        object_id="pm_1",
        customer_id="cus_A",
        audit=AuditEntry("payment_method.detach", "payment_method", "pm_1", before=card, after=None),
        topics=frozenset({BillingTopic.PAYMENT_METHODS}),
    )


def test_an_attached_card_is_audited_as_it_is_now() -> None:
    change = dispatch(typed_event("payment_method.attached", payment_method()))

    card = {"type": "card", "brand": "visa", "last4": "4242"}
    assert change == Change(
        object_id="pm_1",
        customer_id="cus_A",
        audit=AuditEntry("payment_method.attach", "payment_method", "pm_1", before=None, after=card),
        topics=frozenset({BillingTopic.PAYMENT_METHODS}),
    )


def test_an_outside_refund_is_audited_on_its_charge() -> None:
    refunded = charge(amount_refunded=500, refunded=False)
    event = typed_event(
        "charge.refunded", refunded, previous=charge(), changed={ChangedField.AMOUNT_REFUNDED}
    )

    change = dispatch(event)

    assert change == Change(
        object_id="ch_1",
        customer_id="cus_A",
        audit=AuditEntry(
            "payment.refund",
            "charge",
            "ch_1",
            before={"amount_refunded": 0},
            after={"amount_refunded": 500, "currency": "usd"},
        ),
        topics=INVOICES,
    )


def test_a_voided_invoice_is_audited() -> None:
    voided = dispatch(typed_event("invoice.voided", invoice(status=InvoiceStatus.VOID)))

    assert voided == Change(
        object_id="in_1",
        customer_id="cus_A",
        audit=AuditEntry(
            "invoice.void", "invoice", "in_1", before=None, after={"status": "void", "total": 1000}
        ),
        topics=INVOICES,
    )


@pytest.mark.parametrize("made_by_portalql", [False, True])
def test_a_paid_invoice_is_audited_under_the_key_pay_invoice_shares(made_by_portalql: bool) -> None:
    paid = invoice(status=InvoiceStatus.PAID, amount_paid=1000, amount_remaining=0)

    change = dispatch(typed_event("invoice.paid", paid, made_by_portalql=made_by_portalql))

    assert change == Change(
        object_id="in_1",
        customer_id="cus_A",
        audit=AuditEntry(
            "invoice.pay",
            "invoice",
            "in_1",
            before={"status": "open", "amountRemaining": 1000},
            after={"status": "paid", "amountPaid": 1000},
            once_key=invoice_paid_key("in_1"),
        ),
        topics=OWED,
    )


def test_an_event_about_another_kind_of_object_than_its_type_says_is_not_acted_on() -> None:
    assert dispatch(typed_event(UPDATED, customer())) is None


def _setup_intent(status: SetupIntentStatus, error: PaymentError | None = None) -> SetupIntent:
    return SetupIntent(
        id="seti_1",
        customer_id="cus_A",
        status=status,
        client_secret="seti_1_secret_x",
        payment_method_id="pm_1" if error is None else None,
        usage="off_session",
        last_setup_error=error,
        created=100,
    )


def test_a_card_saved_in_the_browser_refreshes_the_customers_reads_and_leaves_the_audit_to_the_card() -> None:
    change = dispatch(typed_event("setup_intent.succeeded", _setup_intent(SetupIntentStatus.SUCCEEDED)))

    assert change == Change(object_id="seti_1", customer_id="cus_A", audit=None, topics=PAYMENT_METHODS)


def test_a_card_refused_when_saved_is_audited_with_the_issuers_reason() -> None:
    declined = PaymentError(code="card_declined", decline_code="insufficient_funds", message="Your card …")
    failed = _setup_intent(SetupIntentStatus.REQUIRES_PAYMENT_METHOD, declined)

    change = dispatch(typed_event("setup_intent.setup_failed", failed))

    assert change == Change(
        object_id="seti_1",
        customer_id="cus_A",
        audit=AuditEntry(
            "setup_intent.setup_failed",
            "setup_intent",
            "seti_1",
            before=None,
            after={"code": "card_declined", "declineCode": "insufficient_funds"},
        ),
        topics=PAYMENT_METHODS,
    )


def test_an_invoice_with_nothing_to_pay_is_no_payment_to_audit() -> None:
    free = invoice(status=InvoiceStatus.PAID, amount_due=0, amount_paid=0, amount_remaining=0, total=0)

    change = dispatch(typed_event("invoice.paid", free))

    assert change == Change(object_id="in_1", customer_id="cus_A", audit=None, topics=OWED)


@pytest.mark.parametrize("event_type", ["invoice.payment_failed", "invoice.payment_action_required"])
def test_a_payment_stripe_attempted_that_failed_or_waits_is_audited(event_type: str) -> None:
    change = dispatch(typed_event(event_type, invoice(status=InvoiceStatus.OPEN)))

    assert change == Change(
        object_id="in_1",
        customer_id="cus_A",
        audit=AuditEntry(
            event_type,
            "invoice",
            "in_1",
            before=None,
            after={"status": "open", "amountRemaining": 1000, "currency": "usd"},
        ),
        topics=OWED,
    )


@pytest.mark.parametrize("event_type", ["invoice.payment_failed", "invoice.payment_action_required"])
def test_a_payment_pay_invoice_attempted_is_not_audited_again(event_type: str) -> None:
    change = dispatch(typed_event(event_type, invoice(status=InvoiceStatus.OPEN), made_by_portalql=True))

    assert change == Change(object_id="in_1", customer_id="cus_A", audit=None, topics=OWED)


@pytest.mark.parametrize("event_type", ["billing.credit_grant.created", "billing.credit_grant.updated"])
def test_credit_given_or_voided_refreshes_the_customers_credit_and_audits_nothing(event_type: str) -> None:
    grant = CreditGrant(
        id="credgr_1",
        customer_id="cus_A",
        name="Welcome credit",
        category=CreditCategory.PROMOTIONAL,
        currency="usd",
        amount=2000,
        priority=50,
        effective_at=100,
        expires_at=None,
        voided_at=None,
        created=100,
        price_ids=(),
    )

    change = dispatch(typed_event(event_type, grant))

    assert change == Change(
        object_id="credgr_1", customer_id="cus_A", audit=None, topics=frozenset({BillingTopic.CREDITS})
    )


@pytest.mark.parametrize(
    "event_type", ["customer.tax_id.created", "customer.tax_id.updated", "customer.tax_id.deleted"]
)
def test_a_tax_id_added_verified_or_removed_refreshes_the_customers_details_and_audits_nothing(
    event_type: str,
) -> None:
    change = dispatch(bare_event(event_type, "txi_1", customer_id="cus_A"))

    assert change == Change(
        object_id="txi_1", customer_id="cus_A", audit=None, topics=frozenset({BillingTopic.DETAILS})
    )
    # A tax id of no customer concerns no one's reads.
    assert dispatch(bare_event(event_type, "txi_1")) is None


@pytest.mark.parametrize(
    "event_type",
    [
        "product.updated",
        "price.created",
        "price.deleted",
        "billing_portal.configuration.updated",
        "billing.meter.deactivated",
        "account.updated",
    ],
)
def test_a_catalog_change_drops_the_whole_catalog_and_no_customers_reads(event_type: str) -> None:
    change = dispatch(bare_event(event_type, "prod_1"))

    assert change == Change(object_id="prod_1", customer_id=None, audit=None, catalog=True)
    assert dispatch(bare_event(event_type, None)) is None
