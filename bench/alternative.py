"""What a team would write instead of portalql: one FastAPI endpoint calling the Stripe SDK directly.

It reads the customer, their subscriptions and their last invoices in parallel and returns Stripe's JSON as
it is: no authentication, no policy, no products, no payment methods and no upcoming invoice, so it fetches
less than portalql's dashboard. That is the point of comparison the benchmark measures against.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import stripe
from fastapi import FastAPI, Request

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

INVOICES_SHOWN = 10


def create_app(*, api_key: str, api_base: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        http_client = stripe.HTTPXClient()
        app.state.stripe = stripe.StripeClient(
            api_key, http_client=http_client, base_addresses={"api": api_base}, max_network_retries=2
        )
        try:
            yield
        finally:
            await http_client.close_async()  # type: ignore[no-untyped-call]  # unannotated in the SDK

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/customers/{customer_id}/dashboard")
    async def dashboard(customer_id: str, request: Request) -> dict[str, Any]:
        client: stripe.StripeClient = request.app.state.stripe
        customer, subscriptions, invoices = await asyncio.gather(
            client.v1.customers.retrieve_async(customer_id),
            client.v1.subscriptions.list_async({"customer": customer_id}),
            client.v1.invoices.list_async({"customer": customer_id, "limit": INVOICES_SHOWN}),
        )
        return {
            "customer": customer.to_dict(for_json=True),
            "subscriptions": [subscription.to_dict(for_json=True) for subscription in subscriptions.data],
            "invoices": [invoice.to_dict(for_json=True) for invoice in invoices.data],
        }

    return app
