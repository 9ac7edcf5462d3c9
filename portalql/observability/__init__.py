"""What an operator sees of a running service: logs, Prometheus metrics and OpenTelemetry traces."""
