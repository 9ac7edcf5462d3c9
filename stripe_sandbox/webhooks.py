"""Webhook delivery: every event, in order, POSTed to the configured endpoint with Stripe's signature."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import StripeObject

ATTEMPTS = 4
FIRST_BACKOFF_SECONDS = 0.05
TIMEOUT_SECONDS = 5.0


def signature_header(payload: str, secret: str, timestamp: int) -> str:
    """`Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<payload>">`, as Stripe signs."""
    signed = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signed}"


@dataclass(frozen=True)
class Delivery:
    """The outcome of delivering one event: the last HTTP status (None when unreachable) after `attempts`."""

    event_id: str
    event_type: str
    status: int | None
    attempts: int

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Endpoint:
    url: str
    secret: str


@dataclass(frozen=True)
class _Pending:
    """An event waiting for delivery, signed for the endpoint configured when it was emitted."""

    event_id: str
    event_type: str
    payload: str
    endpoint: Endpoint


@dataclass
class WebhookDeliverer:
    """Queues events as the store emits them and sends them from one worker task, so order is kept and
    the API call that caused an event never waits for its delivery."""

    endpoint: Endpoint | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    _queue: asyncio.Queue[_Pending] | None = field(default=None, init=False, repr=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False, repr=False)
    _worker: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    def configure(self, url: str, secret: str, store: Store) -> None:
        """Deliver every event `store` emits from now on to `url`, signed with `secret`."""
        self.endpoint = Endpoint(url, secret)
        self.watch(store)

    def clear(self, store: Store) -> None:
        """Forget the endpoint, anything not yet sent and what was delivered."""
        self.endpoint = None
        self.deliveries.clear()
        if self.enqueue in store.event_listeners:
            store.event_listeners.remove(self.enqueue)
        if self._queue is not None:
            while not self._queue.empty():
                self._queue.get_nowait()
                self._queue.task_done()

    def watch(self, store: Store) -> None:
        """Listen to `store` (a fresh one after a reset) if an endpoint is configured."""
        if self.endpoint is not None and self.enqueue not in store.event_listeners:
            store.event_listeners.append(self.enqueue)

    def enqueue(self, event: StripeObject) -> None:
        endpoint = self.endpoint
        if endpoint is None:
            return
        item = _Pending(event["id"], event["type"], json.dumps(event, indent=2), endpoint)
        running = _running_loop()
        if self._loop is None or self._loop.is_closed():
            if running is None:
                raise RuntimeError("webhook delivery needs a running event loop")
            self._loop, self._queue, self._worker = running, asyncio.Queue(), None
        if running is self._loop:
            self._put(item)
        else:  # emitted from another thread (a test changing the store directly): hand it to the loop
            self._loop.call_soon_threadsafe(self._put, item)

    async def drain(self) -> None:
        """Return once every queued event was delivered or gave up."""
        if self._queue is not None and self._loop is _running_loop():
            await self._queue.join()

    def _put(self, item: _Pending) -> None:
        assert self._queue is not None
        self._queue.put_nowait(item)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        queue = self._queue
        assert queue is not None
        # The worker ends once the queue is empty (checked again after closing the client, which awaits),
        # and the next event starts a new one: no idle task outlives the server's loop.
        while not queue.empty():
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                while not queue.empty():
                    pending = queue.get_nowait()
                    try:
                        delivery = await _deliver(client, pending)
                    finally:
                        queue.task_done()
                    # A delivery that was under way when the endpoint was cleared or replaced is not reported.
                    if pending.endpoint is self.endpoint:
                        self.deliveries.append(delivery)


async def _deliver(client: httpx.AsyncClient, pending: _Pending) -> Delivery:
    endpoint, payload = pending.endpoint, pending.payload
    status: int | None = None
    for attempt in range(1, ATTEMPTS + 1):
        # Signed with wall-clock time, as receivers check the timestamp against their own clock.
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signature_header(payload, endpoint.secret, int(time.time())),
        }
        try:
            response = await client.post(endpoint.url, content=payload, headers=headers)
            status = response.status_code
        except httpx.HTTPError:
            status = None
        if status is not None and 200 <= status < 300:
            return Delivery(pending.event_id, pending.event_type, status, attempt)
        if attempt < ATTEMPTS:
            await asyncio.sleep(FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1))
    return Delivery(pending.event_id, pending.event_type, status, ATTEMPTS)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
