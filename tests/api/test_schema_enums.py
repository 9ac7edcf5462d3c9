"""Every enum of domain values in the schema is the domain's own enum, value for value, and none is copied.

The domain enums are found by walking the domain packages, so a new one, or a schema-side copy of one, is
checked without being listed here.
"""

from __future__ import annotations

import importlib
import pkgutil
from enum import Enum, StrEnum

import pytest
import strawberry
from graphql import GraphQLEnumType
from graphql import build_schema as parse_sdl
from strawberry.types.enum import StrawberryEnumDefinition

from resolvers import live, ports
from resolvers.mutations import invoice_payment, outcome, portal_sessions
from resolvers.principals import Scope
from schema import build_schema
from schema.enum_types import graphql_enum
from stripe_gateway import records

DOMAIN_PACKAGES = ("stripe_gateway", "resolvers")


def _domain_enums() -> set[type[Enum]]:
    found: set[type[Enum]] = set()
    for package_name in DOMAIN_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            module = importlib.import_module(module_info.name)
            found.update(
                value
                for value in vars(module).values()
                if isinstance(value, type) and issubclass(value, Enum) and value.__module__ == module.__name__
            )
    return found


def _schema_enums() -> dict[str, tuple[list[str], StrawberryEnumDefinition]]:
    """Each GraphQL enum's value names as the SDL prints them, and the definition strawberry made."""
    schema = build_schema()
    enums = {}
    for name, graphql_type in parse_sdl(schema.as_str()).type_map.items():
        if isinstance(graphql_type, GraphQLEnumType) and not name.startswith("__"):
            definition = schema.get_type_by_name(name)
            assert isinstance(definition, StrawberryEnumDefinition)
            enums[name] = (list(graphql_type.values), definition)
    return enums


def test_each_domain_enum_in_the_schema_has_exactly_its_members_in_order() -> None:
    domain = _domain_enums()
    exposed = {}
    for name, (value_names, definition) in _schema_enums().items():
        if definition.wrapped_cls not in domain:
            continue
        members = list(definition.wrapped_cls)
        assert value_names == [member.name for member in members], name
        assert [value.value for value in definition.values] == [member.value for member in members], name
        exposed[name] = definition.wrapped_cls

    assert exposed == {
        "UserErrorCode": outcome.UserErrorCode,
        "Scope": Scope,
        "CancelMode": records.CancelMode,
        "CustomerUpdateField": records.CustomerDetail,
        "SubscriptionUpdateKind": records.SubscriptionUpdateKind,
        "SubscriptionStatus": records.SubscriptionStatus,
        "CancellationFeedback": records.CancellationFeedback,
        "InvoiceStatus": records.InvoiceStatus,
        "InvoicePaymentStatus": records.InvoicePaymentStatus,
        "PaymentMethodType": records.PaymentMethodType,
        "PriceType": records.PriceType,
        "Interval": records.Interval,
        "RefundRequestReason": records.RefundReason,
        "PortalFlowType": records.PortalFlowType,
        "ProrationBehavior": records.ProrationBehavior,
        "AuditPrincipalType": ports.PrincipalType,
        "AuditSource": ports.AuditSource,
        "PortalSessionKind": portal_sessions.PortalKind,
        "PortalFlowCompletion": records.PortalFlowCompletion,
        "TaxIdType": records.TaxIdType,
        "TaxIdVerificationStatus": records.TaxIdVerificationStatus,
        "SetupIntentStatus": records.SetupIntentStatus,
        "InvoicePaymentOutcome": invoice_payment.InvoicePaymentOutcome,
        "CollectionMethod": records.CollectionMethod,
        "EventDeliveryStatus": ports.EventDeliveryStatus,
        "RetentionOfferKind": ports.OfferKind,
        "CouponDuration": records.CouponDuration,
        "UsageType": records.UsageType,
        "TiersMode": records.TiersMode,
        "MeterAggregation": records.MeterFormula,
        "UsageGranularity": records.UsageWindow,
        "CreditCategory": records.CreditCategory,
        "BalanceTransactionType": records.BalanceTransactionType,
        "BillingTopic": live.BillingTopic,
    }


def test_no_schema_enum_copies_a_domain_enum() -> None:
    domain_names = {frozenset(member.name for member in enum): enum for enum in _domain_enums()}

    copies = {
        name: domain_names[frozenset(value_names)]
        for name, (value_names, definition) in _schema_enums().items()
        if definition.wrapped_cls.__module__.startswith("schema.") and frozenset(value_names) in domain_names
    }

    assert copies == {}, "build these GraphQL enums from the domain's with graphql_enum"


class _Plan(StrEnum):
    BASIC = "basic"
    PRO = "pro"


class _Size(StrEnum):
    SMALL = "small"
    LARGE = "large"


def test_graphql_enum_is_the_domain_class_with_a_description_per_member() -> None:
    registered = graphql_enum(
        _Size, name="Size", description="A size.", values={_Size.SMALL: "Small.", _Size.LARGE: "Large."}
    )
    received: list[object] = []

    @strawberry.type(description="The root.")
    class Query:
        @strawberry.field(description="Echoes the size.")
        def size(self, size: _Size) -> _Size:
            received.append(size)
            return size

    schema = strawberry.Schema(query=Query)

    assert registered is _Size
    assert '"""Large."""\n  LARGE' in schema.as_str()
    assert schema.execute_sync("{ size(size: LARGE) }").data == {"size": "LARGE"}
    assert received == [_Size.LARGE]
    assert type(received[0]) is _Size


def test_graphql_enum_refuses_a_member_without_a_description() -> None:
    class Tier(StrEnum):
        LOW = "low"
        HIGH = "high"

    with pytest.raises(TypeError, match="without a description: HIGH"):
        graphql_enum(Tier, description="A tier.", values={Tier.LOW: "Cheap."})


class _Tier(StrEnum):
    LOW = "low"
    HIGH = "high"


@pytest.mark.parametrize(
    "values",
    [
        {_Tier.LOW: "Cheap.", "high": "Dear."},
        {_Tier.LOW: "Cheap.", _Tier.HIGH: "Dear.", _Plan.PRO: "Pro."},
    ],
    ids=["a member's value as a string", "another enum's member"],
)
def test_graphql_enum_refuses_a_description_of_a_non_member(values: dict[_Tier, str]) -> None:
    with pytest.raises(TypeError, match="which are not _Tier members"):
        graphql_enum(_Tier, description="A tier.", values=values)

    assert not hasattr(_Tier, "__strawberry_definition__")


def test_graphql_enum_refuses_to_register_a_class_twice() -> None:
    class Tier(StrEnum):
        LOW = "low"

    graphql_enum(Tier, description="A tier.", values={Tier.LOW: "Cheap."})

    with pytest.raises(TypeError, match="already a GraphQL enum"):
        graphql_enum(Tier, description="Again.", values={Tier.LOW: "Cheap."})
