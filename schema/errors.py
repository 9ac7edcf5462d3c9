"""Every GraphQL error leaves with a stable `extensions.code`; anything unexpected is masked."""

from __future__ import annotations

import logging

from graphql import GraphQLError, GraphQLSyntaxError

from resolvers.errors import ResolverError
from stripe_gateway.errors import NotFound, RateLimited, StripeUnavailable

logger = logging.getLogger(__name__)

UNEXPECTED_MESSAGE = "Unexpected error."
MAX_MESSAGE_CHARS = 300
_EXPECTED = (GraphQLError, ResolverError, StripeUnavailable, RateLimited, NotFound)


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
        code = "INTERNAL" if error.path else "BAD_USER_INPUT"
        return _rewritten(error, error.message, {**(error.extensions or {}), "code": code})
    return _rewritten(error, *_client_view(original))


def log_unexpected(errors: list[GraphQLError]) -> None:
    """Log the bugs with their traceback; expected errors are answers, not incidents."""
    for error in errors:
        if error.original_error is not None and not isinstance(error.original_error, _EXPECTED):
            path = ".".join(map(str, error.path or ()))
            logger.error("Unexpected error in %s", path, exc_info=error.original_error)
