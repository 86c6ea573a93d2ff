"""The recogniser's rules as data: cue lists from corpus/situation/*.yaml compiled into patterns.

Cues are matched on folded text (lower case, no diacritics, ß → ss) at word boundaries; a word ending in
'*' matches the start of a word, one starting with '*' the end of a word (German compounds), and '…' stands
for at most eight words in between.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.text.language import fold

GAP = r"(?:\W+\w+){0,8}?\W+"


def folded(text: str) -> str:
    """Lower case, no diacritics, ß → ss; punctuation and spacing kept so word boundaries survive."""
    return fold(text)


def cue_pattern(cue: str) -> str:
    def part(words: str) -> str:
        out = []
        for word in fold(words).split():
            head = r"[\w-]*" if word.startswith("*") else ""  # '*genehmigung' also matches 'Ausfuhrgenehmigung'
            word = word.lstrip("*")
            out.append(head + (re.escape(word[:-1]) + r"[\w-]*" if word.endswith("*") else re.escape(word)))
        return r"\s+".join(out)

    return GAP.join(part(p) for p in cue.split("…") if p.strip())


def compile_cues(cues: list[str], anchored: bool = False) -> re.Pattern[str]:
    """One pattern matching any of the cues as whole words (never inside a longer word); `anchored` cues must
    open a sentence (at most two words before them: "und", "also", "bitte" …)."""
    body = "|".join(f"(?:{cue_pattern(c)})" for c in sorted(set(cues), key=len, reverse=True))
    if not body:
        return re.compile(r"(?!x)x")
    start = r"(?:^|[.?!:;]\s+)(?:[\w-]+\s+){0,2}" if anchored else r"(?<![\w-])"
    return re.compile(rf"{start}(?:{body})(?![\w])", re.M)


def load_yaml(folder: Path, name: str) -> dict[str, Any]:
    return yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8")) or {}


@dataclass(frozen=True)
class Decision:
    id: str
    cues: re.Pattern[str]
    needs: str  # item | unknown-entity | none
    how: tuple[str, ...]
    who: tuple[str, ...]


class Rules:
    """Everything the recogniser matches, loaded once from corpus/situation and corpus/assessment."""

    def __init__(self, situation_dir: Path, tables_dir: Path):
        countries = load_yaml(situation_dir, "countries")["countries"]
        self.countries: list[tuple[str, re.Pattern[str]]] = []
        for c in countries:
            words = [*(c.get("names") or []), *(c.get("cities") or [])] + [f"{a}*" for a in c.get("adjectives") or []]
            self.countries.append((c["code"], compile_cues(words)))
        self.activities = [
            (a["type"], compile_cues(a["cues"])) for a in load_yaml(situation_dir, "activities")["activities"]
        ]
        kinds = load_yaml(situation_dir, "kinds")["kinds"]
        self.kinds = {kind: compile_cues(cues) for kind, cues in kinds.items()}
        raw = load_yaml(situation_dir, "decisions")
        self.decision_texts: list[dict[str, Any]] = raw["decisions"]
        self.decisions = [
            Decision(d["id"], compile_cues(d["cues"], d.get("anchored", False)), d.get("needs", "none"),
                     tuple(d.get("how") or ()), tuple(d.get("who") or ()))
            for d in raw["decisions"]
        ]  # fmt: skip
        self.item_words = compile_cues(raw.get("item_words") or [])
        self.organisation_words = compile_cues(raw.get("organisation_words") or [])
        # field keywords are substrings (as in the advisor's table): German compounds hide them ("Hochleistungslaser")
        fields = load_yaml(tables_dir, "fields")["fields"]
        self.fields = [(f["id"], tuple(fold(k) for k in f.get("keywords") or [])) for f in fields]
        roles = load_yaml(situation_dir, "roles")
        self.roles = {role: compile_cues(cues) for role, cues in roles["roles"].items()}
        self.prefer: dict[str, list[str]] = roles.get("prefer") or {}
        self.avoid: dict[str, list[str]] = roles.get("avoid") or {}
        self.facets: dict[str, Any] = load_yaml(situation_dir, "facets")["facets"]
        self.scope: list[dict[str, Any]] = load_yaml(situation_dir, "scope")["topics"]
        self.outside = [(t["id"], compile_cues(t["cues"])) for t in self.scope]

    def roles_of(self, sentence: str) -> set[str]:
        text = folded(sentence)
        return {role for role, pattern in self.roles.items() if pattern.search(text)}


def role_bonus(rules: Rules, kind: str, weight: float = 0.06) -> Callable[[str], float]:
    """A sentence's bonus for a kind of question: + per preferred role it plays, − if it plays an avoided one."""
    prefer, avoid = set(rules.prefer.get(kind) or ()), set(rules.avoid.get(kind) or ())

    def bonus(sentence: str) -> float:
        roles = rules.roles_of(sentence)
        return weight * len(roles & prefer) - 2 * weight * bool(roles & avoid)

    return bonus
