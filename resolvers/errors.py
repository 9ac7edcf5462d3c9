"""Failures the resolvers report to the caller, each with the stable code GraphQL clients switch on."""

from __future__ import annotations

from typing import ClassVar


class ResolverError(Exception):
    """A failure whose message is safe to show; `code` becomes the GraphQL error's `extensions.code`."""

    code: ClassVar[str]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnauthenticatedError(ResolverError):
    code = "UNAUTHENTICATED"

    def __init__(self) -> None:
        super().__init__("Authentication required: send an API key or a customer session token.")


class ForbiddenError(ResolverError):
    code = "FORBIDDEN"


class NotFoundError(ResolverError):
    """Raised alike for a missing object and for another customer's: the caller cannot tell them apart."""

    code = "NOT_FOUND"

    def __init__(self, object_id: str) -> None:
        super().__init__(f"No object with id '{object_id}'.")
        self.object_id = object_id


class InvalidArgumentError(ResolverError):
    code = "BAD_USER_INPUT"


class DatabaseUnavailableError(ResolverError):
    """portalql's database did not answer (unreachable, or too slow): an outage, retry shortly."""

    code = "DATABASE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("The database is unavailable; try again shortly.")
