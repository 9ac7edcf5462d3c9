"""Portal sessions (API keys only): a link into Stripe's hosted portal, or a one-time link into ours.

Deep-link flows are checked before Stripe is called, so a bad request is a user error instead of Stripe's
400: the flow's feature is on in the configuration, its subscription exists, is the customer's and has not
ended, an update-confirm flow names the item to change and a price the configuration lets that subscription
switch to (in its currency: `rules.price_refusal`, as the change itself will be checked), a redirect after
completion has a URL and a hosted confirmation's message is one short line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from resolvers import external_ids, rules
from resolvers.capabilities import PortalCapabilities, portal_capabilities
from resolvers.mutations import retention, writes
from resolvers.mutations.customer_sessions import usable_configuration
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import check_id, check_not_ended, owned_customer, refuse
from resolvers.policy import require_api_key
from resolvers.portal import configuration_in_force
from resolvers.text import excerpt, is_printable_line
from stripe_gateway.errors import IdempotencyConflict, NotFound
from stripe_gateway.ids import IdKind
from stripe_gateway.records import PortalFlow, PortalFlowCompletion, PortalFlowType

if TYPE_CHECKING:
    from datetime import datetime

    from resolvers.context import RequestContext
    from resolvers.principals import ApiKeyPrincipal
    from stripe_gateway.records import ItemChange, PortalConfiguration, PortalFeatures, Subscription

# Where the service serves one-time portal links.
HOSTED_LINK_PATH = "/portal/s/"
# Stripe's own portal picks the customer's browser language for this locale.
AUTO_LOCALE = "auto"


class PortalKind(StrEnum):
    HOSTED = "hosted"
    STRIPE = "stripe"


@dataclass(frozen=True, slots=True)
class FlowRequest:
    """A deep link as asked for; `items` only for update-confirm flows."""

    type: PortalFlowType
    subscription_id: str | None = None
    items: tuple[ItemChange, ...] = ()
    after_completion: PortalFlowCompletion = PortalFlowCompletion.PORTAL_HOMEPAGE
    redirect_url: str | None = None
    confirmation_message: str | None = None


@dataclass(frozen=True, slots=True)
class PortalSessionRequest:
    """Names the customer by `customer_id` or by `external_customer_id` (exactly one)."""

    customer_id: str | None
    kind: PortalKind
    return_url: str | None = None
    flow: FlowRequest | None = None
    configuration_id: str | None = None
    locale: str | None = None
    idempotency_key: str | None = None
    external_customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class CreatedPortalSession:
    id: str
    kind: PortalKind
    url: str
    return_url: str
    # When the link stops working; None for Stripe's sessions, whose lifetime Stripe does not report.
    expires_at: datetime | None
    flow: PortalFlow | None
    customer_id: str
    configuration_id: str
    capabilities: PortalCapabilities


# Browsers handle URLs of this length everywhere, and the portal link's table stores them.
MAX_URL_LENGTH = 2048
# Stripe's limit on a hosted confirmation's custom message.
MAX_CONFIRMATION_MESSAGE_LENGTH = 500


def check_url(url: str, *field: str) -> None:
    not_a_url = reject(UserErrorCode.INVALID_INPUT, f"'{excerpt(url)}' is not an http(s) URL.", *field)
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unbalanced IPv6 bracket, say
        raise not_a_url from error
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(url) > MAX_URL_LENGTH:
        raise not_a_url


def _check_locale(locale: str, kind: PortalKind) -> None:
    if kind is PortalKind.STRIPE and locale == AUTO_LOCALE:
        return
    try:
        Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as error:
        raise reject(UserErrorCode.INVALID_INPUT, f"Unknown locale '{locale}'.", "locale") from error


_FLOW_FEATURES = {
    PortalFlowType.PAYMENT_METHOD_UPDATE: "payment_method_update_enabled",
    PortalFlowType.SUBSCRIPTION_CANCEL: "subscription_cancel_enabled",
    PortalFlowType.SUBSCRIPTION_PAUSE: "subscription_pause_enabled",
    PortalFlowType.SUBSCRIPTION_UPDATE: "subscription_update_enabled",
    PortalFlowType.SUBSCRIPTION_UPDATE_CONFIRM: "subscription_update_enabled",
}


async def _check_items(
    ctx: RequestContext, flow: FlowRequest, subscription: Subscription, features: PortalFeatures
) -> None:
    """The change a customer will confirm must be one the portal lets them make: a link never opens on a
    change the confirmation would refuse, nor on another plan than the one it names."""
    field = ("flow", "items")
    if len(flow.items) != 1:
        raise reject(UserErrorCode.INVALID_INPUT, "An update-confirm flow changes exactly one item.", *field)
    for item in flow.items:
        if item.item_id not in {found.id for found in subscription.items}:
            raise reject(UserErrorCode.NOT_FOUND, f"No item '{item.item_id}' on the subscription.", *field)
        if item.price_id is None:
            raise reject(UserErrorCode.INVALID_INPUT, "Each item needs a price.", *field)
        try:
            price = await ctx.loaders.price(item.price_id)
        except NotFound as error:
            raise reject(UserErrorCode.NOT_FOUND, f"No price with id '{item.price_id}'.", *field) from error
        refuse(rules.plan_change_refusal(subscription, features), *field)
        if refusal := rules.price_refusal(subscription, features, price):
            if price.currency != subscription.currency:
                refusal = replace(
                    refusal,
                    message=f"Price '{price.id}' is in {price.currency.upper()}; the subscription is billed "
                    f"in {subscription.currency.upper()}.",
                )
            refuse(refusal, *field)


def _check_completion(flow: FlowRequest) -> None:
    field = ("flow", "after_completion")
    redirects = flow.after_completion is PortalFlowCompletion.REDIRECT
    if redirects != (flow.redirect_url is not None):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            "A redirect after completion needs a URL, and only a redirect takes one.",
            *field,
            "redirect_url",
        )
    if flow.redirect_url is not None:
        check_url(flow.redirect_url, *field, "redirect_url")
    message = flow.confirmation_message
    if message is None:
        return
    if flow.after_completion is not PortalFlowCompletion.HOSTED_CONFIRMATION:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            "Only a hosted confirmation takes a message.",
            *field,
            "custom_message",
        )
    if not 0 < len(message.strip()) <= MAX_CONFIRMATION_MESSAGE_LENGTH or not is_printable_line(message):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A confirmation message is one line of 1 to {MAX_CONFIRMATION_MESSAGE_LENGTH} printable "
            "characters.",
            *field,
            "custom_message",
        )


async def _flow(
    ctx: RequestContext, request: PortalSessionRequest, customer_id: str, features: PortalFeatures
) -> PortalFlow | None:
    flow = request.flow
    if flow is None:
        return None
    if not getattr(features, _FLOW_FEATURES[flow.type]):
        raise reject(
            UserErrorCode.FEATURE_DISABLED,
            f"The portal configuration has the feature of a {flow.type.value} flow turned off.",
            "flow",
            "type",
        )
    needs_subscription = flow.type is not PortalFlowType.PAYMENT_METHOD_UPDATE
    if needs_subscription != (flow.subscription_id is not None):
        verb = "needs" if needs_subscription else "takes no"
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A {flow.type.value} flow {verb} subscription.",
            "flow",
            "subscription_id",
        )
    confirms = flow.type is PortalFlowType.SUBSCRIPTION_UPDATE_CONFIRM
    if flow.items and not confirms:
        raise reject(UserErrorCode.INVALID_INPUT, "Only update-confirm flows take items.", "flow", "items")
    _check_completion(flow)
    if flow.subscription_id is not None:
        subscription = await _customer_subscription(ctx, customer_id, flow.subscription_id)
        if confirms:
            await _check_items(ctx, flow, subscription, features)
    return PortalFlow(
        type=flow.type,
        subscription_id=flow.subscription_id,
        items=flow.items,
        after_completion_redirect_url=flow.redirect_url,
        after_completion=flow.after_completion,
        confirmation_message=flow.confirmation_message.strip() if flow.confirmation_message else None,
    )


async def _customer_subscription(ctx: RequestContext, customer_id: str, subscription_id: str) -> Subscription:
    field = ("flow", "subscription_id")
    try:
        subscription = await ctx.loaders.subscription(subscription_id)
    except NotFound:
        subscription = None
    if subscription is None or subscription.customer_id != customer_id:
        raise reject(
            UserErrorCode.NOT_FOUND, f"The customer has no subscription '{subscription_id}'.", *field
        )
    check_not_ended(subscription, *field)
    return subscription


@dataclass(frozen=True, slots=True)
class _Issued:
    id: str
    url: str
    expires_at: datetime | None


async def _configuration(ctx: RequestContext, configuration_id: str | None) -> PortalConfiguration:
    if configuration_id is None:
        return await configuration_in_force(ctx)
    return await usable_configuration(ctx, configuration_id)


async def _stripe_session(
    ctx: RequestContext,
    principal: ApiKeyPrincipal,
    request: PortalSessionRequest,
    *,
    customer_id: str,
    return_url: str,
    flow: PortalFlow | None,
) -> _Issued:
    key = writes.idempotency_key(ctx, principal, request.idempotency_key, "portal_session", request)
    try:
        session = await ctx.gateway.create_portal_session(
            customer_id,
            return_url=return_url,
            configuration_id=request.configuration_id,
            locale=request.locale,
            flow=flow,
            idempotency_key=key,
        )
    except IdempotencyConflict as error:
        raise reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for another portal session.",
            "idempotency_key",
        ) from error
    return _Issued(session.id, session.url, None)


async def _hosted_link(
    ctx: RequestContext,
    principal: ApiKeyPrincipal,
    request: PortalSessionRequest,
    *,
    customer_id: str,
    return_url: str,
    flow: PortalFlow | None,
    configuration_id: str,
) -> _Issued:
    # Each call mints a new one-time code (only its hash is kept, so a retry cannot get the same URL back);
    # an unused link only expires.
    link = await writes.stores(ctx).sessions.create_portal_link(
        customer_id=customer_id,
        return_url=return_url,
        configuration_id=configuration_id,
        flow=flow,
        locale=request.locale,
        created_by_api_key_id=principal.key_id,
    )
    return _Issued(link.id, f"{ctx.public_url.rstrip('/')}{HOSTED_LINK_PATH}{link.code}", link.expires_at)


def _check_ids(request: PortalSessionRequest) -> None:
    """Refuse a malformed id before anything is read for the request."""
    check_id(IdKind.CUSTOMER, request.customer_id, "customer_id")
    check_id(IdKind.PORTAL_CONFIGURATION, request.configuration_id, "configuration_id")
    if request.flow is not None:
        check_id(IdKind.SUBSCRIPTION, request.flow.subscription_id, "flow", "subscription_id")
        for item in request.flow.items:
            check_id(IdKind.PRICE, item.price_id, "flow", "items")


async def _create(ctx: RequestContext, request: PortalSessionRequest) -> CreatedPortalSession:
    principal = require_api_key(ctx)
    writes.check_client_key(request.idempotency_key)
    customer_id = await external_ids.mutation_customer(ctx, request.customer_id, request.external_customer_id)
    request = replace(request, customer_id=customer_id)
    _check_ids(request)
    await owned_customer(ctx, principal, customer_id, "customer_id")
    configuration = await _configuration(ctx, request.configuration_id)
    return_url = request.return_url or configuration.default_return_url
    if return_url is None:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            "Give a return URL: the portal configuration has no default one.",
            "return_url",
        )
    check_url(return_url, "return_url")
    if request.locale is not None:
        _check_locale(request.locale, request.kind)
    flow = await _flow(ctx, request, customer_id, configuration.features)
    if request.kind is PortalKind.STRIPE and flow is not None:
        flow = await retention.stripe_cancel_flow(ctx, flow, configuration)
    if request.kind is PortalKind.STRIPE:
        issued = await _stripe_session(
            ctx, principal, request, customer_id=customer_id, return_url=return_url, flow=flow
        )
    else:
        issued = await _hosted_link(
            ctx,
            principal,
            request,
            customer_id=customer_id,
            return_url=return_url,
            flow=flow,
            configuration_id=configuration.id,
        )
    await writes.audit(
        ctx,
        principal,
        action="portal_session.create",
        object_type="portal_session",
        object_id=issued.id,
        customer_id=customer_id,
        before=None,
        after={
            "kind": request.kind.value,
            "configuration": configuration.id,
            "flow": None if flow is None else flow.type.value,
            "returnUrl": return_url,
        },
    )
    return CreatedPortalSession(
        id=issued.id,
        kind=request.kind,
        url=issued.url,
        return_url=return_url,
        expires_at=issued.expires_at,
        flow=flow,
        customer_id=customer_id,
        configuration_id=configuration.id,
        capabilities=portal_capabilities(ctx, customer_id, configuration.features),
    )


async def create_portal_session(
    ctx: RequestContext, request: PortalSessionRequest
) -> Outcome[CreatedPortalSession]:
    return await attempt(_create(ctx, request))
