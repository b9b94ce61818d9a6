"""The HTTP surface: REST API under /api, its pydantic models, the dashboard and /metrics."""
