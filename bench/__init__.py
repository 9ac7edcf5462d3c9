"""Stripe calls, latency, throughput and memory of portalql, measured beside a hand-written alternative."""
