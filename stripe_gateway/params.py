"""Records to the SDK's request parameters (its TypedDicts), for the writes that carry structured input."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from stripe_gateway.records import (
    Address,
    CancellationFeedback,
    CustomerUpdate,
    ItemChange,
    NewInvoiceItem,
    PortalFlow,
    PortalFlowCompletion,
    PortalFlowType,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stripe.params import (
        CustomerUpdateParams,
        CustomerUpdateParamsAddress,
        InvoiceCreatePreviewParamsSubscriptionDetailsItem,
        InvoiceItemCreateParams,
        SubscriptionCancelParamsCancellationDetails,
        SubscriptionScheduleUpdateParamsPhase,
        SubscriptionScheduleUpdateParamsPhaseItem,
        SubscriptionUpdateParamsItem,
    )
    from stripe.params.billing_portal import (
        SessionCreateParamsFlowData,
        SessionCreateParamsFlowDataSubscriptionUpdateConfirmItem,
    )

# Stripe accepts idempotency keys of up to 255 characters.
_MAX_IDEMPOTENCY_KEY = 255
# Begins the idempotency key of every write portalql makes.
_PORTALQL_KEY_PREFIX = "portalql:"


def idempotency_key(operation: str, key: str) -> str:
    """Stripe's idempotency key for one operation: `portalql:<operation>:<caller's key>`.

    The operation is part of the key, so one caller key used for two different writes never collides.
    """
    if not key:
        raise ValueError(f"{operation} needs the caller's idempotency key")
    namespaced = f"{_PORTALQL_KEY_PREFIX}{operation}:{key}"
    if len(namespaced) <= _MAX_IDEMPOTENCY_KEY:
        return namespaced
    return f"{_PORTALQL_KEY_PREFIX}{operation}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def caller_key_digest(key: str) -> str:
    """A caller's idempotency key as `write_key_digests` reports it: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def write_key_digests(key: str | None) -> frozenset[str]:
    """The digests of the caller's keys that `idempotency_key` may have made `key` from; none for a key that
    is not portalql's.

    An operation's name may hold colons, so each split after one is a candidate, and a hashed key names
    the digest itself. A digest that matches no write of portalql's matches nothing.
    """
    if not is_portalql_key(key) or key is None:
        return frozenset()
    rest = key.removeprefix(_PORTALQL_KEY_PREFIX)
    operation, _, hashed = rest.rpartition(":sha256:")
    digests = {caller_key_digest(rest[at + 1 :]) for at, char in enumerate(rest) if char == ":"}
    if operation and len(hashed) == hashlib.sha256().digest_size * 2:
        digests.add(hashed)
    return frozenset(digests)


def is_portalql_key(key: str | None) -> bool:
    """Whether an idempotency key Stripe reports (an event's `request.idempotency_key`) is one of ours."""
    return key is not None and key.startswith(_PORTALQL_KEY_PREFIX)


def subscription_items(items: Sequence[ItemChange]) -> list[SubscriptionUpdateParamsItem]:
    changes: list[SubscriptionUpdateParamsItem] = []
    for item in items:
        change: SubscriptionUpdateParamsItem = {}
        if item.item_id is not None:
            change["id"] = item.item_id
        if item.deleted:
            change["deleted"] = True
        else:
            if item.price_id is not None:
                change["price"] = item.price_id
            if item.quantity is not None:
                change["quantity"] = item.quantity
        changes.append(change)
    return changes


def preview_items(items: Sequence[ItemChange]) -> list[InvoiceCreatePreviewParamsSubscriptionDetailsItem]:
    # The preview takes the same item shape as the update it previews.
    previewed: list[InvoiceCreatePreviewParamsSubscriptionDetailsItem] = list(subscription_items(items))
    return previewed


def schedule_phases(
    current: Sequence[ItemChange], upcoming: Sequence[ItemChange], period_start: int, period_end: int
) -> list[SubscriptionScheduleUpdateParamsPhase]:
    """The current phase (its items until `period_end`) and the next one (one period of `upcoming`)."""

    def items(changes: Sequence[ItemChange]) -> list[SubscriptionScheduleUpdateParamsPhaseItem]:
        listed: list[SubscriptionScheduleUpdateParamsPhaseItem] = []
        for change in changes:
            if change.price_id is None:
                raise ValueError("a schedule's phase names each item's price")
            item: SubscriptionScheduleUpdateParamsPhaseItem = {"price": change.price_id}
            if change.quantity is not None:
                item["quantity"] = change.quantity
            listed.append(item)
        return listed

    return [
        {"start_date": period_start, "end_date": period_end, "items": items(current)},
        {"items": items(upcoming), "proration_behavior": "none"},
    ]


def _confirm_items(
    items: Sequence[ItemChange],
) -> list[SessionCreateParamsFlowDataSubscriptionUpdateConfirmItem]:
    changes: list[SessionCreateParamsFlowDataSubscriptionUpdateConfirmItem] = []
    for item in items:
        if item.item_id is None or item.price_id is None:
            raise ValueError("a subscription_update_confirm flow moves existing items to prices")
        change: SessionCreateParamsFlowDataSubscriptionUpdateConfirmItem = {
            "id": item.item_id,
            "price": item.price_id,
        }
        if item.quantity is not None:
            change["quantity"] = item.quantity
        changes.append(change)
    return changes


def cancellation_details(
    feedback: CancellationFeedback | None, comment: str | None
) -> SubscriptionCancelParamsCancellationDetails | None:
    """Why the customer cancels; the update and cancel endpoints take the same shape."""
    if feedback is None and comment is None:
        return None
    details: SubscriptionCancelParamsCancellationDetails = {}
    if feedback is not None:
        details["feedback"] = feedback.value
    if comment is not None:
        details["comment"] = comment
    return details


def customer_changes(changes: CustomerUpdate) -> CustomerUpdateParams:
    params: CustomerUpdateParams = {}
    if changes.email is not None:
        params["email"] = changes.email
    if changes.name is not None:
        params["name"] = changes.name
    if changes.phone is not None:
        params["phone"] = changes.phone
    if changes.address is not None:
        params["address"] = _address(changes.address)
    if changes.shipping is not None:
        shipping = changes.shipping
        # Replaced as a whole too; Stripe requires the name.
        params["shipping"] = {
            "address": _address(shipping.address),
            "name": shipping.name or "",
            "phone": shipping.phone or "",
        }
    if changes.metadata is not None:
        params["metadata"] = dict(changes.metadata)
    return params


def invoice_item(
    invoice_id: str, customer_id: str, item: NewInvoiceItem, metadata: Mapping[str, str]
) -> InvoiceItemCreateParams:
    """An item added to the draft `invoice_id` (at API 2026-10-28 a price goes under `pricing`)."""
    params: InvoiceItemCreateParams = {
        "invoice": invoice_id,
        "customer": customer_id,
        "metadata": dict(metadata),
    }
    if item.description is not None:
        params["description"] = item.description
    if item.price_id is not None:
        params["pricing"] = {"price": item.price_id}
        if item.quantity is not None:
            params["quantity"] = item.quantity
    else:
        params["amount"] = item.amount or 0
        params["currency"] = item.currency or ""
    return params


def _address(address: Address) -> CustomerUpdateParamsAddress:
    # An address is replaced as a whole: a part left out of the record is cleared with "".
    return {
        "line1": address.line1 or "",
        "line2": address.line2 or "",
        "city": address.city or "",
        "state": address.state or "",
        "postal_code": address.postal_code or "",
        "country": address.country or "",
    }


def flow_data(flow: PortalFlow) -> SessionCreateParamsFlowData:
    data: SessionCreateParamsFlowData = {"type": flow.type.value}
    if flow.type is not PortalFlowType.PAYMENT_METHOD_UPDATE:
        if flow.subscription_id is None:
            raise ValueError(f"a {flow.type.value} flow needs the subscription")
        subscription = flow.subscription_id
        if flow.type is PortalFlowType.SUBSCRIPTION_CANCEL:
            data["subscription_cancel"] = {"subscription": subscription}
            if flow.retention_coupon_id is not None:
                data["subscription_cancel"]["retention"] = {
                    "type": "coupon_offer",
                    "coupon_offer": {"coupon": flow.retention_coupon_id},
                }
        elif flow.type is PortalFlowType.SUBSCRIPTION_PAUSE:
            data["subscription_pause"] = {"subscription": subscription}
        elif flow.type is PortalFlowType.SUBSCRIPTION_UPDATE:
            data["subscription_update"] = {"subscription": subscription}
        else:
            if not flow.items:
                raise ValueError("a subscription_update_confirm flow needs the items to change")
            data["subscription_update_confirm"] = {
                "subscription": subscription,
                "items": _confirm_items(flow.items),
            }
    if flow.after_completion is PortalFlowCompletion.REDIRECT and flow.after_completion_redirect_url:
        data["after_completion"] = {
            "type": "redirect",
            "redirect": {"return_url": flow.after_completion_redirect_url},
        }
    elif flow.after_completion is PortalFlowCompletion.HOSTED_CONFIRMATION:
        data["after_completion"] = {"type": "hosted_confirmation"}
        if flow.confirmation_message is not None:
            data["after_completion"]["hosted_confirmation"] = {"custom_message": flow.confirmation_message}
    return data
