"""HTTP: the FastAPI app, authentication of each request, health probes, request bounds and deadlines, and the
hosted portal (its one-time links and its page)."""
