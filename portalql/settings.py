"""Service settings, read from the environment and `.env`. Only `portalql/` reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

# Plain driver names as hosting providers hand them out, mapped to the async drivers the service runs on.
_ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def normalise_database_url(url: str) -> str:
    """Return `url` with its async driver: `postgresql://…` becomes `postgresql+asyncpg://…`."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        return url
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{Path.cwd() / 'portalql.db'}"


class Settings(BaseSettings):
    """Everything the service can be configured with; secrets are `SecretStr` so they never print."""

    model_config = SettingsConfigDict(
        env_prefix="PORTALQL_",
        env_file=".env",
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
    )

    environment: Literal["development", "production"] = Field(
        default="development", validation_alias="PORTALQL_ENV"
    )
    # repr=False: the URL may carry a database password.
    database_url: str = Field(
        default_factory=_default_database_url, validation_alias="DATABASE_URL", repr=False
    )

    stripe_api_key: SecretStr | None = Field(default=None, validation_alias="STRIPE_API_KEY")
    stripe_api_base: str | None = Field(default=None, validation_alias="STRIPE_API_BASE")
    stripe_webhook_secret: SecretStr | None = Field(default=None, validation_alias="STRIPE_WEBHOOK_SECRET")
    # Not a secret: handed to browsers so that Stripe.js collects cards (`createSetupIntent`, `payInvoice`).
    stripe_publishable_key: str | None = Field(default=None, validation_alias="STRIPE_PUBLISHABLE_KEY")
    # Whether the portal lets customers add cards and pay invoices, so production needs the key above.
    payment_method_updates: bool = True
    stripe_max_network_retries: NonNegativeInt = 2
    stripe_timeout_seconds: PositiveFloat = 20
    # Stripe's test-mode rate limit; live mode allows more. It is the account's: every instance shares it.
    stripe_requests_per_second: PositiveInt = 25
    # Without Redis, how many processes share the Stripe account: each paces itself at its share of the rate
    # (also each one's share while Redis is unreachable).
    instances: PositiveInt = 1
    # How long a request may wait for its turn at Stripe; past it, a call is refused with RATE_LIMITED.
    request_deadline_seconds: PositiveFloat = 10

    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    # Every Redis operation fails within this; the cache and the pacer then fall back to this process.
    redis_timeout_seconds: PositiveFloat = 0.25
    # A database that does not answer fails the request with DATABASE_UNAVAILABLE within these. A frozen one
    # costs both (a pooled connection's check, then a new connection): by default within the deadline above.
    database_connect_timeout_seconds: PositiveFloat = 3
    database_statement_timeout_seconds: PositiveFloat = 5
    # Off, every read goes to Stripe: for finding out whether a problem is the cache's, and for measuring
    # what a customer whose data is not cached waits for.
    read_cache: bool = True
    # Whole answers to queries kept beside the reads they were built from, and dropped with them; only with
    # the read cache. Off, every query is executed (to rule it out when debugging, or to measure execution).
    response_cache: bool = True
    public_url: str = Field(default="http://127.0.0.1:8000", validation_alias="PORTALQL_PUBLIC_URL")

    portal_link_ttl_seconds: PositiveInt = 900
    customer_session_ttl_seconds: PositiveInt = 3600
    # How long an accepted token is trusted without reading the database again; a revocation made on another
    # instance takes effect within this. 0 reads the database on every request.
    auth_cache_seconds: NonNegativeFloat = 5.0
    graphql_introspection: bool = True
    # A GraphQL request's body (document and variables); a larger one is refused unread with 413.
    graphql_max_body_bytes: PositiveInt = 100_000
    # Any other request's body (Stripe's webhook deliveries, the portal's and the login page's forms): a
    # larger one is refused with 413 as it streams in, before a handler holds it in memory.
    max_body_bytes: PositiveInt = 1_048_576
    # "trusted": customer sessions (and callers without a credential) may run only the trusted documents
    # loaded with `portalql documents load`; API keys may still send any document.
    session_documents: Literal["any", "trusted"] = "any"
    # Origins whose pages may call the API from a browser with a bearer token, comma-separated. Cookies are
    # never allowed across origins, so the hosted portal's CSRF rule (see `portalql.web.auth`) still holds.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()

    # Live updates (GraphQL subscriptions over graphql-transport-ws at the GraphQL paths): the sockets one
    # credential (a customer session or an API key) may hold open on an instance at once, and how long a
    # socket may stay open without a subscription running.
    live_connections_per_credential: PositiveInt = 5
    live_idle_seconds: PositiveFloat = 60.0
    # The Redis channel live changes travel on between instances: deployments sharing one Redis each need
    # their own.
    live_channel: str = Field(default="portalql:live:changes", min_length=1, max_length=200)

    # Logs: JSON lines by default in production, readable text in development.
    log_format: Literal["json", "text"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Prometheus metrics: `/metrics` asks for `Authorization: Bearer <token>` when a token is set; with a
    # port, they are served there instead (bind it to a private interface), and not by the API. Without
    # either, development serves `/metrics` openly and production not at all.
    metrics_token: SecretStr | None = None
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    # OpenTelemetry traces are exported (OTLP over HTTP) when this is set; nothing of it is loaded otherwise.
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT"
    )

    # The hosted page wears the Stripe account's brand (`settings.branding`); each of these replaces one part.
    brand_name: str | None = Field(default=None, max_length=100)
    brand_logo_url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)
    brand_icon_url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)
    brand_primary_color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    brand_secondary_color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")

    # The login page (`/portal/login`) for every configuration, even one whose Stripe `login_page` is off.
    login_page: bool = False
    # Where sign-in mails go out: smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465.
    # Unset in development, mails are logged and listed at /portal/dev/outbox instead.
    smtp_url: SecretStr | None = Field(default=None, validation_alias="PORTALQL_SMTP_URL")
    mail_from: str = Field(default="billing@localhost", max_length=200)
    login_code_ttl_seconds: PositiveInt = 600
    # Sign-in mails asked for per email address and per client IP within an hour.
    login_requests_per_email: PositiveInt = 5
    login_requests_per_ip: PositiveInt = 30

    sandbox_port: int = Field(default=12111, ge=1, le=65535)
    sandbox_latency_ms: NonNegativeInt = 0

    @property
    def effective_log_format(self) -> Literal["json", "text"]:
        if self.log_format is not None:
            return self.log_format
        return "json" if self.environment == "production" else "text"

    def metrics_on_api(self) -> tuple[bool, str | None]:
        """Whether the API serves `/metrics`, and the bearer token it then asks for (None: none)."""
        if self.metrics_port is not None:
            return False, None
        if self.metrics_token is not None and self.metrics_token.get_secret_value():
            return True, self.metrics_token.get_secret_value()
        return self.environment == "development", None

    @field_validator("stripe_publishable_key")
    @classmethod
    def _check_publishable_key(cls, value: str | None) -> str | None:
        if value and not value.startswith(("pk_test_", "pk_live_")):
            raise ValueError("STRIPE_PUBLISHABLE_KEY is a publishable key: pk_test_… or pk_live_…")
        return value or None

    @field_validator("database_url")
    @classmethod
    def _use_async_driver(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        return (
            tuple(part.strip() for part in value.split(",") if part.strip())
            if isinstance(value, str)
            else value
        )

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            parts = urlsplit(origin)
            if origin != "*" and not (parts.scheme in {"http", "https"} and parts.netloc and not parts.path):
                raise ValueError(f"{origin!r} is not an origin such as https://app.example.com")
        return origins

    @model_validator(mode="after")
    def validate_for_production(self) -> Self:
        """Refuse to start in production on the embedded defaults meant for development."""
        if self.environment != "production":
            return self
        problems = []
        if self.stripe_api_key is None or not self.stripe_api_key.get_secret_value():
            problems.append("STRIPE_API_KEY is not set")
        if self.stripe_webhook_secret is None or not self.stripe_webhook_secret.get_secret_value():
            problems.append("STRIPE_WEBHOOK_SECRET is not set")
        if self.payment_method_updates and not self.stripe_publishable_key:
            problems.append(
                "STRIPE_PUBLISHABLE_KEY is not set (needed while PORTALQL_PAYMENT_METHOD_UPDATES is on)"
            )
        if make_url(self.database_url).get_backend_name() == "sqlite":
            problems.append("DATABASE_URL points at SQLite; production needs PostgreSQL")
        if problems:
            raise ValueError("refusing to run in production: " + "; ".join(problems))
        return self
