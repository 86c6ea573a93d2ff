"""Language detection (de/en) and text normalisation for keyword search — pure functions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DE = frozenset(
    (
        "der die das und ist nicht ein eine einer eines einem einen mit für auf dem den des sich auch von "
        "zu im bei wie was wir ich sie es oder wenn muss kann darf werden wird sind über nach aus noch "
        "nur als dass daß zur zum einer unser unsere welche welcher gibt sollte brauche mein meine durch "
        "gegen ohne unter vor zwischen diese dieser dieses haben hat hatte wurde wurden "
    ).split()
)
_EN = frozenset(
    (
        "the and is are not a an of to in for on with by from that this it as be can may must should what "
        "which who how do does my our we i you they their there have has had was were will would if or at "
        "any about into than then them these those under between without through "
    ).split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def detect_language(text: str, default: str = "en") -> str:
    """Return 'de' or 'en' by stop-word counts, umlauts as a tie-breaker."""
    tokens = words(text)
    de = sum(t in _DE for t in tokens) + 0.5 * len(re.findall(r"[äöüß]", text.lower()))
    en = sum(t in _EN for t in tokens)
    if de == en:
        return default
    return "de" if de > en else "en"


def fold(token: str) -> str:
    """Case and diacritic folding: 'Übermittlung' → 'ubermittlung', 'é' → 'e', 'ß' → 'ss'.

    Base vowels (not 'ue') because the German Snowball stemmer maps umlauts the same way.
    """
    token = token.lower().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=2)
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer("german" if language == "de" else "english")


# Exact terms such as "2021/821", "5A002", "Art. 4" and "§ 50" are kept whole as extra tokens.
_CODE = re.compile(r"\b\d{1,4}/\d{2,4}\b|\b\d[A-E]\d{3}\b|\b[A-Z]{2,6}\d*\b", re.UNICODE)
_ARTICLE = re.compile(r"\b(art(?:ikel|icle)?|§)\.?\s*(\d+[a-z]?)", re.I)


def keyword_tokens(text: str) -> list[str]:
    """Tokens for BM25: folded words stemmed for German and English, plus exact codes.

    Both stemmers run because a corpus mixes languages and questions may be cross-lingual.
    """
    tokens: list[str] = []
    for word in words(text):
        if len(word) < 2 and not word.isdigit():
            continue
        if word in _DE or word in _EN:
            continue
        de_stem = fold(_stemmer("de").stemWord(word))
        en_stem = _stemmer("en").stemWord(fold(word))
        tokens.append(de_stem)
        if en_stem != de_stem:
            tokens.append(en_stem)
    tokens += [m.group(0).lower() for m in _CODE.finditer(text)]
    tokens += [f"art{m.group(2).lower()}" for m in _ARTICLE.finditer(text)]
    return tokens
