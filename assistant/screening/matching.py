"""Recognise institutions named in a question: exact/alias, Chinese names, capitals-only acronyms, fuzzy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.screening.institutions import Institution
from assistant.screening.names import normalise

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&\-]{1,7}$")
# Words that carry no identity: a fuzzy candidate must share at least one other word with the alias.
_GENERIC = set(
    "university universitaet universitat institute institut of the and for technology technische technik "
    "national academy akademie college hochschule school science sciences engineering research center centre "
    "china chinese people's peoples in at de der die des und fur".split()
)


# One-word aliases that are also place names ("a conference in Szeged") are not matched on their own.
PLACE_NAMES = set(
    "debrecen pecs szeged budapest harbin beijing peking nanjing shanghai wuhan xian chengdu changsha "
    "hefei tianjin shenzhen guangzhou hangzhou moscow moskau tehran teheran minsk".split()
)


@lru_cache(maxsize=4096)
def _is_generic(word: str) -> bool:
    """Generic words and their misspellings ('insitute', 'univeristy')."""
    from rapidfuzz import fuzz

    return word in _GENERIC or (len(word) > 4 and any(fuzz.ratio(word, g) >= 85 for g in _GENERIC if len(g) > 4))


def _distinctive(phrase: str) -> list[str]:
    return [w for w in phrase.split() if not _is_generic(w)]


@dataclass(frozen=True)
class InstitutionMatch:
    institution: Institution
    matched_text: str
    score: float
    start: int
    end: int
    method: str  # exact | chinese | acronym | fuzzy

    def to_dict(self) -> dict:
        d = self.institution.to_dict()
        return {"name": d["name"], "matched_text": self.matched_text, "score": round(self.score, 3),
                "country": d["country"], "categories": d["categories"],
                "supervising_agencies": d["supervising_agencies"], "flags": d["flags"],
                "tracker_url": d["tracker_url"]}  # fmt: skip


class InstitutionMatcher:
    """Finds institutions in free text; `fuzzy_threshold` was chosen by measurement (see tests)."""

    def __init__(self, institutions: list[Institution], fuzzy_threshold: float = 88.0):
        self.institutions = institutions
        self.fuzzy_threshold = fuzzy_threshold
        self._exact: dict[str, int] = {}
        self._chinese: dict[str, int] = {}
        self._acronyms: dict[str, int] = {}
        for i, inst in enumerate(institutions):
            for name in inst.all_names():
                if _CJK.search(name):
                    self._chinese.setdefault(name.replace(" ", ""), i)
                elif _ACRONYM.match(name.strip()):
                    self._acronyms.setdefault(name.strip(), i)
                elif len(normalise(name)) >= 4 and normalise(name) not in PLACE_NAMES:
                    self._exact.setdefault(normalise(name), i)
        self._fuzzy_names = [n for n in self._exact if len(n.split()) >= 2]
        self._max_words = max((len(n.split()) for n in self._exact), default=1)

    def _words(self, text: str) -> list[tuple[str, int, int]]:
        out = []
        for m in re.finditer(r"[^\W_]+(?:['’][^\W_]+)?", text):
            out.extend((w, m.start(), m.end()) for w in [normalise(m.group(0))] if w)
        return out

    def find(self, text: str) -> list[InstitutionMatch]:
        """Non-overlapping matches, longest and most exact first, in text order."""
        found = self._find_chinese(text) + self._find_acronyms(text)
        words = self._words(text)
        found += self._find_exact(text, words)
        if self._fuzzy_names:
            found += self._find_fuzzy(text, words)
        chosen: list[InstitutionMatch] = []
        rank = {"exact": 0, "chinese": 0, "acronym": 1, "fuzzy": 2}
        for m in sorted(found, key=lambda m: (rank[m.method], -(m.end - m.start), -m.score)):
            overlaps = any(m.start < c.end and c.start < m.end for c in chosen)
            same = any(c.institution is m.institution for c in chosen)
            if not overlaps and not same:
                chosen.append(m)
        return sorted(chosen, key=lambda m: m.start)

    def _find_chinese(self, text: str) -> list[InstitutionMatch]:
        out = []
        for name, i in self._chinese.items():
            for m in re.finditer(re.escape(name), text):
                out.append(InstitutionMatch(self.institutions[i], name, 100.0, m.start(), m.end(), "chinese"))
        return out

    def _find_acronyms(self, text: str) -> list[InstitutionMatch]:
        out = []
        for m in re.finditer(r"(?<![\w-])[A-Z][A-Z0-9&\-]{1,7}(?![\w-])", text):
            i = self._acronyms.get(m.group(0))
            if i is not None:
                out.append(InstitutionMatch(self.institutions[i], m.group(0), 100.0, m.start(), m.end(), "acronym"))
        return out

    def _spans(self, words, n):
        for a in range(len(words) - n + 1):
            yield " ".join(w for w, _, _ in words[a : a + n]), words[a][1], words[a + n - 1][2]

    def _find_exact(self, text, words) -> list[InstitutionMatch]:
        out = []
        for n in range(1, self._max_words + 1):
            for phrase, s, e in self._spans(words, n):
                i = self._exact.get(phrase)
                if i is not None:
                    out.append(InstitutionMatch(self.institutions[i], text[s:e], 100.0, s, e, "exact"))
        return out

    def _find_fuzzy(self, text, words) -> list[InstitutionMatch]:
        from rapidfuzz import fuzz, process

        out = []
        for n in range(2, self._max_words + 2):
            for phrase, s, e in self._spans(words, n):
                if not _distinctive(phrase):
                    continue
                hit = process.extractOne(phrase, self._fuzzy_names, scorer=fuzz.ratio,
                                         score_cutoff=self.fuzzy_threshold)  # fmt: skip
                if hit is None:
                    continue
                name, score, _ = hit
                own, theirs = _distinctive(phrase), _distinctive(name)
                if not own or any(max(fuzz.ratio(t, o) for o in own) < 80 for t in theirs):
                    continue  # a distinctive word differs ("Karlsruhe" vs "Harbin"): another institution
                out.append(InstitutionMatch(self.institutions[self._exact[name]], text[s:e], score, s, e, "fuzzy"))
        return out
