"""The `portalql` command: `serve` (with a sandbox and demo data when no Stripe key is set), API keys,
migrations, webhook replay, the sandbox on its own, and the schema export."""
