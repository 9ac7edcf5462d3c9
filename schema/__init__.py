"""The GraphQL schema of portalql (strawberry types only; the work is done in `resolvers`)."""

from schema.build import build_schema

__all__ = ["build_schema"]
