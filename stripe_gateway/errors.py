"""The few errors the rest of portalql sees from Stripe, each carrying Stripe's request id and code."""

# The names are the domain's words (NotFound, CardDeclined), not "...Error": other layers match on them.
# ruff: noqa: N818

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stripe_gateway.records import PaymentIntent


class GatewayError(Exception):
    """A Stripe call failed. `request_id` lets an operator find the call in Stripe's logs."""

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id
        self.code = code
        self.param = param


class NotFound(GatewayError):
    """The object does not exist (or is not visible to this Stripe key)."""


class InvalidRequest(GatewayError):
    """Stripe refused the parameters: a bug on our side or input we should have validated."""


class IdempotencyConflict(InvalidRequest):
    """An idempotency key was reused with different parameters."""


class CardDeclined(GatewayError):
    """The customer's card was declined; `decline_code` says why when the issuer told."""

    def __init__(self, message: str, *, decline_code: str | None = None, **kwargs: str | None) -> None:
        super().__init__(message, **kwargs)
        self.decline_code = decline_code


class PaymentActionRequired(GatewayError):
    """The payment waits for the customer (3-D Secure): the browser completes `payment_intent` with
    Stripe.js and its client secret."""

    def __init__(self, message: str, *, payment_intent: PaymentIntent, **kwargs: str | None) -> None:
        super().__init__(message, **kwargs)
        self.payment_intent = payment_intent


class RateLimited(GatewayError):
    """Stripe is throttling us even after our own pacing and retries."""


class StripeUnavailable(GatewayError):
    """Stripe could not be reached or failed (timeouts, 5xx, bad credentials): an outage, not a user error."""


class WebhookSignatureInvalid(GatewayError):
    """A webhook delivery whose `Stripe-Signature` does not verify (or is too old): reject it."""


class Throttled(RateLimited):
    """portalql's own pacing could not start the call before the request's deadline; nothing reached Stripe.

    `retry_after` (seconds) is when the queue should have room again.
    """

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnusableEvent(GatewayError):
    """A verified webhook delivery that is no event portalql can read (no id, `data` not an object, …).

    It is genuinely Stripe's, so refusing it would only make Stripe redeliver it for days: it is kept, marked
    failed with `message` as the reason, and acknowledged. `event_id` and `event_type` are what it gave, when
    they are strings; `document` is its JSON.
    """

    def __init__(
        self, message: str, *, event_id: str | None, event_type: str | None, document: object
    ) -> None:
        super().__init__(message, code="event_unusable")
        self.event_id = event_id
        self.event_type = event_type
        self.document = document
