"""The route table the resource modules register their Stripe endpoints in."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stripe_sandbox.wire import Params, StripeObject

if TYPE_CHECKING:
    from stripe_sandbox.store import Store


@dataclass(frozen=True)
class Call:
    """One API call as a handler sees it: the state, the decoded parameters and the path's ids."""

    store: Store
    params: Params
    path_params: dict[str, str]
    path: str
    portal_base_url: str | None = None  # where portal session URLs point instead of Stripe's hosted portal

    def __getitem__(self, name: str) -> str:
        return self.path_params[name]


Handler = Callable[[Call], StripeObject]


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. "/v1/customers/{id}"; also the key of the call counter
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str) -> Callable[[Handler], Handler]:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        pattern = re.compile(f"^{regex}$")

        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method, template, pattern, handler))
            return handler

        return register

    def get(self, template: str) -> Callable[[Handler], Handler]:
        return self.add("GET", template)

    def post(self, template: str) -> Callable[[Handler], Handler]:
        return self.add("POST", template)

    def delete(self, template: str) -> Callable[[Handler], Handler]:
        return self.add("DELETE", template)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # Literal segments win over placeholders (`/v1/invoices/create_preview` before `/v1/invoices/{id}`).
        candidates = sorted(self.routes, key=lambda route: route.template.count("{"))
        for route in candidates:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, found.groupdict()
        return None


# Every resource module registers on this one router.
router = Router()
