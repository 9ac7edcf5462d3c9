"""Whole answers to queries, kept so that a query asked again is answered without executing it: on a warm
dashboard, GraphQL's execution is nearly all the work left once the read cache has served every read.

An answer is kept for one credential (each customer session and API key has its own, so scopes, customer
and portal configuration cannot leak), one document, operation name, set of variables and language. It is
kept in the read cache's store, under the groups of every read it was built from and for no longer than the
first of them expires, with the store's mark taken before it was executed: whatever invalidation drops
one of those reads (a webhook, portalql's own write, on any instance) drops the answer too, and one that
came while it was being built keeps it from being stored. What is kept must have come wholly through the
read cache: a query whose execution read anything else (`stripe_gateway.caching.dependencies`), any
mutation, any answer with errors, is executed every time.

It is kept in the store's tier of this process (`CachedGateway.own_entries`), not shared through Redis: a
broadcast invalidation reaches this process's tier after Redis, and an answer built in between from a
local entry it has not dropped yet would outlive it in Redis; in the local tier the broadcast drops both.
Authentication runs before the lookup, so a revoked credential is refused, never answered from here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from portalql.observability.metrics import RESPONSE_CACHE
from resolvers.principals import CustomerPrincipal

if TYPE_CHECKING:
    from strawberry.http import GraphQLRequestData

    from resolvers.principals import Principal
    from stripe_gateway.caching.dependencies import Dependencies
    from stripe_gateway.caching.stores import Entries

# Larger answers (a page of 100 customers with their plans) are executed each time rather than let a few of
# them push everything else out of the store.
MAX_ANSWER_BYTES = 256 * 1024
# An answer that read nothing from the cache (the caller's own scopes) holds as long as its credential, but
# is not kept longer than the read cache keeps a customer.
MAX_TTL_SECONDS = 300.0
_KEY_PREFIX = "answer:"
# Bound once: looking a label up costs more than counting.
_HIT, _STORED, _UNCACHED = (RESPONSE_CACHE.labels(outcome) for outcome in ("hit", "stored", "uncached"))
_NAME_END = b"\n"  # no GraphQL name holds it


@dataclass(frozen=True, slots=True)
class Answer:
    """A query's answer as sent (`{"data": ...}` in JSON), and its operation's name, for the metrics."""

    operation_name: str | None
    body: bytes


class ResponseCache:
    def __init__(
        self, entries: Entries, *, max_bytes: int = MAX_ANSWER_BYTES, max_ttl: float = MAX_TTL_SECONDS
    ) -> None:
        self._entries = entries
        self._max_bytes = max_bytes
        self._max_ttl = max_ttl

    def key(self, principal: Principal | None, language: str, request: GraphQLRequestData) -> str | None:
        """Where the answer to `request` from this caller, in this language, is kept; None when it is not
        (no credential: every field refuses such a caller)."""
        if principal is None:
            return None
        credential = (
            f"session:{principal.session_id}"
            if isinstance(principal, CustomerPrincipal)
            else f"key:{principal.key_id}"
        )
        # The whole request as parsed, so that any difference (a trusted document's id beside or instead of
        # its text, an extension) is another answer.
        asked = [credential, language, request.query, request.operation_name, request.variables]
        try:
            text = orjson.dumps([*asked, request.extensions], option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            return None
        return _KEY_PREFIX + hashlib.sha256(text).hexdigest()

    async def get(self, key: str) -> Answer | None:
        found = await self._entries.get(key)
        if found is None:
            return None
        _HIT.inc()
        name, _, body = found.value.partition(_NAME_END)
        return Answer(name.decode() or None, body)

    async def mark(self) -> int:
        """Taken before executing: an invalidation after it keeps the answer from being stored."""
        return await self._entries.mark()

    async def keep(self, key: str, answer: Answer | None, dependencies: Dependencies, *, since: int) -> None:
        """Store the answer of a query that ran without errors, built from `dependencies`; None for any
        other outcome, which is counted."""
        kept = (
            answer is not None
            and dependencies.cacheable
            and len(answer.body) <= self._max_bytes
            and dependencies.ttl > 0
            and await self._entries.put(
                key,
                (answer.operation_name or "").encode() + _NAME_END + answer.body,
                groups=frozenset(dependencies.groups),
                ttl=min(dependencies.ttl, self._max_ttl),
                since=since,
            )
        )
        (_STORED if kept else _UNCACHED).inc()
