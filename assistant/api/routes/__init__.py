"""One router per area of the HTTP API."""

from assistant.api.routes import ask, assessments, documents, feedback, login, openai, search, widget

ROUTERS = [ask.router, search.router, documents.router, feedback.router, openai.router, assessments.router,
           widget.router, login.router]  # fmt: skip
