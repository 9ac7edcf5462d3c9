"""The `Query` root: the entry points a client starts from."""

import strawberry

from resolvers.policy import authenticated
from schema.context import Info
from schema.fields import field
from schema.viewer import Viewer


@strawberry.type(description="Read the billing state of customers: subscriptions, invoices, payment methods.")
class Query:
    @field("The caller. Fails with UNAUTHENTICATED when no valid credential was sent.")
    def viewer(self, info: Info) -> Viewer:
        return Viewer(principal=authenticated(info.context.request_context))
