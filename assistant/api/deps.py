"""FastAPI dependencies shared by the routers: the assistant, the caller's principal, input checks."""

from __future__ import annotations

from fastapi import Request

from assistant.api.access import AccessDenied, Principal, authenticate
from assistant.api.models import AskIn
from assistant.types import Answer, Turn


class RateLimited(AccessDenied):
    def __init__(self, wait: float):
        super().__init__(429, "rate limit exceeded")
        self.wait = wait


def get_assistant(request: Request):
    return request.app.state.assistant


def principal(request: Request) -> Principal:
    """Who is calling (key or anonymous), counted against the rate limit."""
    settings = request.app.state.assistant.settings.server
    auth = request.headers.get("authorization", "")
    key = auth[7:].strip() if auth.lower().startswith("bearer ") else request.headers.get("x-api-key")
    who = authenticate(settings, key)
    client = f"key:{who.name}" if key else f"ip:{request.client.host if request.client else '?'}"
    wait = request.app.state.limiter.check(client)
    if wait is not None:
        raise RateLimited(wait)
    return who


def check_question(request: Request, text: str) -> str:
    """The stripped question, or a 400 for an empty or over-long one."""
    limit = request.app.state.assistant.settings.server.max_question_chars
    text = text.strip()
    if not text:
        raise AccessDenied(400, "the question is empty")
    if len(text) > limit:
        raise AccessDenied(400, f"the question is over {limit} characters")
    return text


def history_of(body: AskIn) -> list[Turn]:
    return [Turn(t.role, t.content) for t in body.history]


def answer_for(request: Request, who: Principal, body: AskIn) -> Answer:
    """`ask` for one request body with the caller's document filters (runs in a worker thread)."""
    assistant = request.app.state.assistant
    question = check_question(request, body.question)
    return assistant.ask(question, history=history_of(body), language=body.language, filters=who.filters())
