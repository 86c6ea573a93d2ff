"""Situation: recognise what a question is about — partner, country, field, activity — and what it asks
for (a situation, a definition or procedure, a decision coopguide cannot make, a topic outside the corpus),
from rules kept as YAML in corpus/situation."""

from assistant.situation.recognise import Recogniser, Situation
from assistant.situation.rules import Rules

__all__ = ["Recogniser", "Rules", "Situation"]
