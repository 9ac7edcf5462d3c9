"""GraphQL enums. Values mirror Stripe's wire values and our scopes, so a record maps by `Enum(value)`."""

from enum import Enum

import strawberry


@strawberry.enum(description="What kind of credential the caller presented.")
class PrincipalKind(Enum):
    API_KEY = strawberry.enum_value("api_key", description="The product's backend, with an API key.")
    CUSTOMER_SESSION = strawberry.enum_value(
        "customer_session", description="One customer, with a customer session token."
    )


@strawberry.enum(name="Scope", description="A permission a customer session carries. API keys hold them all.")
class ScopeEnum(Enum):
    SUBSCRIPTIONS_READ = strawberry.enum_value("subscriptions:read", description="Read subscriptions.")
    SUBSCRIPTIONS_WRITE = strawberry.enum_value(
        "subscriptions:write", description="Change, cancel and reactivate subscriptions."
    )
    INVOICES_READ = strawberry.enum_value("invoices:read", description="Read invoices and their payments.")
    PAYMENT_METHODS_READ = strawberry.enum_value("payment_methods:read", description="Read payment methods.")
    PAYMENT_METHODS_WRITE = strawberry.enum_value(
        "payment_methods:write", description="Add, remove and choose the default payment method."
    )
    CUSTOMER_READ = strawberry.enum_value("customer:read", description="Read the customer's contact details.")
    CUSTOMER_WRITE = strawberry.enum_value(
        "customer:write", description="Change the customer's contact details the portal allows."
    )
    AUDIT_READ = strawberry.enum_value("audit:read", description="Read the audit trail.")
