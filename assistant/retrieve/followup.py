"""Follow-up questions without an LLM: expand a short or referring question with the last subject."""

from __future__ import annotations

import re

from assistant.text.language import keyword_tokens
from assistant.types import Turn

_REFERRING_START = re.compile(
    r"^\s*(und|and|aber|but|what about|how about|wie (ist|sieht) es mit|was ist mit|und was|"
    r"und wie|und für|and for|also|auch|gilt das|does that|is that|same for|dasselbe)\b", re.I
)  # fmt: skip
_PRONOUN = re.compile(
    r"\b(them|they|their|it|its|those|these|this one|that one|there|sie|ihnen|ihr|ihre|dort|"
    r"dafür|davon|damit|diese[rnms]?|denen|deren|das auch|dies)\b", re.I
)  # fmt: skip


def is_followup(question: str) -> bool:
    """A question that depends on the previous turn: short, or starting/built with a reference."""
    content = keyword_tokens(question)
    return (
        len(content) <= 3
        or bool(_REFERRING_START.search(question))
        or (len(content) <= 8 and bool(_PRONOUN.search(question)))
    )


def expand_question(question: str, history: list[Turn], max_chars: int = 2_000) -> str:
    """Prefix the subject of the conversation when this question refers back to it.

    The subject is the last user question that stood on its own, so a chain of follow-ups
    ("und für Taiwan?" then "und für Russland?") each attach to the same subject. The expanded query is
    never longer than `max_chars` (the subject is cut), so a long history costs no more than a long question.
    """
    asked = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not asked or not is_followup(question):
        return question
    subject = next((q for q in reversed(asked) if not is_followup(q)), asked[0]).strip()
    room = max(max_chars - len(question.strip()) - 1, 0)
    return f"{subject[:room]} {question.strip()}".strip()
