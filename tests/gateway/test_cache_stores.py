"""The in-process store (LRU, TTL, groups, the race guard) and the records' codec."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.caching.codec import CodecError, decode, encode
from stripe_gateway.caching.stores import Cached, MemoryStore
from stripe_gateway.records import (
    Customer,
    Invoice,
    Page,
    PaymentMethod,
    PortalConfiguration,
    Price,
    Subscription,
)

if TYPE_CHECKING:
    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Subscribed


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def value(store: MemoryStore, key: str) -> bytes | None:
    found = await store.get(key)
    return None if found is None else found.value


async def test_an_entry_is_served_until_its_ttl_with_what_it_has_left() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    await store.put("k", b"v", groups={"customer:c"}, ttl=60, since=await store.mark())

    clock.now += 59
    served = await store.get("k")
    clock.now += 1
    expired = await store.get("k")

    assert served == Cached(b"v", ttl=1.0)
    assert expired is None
    assert len(store) == 0


async def test_the_least_recently_used_entry_is_evicted_first() -> None:
    store = MemoryStore(max_entries=2)
    since = await store.mark()
    await store.put("a", b"1", groups={"g"}, ttl=60, since=since)
    await store.put("b", b"2", groups={"g"}, ttl=60, since=since)
    await store.get("a")

    await store.put("c", b"3", groups={"g"}, ttl=60, since=since)

    assert [await value(store, key) for key in ("a", "b", "c")] == [b"1", None, b"3"]


async def test_the_values_held_are_bounded_in_bytes_too() -> None:
    store = MemoryStore(max_bytes=10)
    since = await store.mark()
    await store.put("a", b"1234", groups={"g"}, ttl=60, since=since)
    await store.put("b", b"5678", groups={"g"}, ttl=60, since=since)

    # Six bytes more than fit: the least recently used goes, and a value larger than the whole store is
    # not kept at all.
    await store.put("c", b"90", groups={"g"}, ttl=60, since=since)
    await store.put("d", b"x" * 11, groups={"g"}, ttl=60, since=since)
    await store.put("b", b"56", groups={"g"}, ttl=60, since=since)
    await store.put("e", b"abcd", groups={"g"}, ttl=60, since=since)

    assert [await value(store, key) for key in "abcde"] == [None, b"56", b"90", None, b"abcd"]


async def test_invalidating_a_group_drops_its_entries_only() -> None:
    store = MemoryStore()
    since = await store.mark()
    await store.put("customer", b"1", groups={"customer:c", "object:c"}, ttl=60, since=since)
    await store.put("subscription", b"2", groups={"customer:c", "object:s"}, ttl=60, since=since)
    await store.put("other", b"3", groups={"customer:d"}, ttl=60, since=since)

    await store.invalidate(["object:s"])

    assert [await value(store, k) for k in ("customer", "subscription", "other")] == [b"1", None, b"3"]


async def test_a_read_that_began_before_an_invalidation_is_not_stored() -> None:
    store = MemoryStore()
    before = await store.mark()

    await store.invalidate(["customer:c"])
    stored = [
        await store.put("stale", b"old", groups={"customer:c"}, ttl=60, since=before),
        await store.put("unrelated", b"ok", groups={"customer:d"}, ttl=60, since=before),
        await store.put("fresh", b"new", groups={"customer:c"}, ttl=60, since=await store.mark()),
    ]

    assert stored == [False, True, True]
    assert await store.get("stale") is None
    assert await value(store, "unrelated") == b"ok"
    assert await value(store, "fresh") == b"new"


async def test_a_forgotten_invalidation_is_assumed_to_race() -> None:
    store = MemoryStore(max_groups=1)
    before = await store.mark()

    await store.invalidate(["customer:c"])
    await store.invalidate(["customer:d"])  # customer:c's invalidation is forgotten
    stored = await store.put("maybe-stale", b"?", groups={"customer:c"}, ttl=60, since=before)

    assert stored is False
    assert await store.get("maybe-stale") is None


async def test_an_in_process_store_is_its_own_local_tier() -> None:
    store = MemoryStore()
    await store.local.put("answer", b"{}", groups={"customer:c"}, ttl=60, since=await store.local.mark())

    assert store.local is store
    assert await value(store, "answer") == b"{}"
    await store.invalidate(["customer:c"])
    assert await store.local.get("answer") is None


@pytest.mark.sandbox_only  # the seed has a default portal configuration; a Stripe account may not
async def test_records_from_stripe_survive_the_codec(gateway: StripeGateway, subscribed: Subscribed) -> None:
    customer = await gateway.retrieve_customer(subscribed.customer_id, with_subscriptions=True)
    subscriptions = await gateway.list_subscriptions(subscribed.customer_id)
    invoice = await gateway.retrieve_invoice(subscribed.invoice_id, with_payments=True)
    methods = await gateway.list_payment_methods(subscribed.customer_id)
    configuration = await gateway.default_portal_configuration()

    assert decode(encode(customer), Customer) == customer
    assert decode(encode(subscriptions), Page[Subscription]) == subscriptions
    assert decode(encode(invoice), Invoice) == invoice
    assert decode(encode(methods), Page[PaymentMethod]) == methods
    assert decode(encode(configuration), PortalConfiguration) == configuration


async def test_decoded_metadata_is_read_only(gateway: StripeGateway, subscribed: Subscribed) -> None:
    customer = decode(encode(await gateway.retrieve_customer(subscribed.customer_id)), Customer)

    with pytest.raises(TypeError):
        customer.metadata["suite"] = "changed"  # type: ignore[index]


async def test_data_of_another_shape_does_not_decode(gateway: StripeGateway, subscribed: Subscribed) -> None:
    subscription = encode(await gateway.retrieve_subscription(subscribed.subscription_id))

    with pytest.raises(CodecError):
        decode(subscription, Price)
    with pytest.raises(CodecError):
        decode(b'{"id": "cus_1", "__class__": "os.system"}', Customer)
    with pytest.raises(CodecError):
        decode(b"not json", Customer)
