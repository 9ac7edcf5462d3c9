"""The read cache over the sandbox: warm reads cost no Stripe call, invalidation by customer, object and
catalog brings fresh data, our writes invalidate, and money-moving preconditions can bypass the cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.caching import CachedGateway, CacheUnavailable, MemoryStore, SharedStore
from stripe_gateway.records import CustomerUpdate, ItemChange

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Catalog, Sandbox, Subscribed

pytestmark = pytest.mark.sandbox_only

CUSTOMER = "GET /v1/customers/{id}"
REFUND = "GET /v1/refunds/{id}"


@pytest.fixture
def cache(gateway: StripeGateway) -> CachedGateway:
    return CachedGateway(gateway, MemoryStore())


async def _dashboard(cache: CachedGateway, subscribed: Subscribed, catalog: Catalog) -> None:
    """What a customer's billing page reads."""
    await cache.retrieve_customer(subscribed.customer_id, with_subscriptions=True)
    await cache.list_subscriptions(subscribed.customer_id)
    await cache.list_invoices(customer_id=subscribed.customer_id, with_payments=True)
    await cache.list_payment_methods(subscribed.customer_id)
    await cache.preview_invoice(
        customer_id=subscribed.customer_id, subscription_id=subscribed.subscription_id
    )
    await cache.list_products([catalog.product_id, catalog.addon_product_id])
    await cache.list_catalog_prices()
    await cache.default_portal_configuration()


async def test_a_warm_dashboard_makes_no_stripe_call(
    cache: CachedGateway, subscribed: Subscribed, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    await _dashboard(cache, subscribed, catalog)
    sandbox_knobs.reset_calls()

    await _dashboard(cache, subscribed, catalog)

    assert sandbox_knobs.total() == 0


async def test_a_warm_read_returns_what_stripe_returned(cache: CachedGateway, subscribed: Subscribed) -> None:
    cold = await cache.retrieve_customer(subscribed.customer_id, with_subscriptions=True)

    warm = await cache.retrieve_customer(subscribed.customer_id, with_subscriptions=True)

    assert warm == cold
    assert warm.subscriptions is not None
    assert [s.id for s in warm.subscriptions] == [subscribed.subscription_id]


async def test_invalidating_a_customer_refreshes_its_reads_but_not_the_catalog(
    cache: CachedGateway, subscribed: Subscribed, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    await _dashboard(cache, subscribed, catalog)
    sandbox_knobs.reset_calls()

    await cache.invalidate_customer(subscribed.customer_id)
    await _dashboard(cache, subscribed, catalog)

    calls = sandbox_knobs.all_calls()
    assert calls[CUSTOMER] == 1
    assert calls["GET /v1/subscriptions"] == 1
    assert calls["GET /v1/invoices"] == 1
    assert calls["GET /v1/payment_methods"] == 1
    assert calls["POST /v1/invoices/create_preview"] == 1
    assert calls.get("GET /v1/products", 0) == 0
    assert calls.get("GET /v1/prices", 0) == 0
    assert calls.get("GET /v1/billing_portal/configurations", 0) == 0


async def test_a_change_made_in_stripe_shows_after_the_customer_is_invalidated(
    cache: CachedGateway, subscribed: Subscribed, stripe_admin: stripe.StripeClient
) -> None:
    await cache.retrieve_customer(subscribed.customer_id)
    await stripe_admin.v1.customers.update_async(subscribed.customer_id, {"name": "Changed in the dashboard"})
    stale = await cache.retrieve_customer(subscribed.customer_id)

    await cache.invalidate_customer(subscribed.customer_id)
    fresh = await cache.retrieve_customer(subscribed.customer_id)

    assert stale.name == "Ada Contract"
    assert fresh.name == "Changed in the dashboard"


async def test_invalidating_an_object_drops_it_and_what_contains_it(
    cache: CachedGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    await cache.retrieve_subscription(subscribed.subscription_id)
    await cache.retrieve_customer(subscribed.customer_id)
    await cache.retrieve_customer(subscribed.customer_id, with_subscriptions=True)
    await cache.list_payment_methods(subscribed.customer_id)
    sandbox_knobs.reset_calls()

    await cache.invalidate_object(subscribed.subscription_id)
    await cache.retrieve_subscription(subscribed.subscription_id)
    await cache.retrieve_customer(subscribed.customer_id)
    await cache.retrieve_customer(subscribed.customer_id, with_subscriptions=True)
    await cache.list_payment_methods(subscribed.customer_id)

    calls = sandbox_knobs.all_calls()
    assert calls["GET /v1/subscriptions/{id}"] == 1
    assert calls[CUSTOMER] == 1  # only the customer with its subscriptions expanded
    assert calls.get("GET /v1/payment_methods", 0) == 0


async def test_invalidating_the_catalog_refreshes_products_prices_and_portal_configuration(
    cache: CachedGateway, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    await cache.list_products([catalog.product_id])
    await cache.retrieve_price(catalog.basic_price_id)
    await cache.list_catalog_prices()
    await cache.default_portal_configuration()
    sandbox_knobs.reset_calls()

    await cache.invalidate_catalog()
    await cache.list_products([catalog.product_id])
    await cache.retrieve_price(catalog.basic_price_id)
    await cache.list_catalog_prices()
    await cache.default_portal_configuration()

    calls = sandbox_knobs.all_calls()
    assert calls["GET /v1/products"] == 1
    assert calls["GET /v1/prices/{id}"] == 1
    assert calls["GET /v1/prices"] == 1
    assert calls["GET /v1/billing_portal/configurations"] == 1


async def test_the_catalog_read_comes_back_from_the_cache_with_its_products(
    cache: CachedGateway, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    cold = await cache.list_catalog_prices()
    sandbox_knobs.reset_calls()

    warm = await cache.list_catalog_prices()

    assert warm == cold
    assert {price.product_id for price in warm} >= {catalog.product_id}
    assert all(price.product is not None for price in warm)
    assert sandbox_knobs.total() == 0


async def test_products_are_cached_one_by_one_and_only_the_missing_are_fetched(
    cache: CachedGateway, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    await cache.list_products([catalog.product_id])
    sandbox_knobs.reset_calls()

    both = await cache.list_products([catalog.addon_product_id, catalog.product_id])
    again = await cache.list_products([catalog.product_id, catalog.addon_product_id])

    assert [p.id for p in both] == [catalog.addon_product_id, catalog.product_id]
    assert [p.id for p in again] == [catalog.product_id, catalog.addon_product_id]
    assert sandbox_knobs.calls("GET /v1/products") == 1


async def test_our_own_write_invalidates_the_customer(
    cache: CachedGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    await cache.retrieve_customer(subscribed.customer_id)
    await cache.list_subscriptions(subscribed.customer_id)

    await cache.update_customer(
        subscribed.customer_id, CustomerUpdate(name="Renamed"), idempotency_key="rename"
    )
    sandbox_knobs.reset_calls()

    assert (await cache.retrieve_customer(subscribed.customer_id)).name == "Renamed"
    assert sandbox_knobs.calls(CUSTOMER) == 1


async def test_a_plan_change_invalidates_the_subscription_and_the_invoices(
    cache: CachedGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    await cache.retrieve_subscription(subscribed.subscription_id)
    before = await cache.list_invoices(customer_id=subscribed.customer_id)

    await cache.change_subscription_items(
        subscribed.subscription_id,
        [ItemChange(subscribed.item_id, catalog.pro_price_id)],
        proration_behavior="always_invoice",
        proration_date=None,
        idempotency_key="upgrade",
    )

    subscription = await cache.retrieve_subscription(subscribed.subscription_id)
    after = await cache.list_invoices(customer_id=subscribed.customer_id)
    assert [item.price.id for item in subscription.items] == [catalog.pro_price_id]
    assert len(after.data) == len(before.data) + 1


async def test_a_refund_through_the_cache_drops_the_cached_charge(
    cache: CachedGateway, subscribed: Subscribed
) -> None:
    await cache.retrieve_charge(subscribed.charge_id)
    await cache.retrieve_payment_intent(subscribed.payment_intent_id)

    await cache.create_refund(
        charge_id=subscribed.charge_id, amount=400, reason=None, idempotency_key="refund"
    )

    assert (await cache.retrieve_charge(subscribed.charge_id)).amount_refunded == 400


async def test_a_fresh_read_bypasses_the_cache_and_refreshes_it(
    cache: CachedGateway, subscribed: Subscribed, stripe_admin: stripe.StripeClient, sandbox_knobs: Sandbox
) -> None:
    await cache.retrieve_charge(subscribed.charge_id)
    await stripe_admin.v1.refunds.create_async({"charge": subscribed.charge_id, "amount": 300})
    stale = await cache.retrieve_charge(subscribed.charge_id)
    sandbox_knobs.reset_calls()

    fresh = await cache.retrieve_charge(subscribed.charge_id, fresh=True)
    after = await cache.retrieve_charge(subscribed.charge_id)

    assert stale.amount_refunded == 0
    assert fresh.amount_refunded == 300
    assert after == fresh
    assert sandbox_knobs.calls("GET /v1/charges/{id}") == 1


async def test_a_preview_that_prorates_to_now_is_not_cached(
    cache: CachedGateway, subscribed: Subscribed, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    change = [ItemChange(subscribed.item_id, catalog.pro_price_id)]
    sandbox_knobs.reset_calls()

    for _ in range(2):
        await cache.preview_invoice(
            customer_id=subscribed.customer_id,
            subscription_id=subscribed.subscription_id,
            items=change,
            proration_behavior="create_prorations",
        )
    for _ in range(2):
        await cache.preview_invoice(
            customer_id=subscribed.customer_id,
            subscription_id=subscribed.subscription_id,
            items=change,
            proration_behavior="create_prorations",
            proration_date=subscribed.period_start + 86_400,
        )

    assert sandbox_knobs.calls("POST /v1/invoices/create_preview") == 3


async def test_a_detach_invalidates_the_customer_it_was_attached_to(
    cache: CachedGateway, subscribed: Subscribed
) -> None:
    [card] = (await cache.list_payment_methods(subscribed.customer_id)).data
    await cache.retrieve_payment_method(card.id)
    assert (await cache.retrieve_customer(subscribed.customer_id)).default_payment_method_id == card.id

    await cache.detach_payment_method(card.id, idempotency_key="detach")

    assert (await cache.list_payment_methods(subscribed.customer_id)).data == ()
    assert (await cache.retrieve_customer(subscribed.customer_id)).default_payment_method_id is None


@pytest.fixture
async def redis_down() -> AsyncIterator[SharedStore]:
    """A shared cache whose Redis cannot be reached (nothing listens on port 1)."""
    store = await SharedStore.connect("redis://127.0.0.1:1/0", prefix="portalql:test:down:")
    yield store
    await store.close()


async def test_a_cache_whose_redis_is_down_reads_and_writes_through_to_stripe(
    gateway: StripeGateway, subscribed: Subscribed, redis_down: SharedStore, sandbox_knobs: Sandbox
) -> None:
    cache = CachedGateway(gateway, redis_down)
    sandbox_knobs.reset_calls()

    first = await cache.retrieve_customer(subscribed.customer_id)
    renamed = await cache.update_customer(
        subscribed.customer_id, CustomerUpdate(name="Still works"), idempotency_key="k"
    )
    again = await cache.retrieve_customer(subscribed.customer_id)

    assert first.id == subscribed.customer_id
    assert renamed.name == again.name == "Still works"
    assert sandbox_knobs.calls(CUSTOMER) == 2


async def test_a_webhook_invalidation_fails_while_redis_is_down_so_it_is_retried(
    gateway: StripeGateway, subscribed: Subscribed, redis_down: SharedStore
) -> None:
    cache = CachedGateway(gateway, redis_down)

    with pytest.raises(CacheUnavailable):
        await cache.invalidate_customer(subscribed.customer_id)


async def test_a_refund_is_cached_until_its_charge_its_customer_or_our_refund_invalidates_it(
    cache: CachedGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    made = await cache.create_refund(
        charge_id=subscribed.charge_id, amount=100, reason=None, idempotency_key="a"
    )
    await cache.retrieve_refund(made.id)
    sandbox_knobs.reset_calls()

    warm = await cache.retrieve_refund(made.id)
    calls = [sandbox_knobs.calls(REFUND)]
    await cache.invalidate_object(subscribed.charge_id)  # what `charge.refunded` invalidates: the charge
    await cache.retrieve_refund(made.id)
    calls.append(sandbox_knobs.calls(REFUND))
    await cache.invalidate_customer(subscribed.customer_id)  # and its customer
    await cache.retrieve_refund(made.id)
    calls.append(sandbox_knobs.calls(REFUND))
    await cache.create_refund(charge_id=subscribed.charge_id, amount=200, reason=None, idempotency_key="b")
    after_ours = await cache.retrieve_refund(made.id)
    calls.append(sandbox_knobs.calls(REFUND))

    assert calls == [0, 1, 2, 3]
    assert warm.charge is not None
    assert warm.charge.amount_refunded == 100
    assert after_ours.charge is not None
    assert after_ours.charge.amount_refunded == 300


async def test_products_with_their_default_prices_are_cached_apart_from_plain_ones(
    cache: CachedGateway, catalog: Catalog, stripe_admin: stripe.StripeClient, sandbox_knobs: Sandbox
) -> None:
    await stripe_admin.v1.products.update_async(catalog.product_id, {"default_price": catalog.pro_price_id})
    [plain] = await cache.list_products([catalog.product_id])
    sandbox_knobs.reset_calls()

    [cold] = await cache.list_products([catalog.product_id], with_default_price=True)
    [warm] = await cache.list_products([catalog.product_id], with_default_price=True)
    [plain_again] = await cache.list_products([catalog.product_id])

    assert warm == cold
    assert warm.default_price == await cache.retrieve_price(catalog.pro_price_id)
    assert plain_again == plain
    assert plain.default_price is None
    assert sandbox_knobs.calls("GET /v1/products") == 1


async def test_nothing_to_preview_is_not_cached(
    cache: CachedGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    await cache.cancel_now(
        subscribed.subscription_id,
        prorate=False,
        invoice_now=False,
        feedback=None,
        comment=None,
        idempotency_key="end",
    )
    sandbox_knobs.reset_calls()

    previews = [
        await cache.preview_invoice(
            customer_id=subscribed.customer_id, subscription_id=subscribed.subscription_id
        )
        for _ in range(2)
    ]

    assert previews == [None, None]
    # Not kept: each preview asks Stripe again, as when it was an error.
    assert sandbox_knobs.calls("POST /v1/invoices/create_preview") == 2
