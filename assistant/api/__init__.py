"""The HTTP API: /api (ask, search, documents, institutions, feedback, assessments), the OpenAI-compatible
/v1 endpoints and the widget — thin routers over the Assistant, with keys, scopes and limits in access.py."""

from assistant.api.app import create_app

__all__ = ["create_app"]
