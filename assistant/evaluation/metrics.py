"""Evaluation metrics — pure functions over texts, ranked passages and answers."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from assistant.answer.citations import citation_problems


def groups_found(text: str, key_terms: list[list[str]]) -> list[bool]:
    """For each group of alternative strings: does any alternative occur (case-insensitive)?"""
    low = text.lower()
    return [any(alt.lower() in low for alt in group) for group in key_terms]


def coverage(text: str, key_terms: list[list[str]]) -> float | None:
    if not key_terms:
        return None
    found = groups_found(text, key_terms)
    return sum(found) / len(found)


def term_recall_at_k(passages: Sequence[str], key_terms: list[list[str]], k: int) -> float | None:
    return coverage("\n".join(passages[:k]), key_terms)


def doc_recall_at_k(doc_ids: Sequence[str], expected: list[str], k: int) -> float | None:
    if not expected:
        return None
    top = set(doc_ids[:k])
    return sum(d in top for d in expected) / len(expected)


def relevance(passage: str, doc_id: str, key_terms: list[list[str]], expected: list[str]) -> float:
    """Graded relevance: an expected document counts 1; else the share of key-term groups present."""
    if expected:
        return 1.0 if doc_id in expected else 0.0
    found = groups_found(passage, key_terms)
    return sum(found) / len(found) if found else 0.0


def mrr(relevances: Sequence[float]) -> float:
    return next((1.0 / (i + 1) for i, r in enumerate(relevances) if r > 0), 0.0)


def ndcg_at_k(relevances: Sequence[float], k: int = 10) -> float:
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(relevances[:k]))
    ideal = sum(r / math.log2(i + 2) for i, r in enumerate(sorted(relevances, reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def citation_valid(answer: str, numbers: set[int], refused: bool) -> bool | None:
    """None for refusals (nothing is claimed); else every [n] resolves and every sentence cites."""
    return None if refused else not citation_problems(answer, numbers)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None
