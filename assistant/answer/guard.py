"""What is never shown as part of an answer, in any mode: text addressed to an AI, foreign links."""

from __future__ import annotations

import re

# Text that addresses an AI or tries to steer the answer: never shown, in any mode.
INJECTION = re.compile(
    r"ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts?)|disregard (the|all|any) "
    r"(previous|prior|above)|ignoriere (alle |die )?(vorherigen|bisherigen|obigen) (anweisungen|instruktionen)|"
    r"\b(answer|respond|reply) (only )?with\b|antworte (nur |ausschließlich )?mit\b|system prompt|"
    r"you are (now )?(an?|the) (ai|assistant|language model)|du bist (jetzt )?(ein|eine) (ki|assistent)",
    re.I,
)
URL = re.compile(r"https?://\S+|www\.\S+", re.I)
