"""Request bodies of the HTTP API (pydantic): limits are declared here, so bad input is a 400."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TurnIn(BaseModel):
    role: str = Field(pattern="^(user|assistant)$")
    content: str = Field(max_length=20_000)


class AskIn(BaseModel):
    question: str = Field(min_length=1, description="The question, German or English.")
    history: list[TurnIn] = Field(default_factory=list, max_length=50, description="The conversation so far.")
    language: str | None = Field(None, pattern="^(de|en)$", description="Answer language (default: detected).")


class FeedbackIn(BaseModel):
    answer_id: str = Field(min_length=1, max_length=100)
    rating: str = Field(pattern="^(up|down)$")
    comment: str | None = Field(None, max_length=2_000)
    question: str | None = Field(None, max_length=2_000)


class AssessmentIn(BaseModel):
    partner: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=1, max_length=3)
    field: str = Field(min_length=1, max_length=500)
    type: str
    funding: str | None = Field(None, max_length=500)
    data: str | None = Field(None, max_length=500)
    requester: str | None = None
    lang: str = Field("de", pattern="^(de|en)$")
    format: str = Field("json", pattern="^(json|md|docx)$")


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatIn(BaseModel):
    model: str = "coopguide"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
