"""The `Node` interface: every object with a Stripe id, fetchable again with `node(id:)`."""

import strawberry


@strawberry.interface(description="An object with a Stripe id; `node(id:)` fetches any of them by that id.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="The object's Stripe id, such as `cus_…`, `sub_…`, `in_…` or `price_…`."
    )
