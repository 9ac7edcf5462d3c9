"""The one translation from the SDK's exceptions to portalql's domain errors."""

from __future__ import annotations

import stripe

from stripe_gateway.errors import (
    CardDeclined,
    GatewayError,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
    RateLimited,
    StripeUnavailable,
)

# Failures of Stripe or of our credentials: nothing the caller's input could fix.
_OUTAGES = (stripe.APIConnectionError, stripe.APIError, stripe.AuthenticationError, stripe.PermissionError)


def domain_error(error: stripe.StripeError) -> GatewayError:
    """The domain error for an SDK exception, carrying Stripe's request id, code and param."""
    details = error.error
    message = (details.message if details is not None else None) or error.user_message or type(error).__name__
    code = (details.code if details is not None else None) or error.code
    param = details.param if details is not None else None
    context = {"request_id": error.request_id, "code": code, "param": param}
    if isinstance(error, stripe.IdempotencyError):
        # Stripe leaves `code` empty here; the error type is the stable identifier.
        return IdempotencyConflict(message, **{**context, "code": code or "idempotency_error"})
    if isinstance(error, stripe.CardError):
        return CardDeclined(
            message, decline_code=details.decline_code if details is not None else None, **context
        )
    if isinstance(error, stripe.RateLimitError):
        return RateLimited(message, **{**context, "code": code or "rate_limit"})
    if isinstance(error, _OUTAGES):
        return StripeUnavailable(message, **context)
    if isinstance(error, stripe.InvalidRequestError) and code == "resource_missing":
        return NotFound(message, **context)
    return InvalidRequest(message, **context)
