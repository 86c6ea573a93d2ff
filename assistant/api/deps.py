"""FastAPI dependencies shared by the routers: the caller's principal, input checks, issued answer ids."""

from __future__ import annotations

import uuid
from dataclasses import replace

from fastapi import Request

from assistant.api.access import AccessDenied, Principal, anonymous, check_history, check_question
from assistant.api.models import AskIn
from assistant.types import Answer, Turn


def caller(request: Request) -> Principal:
    """The principal the gate decided on (anonymous when the app runs without the gate, e.g. in a unit test)."""
    who = getattr(request.state, "principal", None)
    return who or anonymous(request.client.host if request.client else "?")


def counted(request: Request, who: Principal, cost: int = 1) -> None:
    wait = request.app.state.limiter.check(who.client, cost)
    if wait is not None:
        raise AccessDenied(429, "rate limit exceeded", retry_after=wait)


def principal(request: Request) -> Principal:
    """Who is calling, counted against the rate limit (per key, proxy user or client IP)."""
    who = caller(request)
    counted(request, who)
    return who


def question_of(request: Request, text: str) -> str:
    return check_question(request.app.state.assistant.settings.server, text)


def history_of(request: Request, body: AskIn) -> list[Turn]:
    turns = [Turn(t.role, t.content) for t in body.history]
    return check_history(request.app.state.assistant.settings.server, turns)


def issue_id(request: Request, answer: Answer) -> Answer:
    """Give the answer an id this server signed, so feedback can only rate answers it issued."""
    return replace(answer, answer_id=request.app.state.signer.sign(uuid.uuid4().hex))


def answer_for(request: Request, who: Principal, body: AskIn) -> Answer:
    """`ask` for one request body with the caller's document filters (runs in a worker thread)."""
    assistant = request.app.state.assistant
    question, history = question_of(request, body.question), history_of(request, body)
    with request.app.state.work.slot():
        answer = assistant.ask(question, history=history, language=body.language, filters=who.filters())
    return issue_id(request, answer)
