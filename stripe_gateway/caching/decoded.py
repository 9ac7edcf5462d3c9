"""Records already decoded from cache entries, so a warm read does not decode the same bytes again.

Decoding a page of invoices costs more than the rest of serving it from the cache. Records are immutable, so
every request can share one decoded copy. A record is reused only while its entry holds the very bytes it was
decoded from: an entry rewritten (a fresh read, another instance's write) or of another version decodes anew.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar, cast

from stripe_gateway.caching.codec import decode

T = TypeVar("T")


class DecodedRecords:
    """A bounded LRU of cache key -> (the bytes, the record decoded from them as one type)."""

    def __init__(self, *, max_entries: int = 10_000) -> None:
        self._max_entries = max_entries
        self._records: OrderedDict[str, tuple[bytes, type, object]] = OrderedDict()

    def decode(self, key: str, data: bytes, kind: type[T]) -> T:
        """`codec.decode(data, kind)`, reusing the record decoded last time `key` held these bytes."""
        known = self._records.get(key)
        # Identity first: the in-process stores hand back the object they were given.
        if known is not None and known[1] is kind and (known[0] is data or known[0] == data):
            self._records.move_to_end(key)
            return cast("T", known[2])  # stored with `kind`, checked above
        record = decode(data, kind)
        self._records[key] = (data, kind, record)
        self._records.move_to_end(key)
        if len(self._records) > self._max_entries:
            self._records.popitem(last=False)
        return record
