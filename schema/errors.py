"""Every GraphQL error leaves with a stable `extensions.code`; anything unexpected is masked.

An error that is an incident rather than an answer (a bug, Stripe or the database failing, Stripe's rate
limit) also carries `extensions.errorId`, which the log line about it carries too, beside the exception and
Stripe's request id: what a customer reads off the page finds the line.
"""

from __future__ import annotations

import logging
import secrets

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.schema.exceptions import InvalidOperationTypeError

from resolvers.errors import DatabaseUnavailableError, ResolverError
from stripe_gateway.errors import GatewayError, NotFound, RateLimited, StripeUnavailable

logger = logging.getLogger(__name__)

UNEXPECTED_MESSAGE = "Unexpected error."
MAX_MESSAGE_CHARS = 300
_EXPECTED = (GraphQLError, ResolverError, StripeUnavailable, RateLimited, NotFound, InvalidOperationTypeError)
# Failures of a dependency: logged as warnings (no traceback: the cause is outside), still with an error id.
_OUTAGES = (StripeUnavailable, RateLimited, DatabaseUnavailableError)


def new_error_id() -> str:
    return f"err_{secrets.token_hex(8)}"


def _client_view(original: Exception) -> tuple[str, dict[str, object]]:
    """The message and extensions a client may see for an exception raised while resolving."""
    if isinstance(original, ResolverError):
        return original.message, {"code": original.code}
    if isinstance(original, StripeUnavailable):
        return "Stripe is unavailable; try again shortly.", {
            "code": "STRIPE_UNAVAILABLE",
            "stripeRequestId": original.request_id,
        }
    if isinstance(original, RateLimited):
        return "Too many requests to Stripe; try again shortly.", {
            "code": "RATE_LIMITED",
            "stripeRequestId": original.request_id,
        }
    if isinstance(original, NotFound):
        return "Not found.", {"code": "NOT_FOUND"}
    if isinstance(original, InvalidOperationTypeError):
        # Sockets carry subscriptions only (HTTP refuses subscriptions before execution, with a 400).
        return "Only subscriptions run on a socket: send queries and mutations over HTTP.", {
            "code": "OPERATION_NOT_ALLOWED"
        }
    return UNEXPECTED_MESSAGE, {"code": "INTERNAL"}


def _bounded(message: str) -> str:
    # graphql-core quotes what it refuses (a field's name, a variable's value): only an excerpt goes back.
    return message if len(message) <= MAX_MESSAGE_CHARS else message[: MAX_MESSAGE_CHARS - 1] + "…"


def _rewritten(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    # original_error is dropped: nothing of the exception (stack, Stripe's wording) leaves the process.
    return GraphQLError(
        _bounded(message),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def coded(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it."""
    if error.extensions and "code" in error.extensions:
        return (
            error
            if len(error.message) <= MAX_MESSAGE_CHARS
            else _rewritten(error, error.message, error.extensions)
        )
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError):
        return _rewritten(error, error.message, {"code": "GRAPHQL_PARSE_FAILED"})
    if original is None or isinstance(original, GraphQLError):
        # graphql-core's own errors: with a path, the server broke its own schema (a null for a non-null
        # field); without one, the request's variables or operation name could not be used.
        if error.path:
            return _incident(error, error.message, {"code": "INTERNAL"}, error)
        return _rewritten(error, error.message, {**(error.extensions or {}), "code": "BAD_USER_INPUT"})
    message, extensions = _client_view(original)
    if isinstance(original, _OUTAGES) or not isinstance(original, _EXPECTED):
        return _incident(error, message, extensions, original)
    return _rewritten(error, message, extensions)


def _incident(
    error: GraphQLError, message: str, extensions: dict[str, object], cause: BaseException
) -> GraphQLError:
    """The error with an id, logged under that id: a bug with its traceback, an outage with its cause."""
    error_id = new_error_id()
    path = ".".join(map(str, error.path or ())) or "(operation)"
    fields = {
        "error_id": error_id,
        "error_code": extensions["code"],
        "stripe_request_id": cause.request_id if isinstance(cause, GatewayError) else None,
        "graphql_path": path,
    }
    if isinstance(cause, _OUTAGES):
        logger.warning(
            "%s in %s: %s: %s", extensions["code"], path, type(cause).__name__, cause, extra=fields
        )
    else:
        logger.error("Unexpected error in %s", path, exc_info=cause, extra=fields)
    return _rewritten(error, message, {**extensions, "errorId": error_id})
