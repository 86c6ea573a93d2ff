"""Language detection (de/en) and text normalisation for keyword search — pure functions."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_DE = frozenset(
    (
        "der die das und ist nicht ein eine einer eines einem einen mit für auf dem den des sich auch von "
        "zu im bei wie was wir ich sie es oder wenn muss kann darf werden wird sind über nach aus noch "
        "nur als dass daß zur zum einer unser unsere welche welcher gibt sollte brauche mein meine durch "
        "gegen ohne unter vor zwischen diese dieser dieses haben hat hatte wurde wurden wer wo wann warum "
        "wieso darf dürfen muss müssen können soll sollen man beim vom ins am um bis doch schon ob mich mir "
        "uns euch ihr ihm ihn ihnen eines kein keine nicht nichts etwas sein seine genau gilt geht bitte "
    ).split()
)
_EN = frozenset(
    (
        "the and is are not a an of to in for on with by from that this it as be can may must should what "
        "which who how do does my our we i you they their there have has had was were will would if or at "
        "any about into than then them these those under between without through "
    ).split()
)
_DE_SUFFIXES = ("ung", "ungen", "keit", "heit", "lich", "isch", "schaft", "chen", "igung")
_EN_SUFFIXES = ("tion", "ing", "ment", "ness", "ity", "ship", "ally")
# Character trigrams most typical of German and of English prose (measured on the corpus notes); they
# decide short keyword queries without stop words ("Sanktionen Russland").
_DE_TRIGRAMS = frozenset(
    (
        "en |ung|sch|ie | de|der|er |die|ich|ein| di| un|und|che| ei|cht|gen| au| ve|ten|eit|nen| zu| vo|"
        "isc|it |rsc| da|ver|ine|ng |ngs|ste| fü|chu|aus|den|nge|für|ür |hen|lle|ter|nde|ell|ht |das|len|"
        "ne |tun| be| ko|mit|ors|auf|run|ert| ge|rde|te |hun|von|sen|sse|ier|ber|haf|ach|one| er| mi| ni|"
        "rag|nte|lic|aft|tel|nun|cha|rdn|des|kon|dnu| we|bei|nac|ror|lun|tli|ero| od|sic|eru|ren|iss|em |"
        "lan|nsc|im |erh|änd|ode|ens|oll|ben|ale|zu |vor|rei|wis|tsc|nd |ege|uf |chs|nkt|hei|ene|rte|lt |"
        "erb|htu|ric|gel| al|kei|ges| si|ech|chl|tet|rst|gun|kti|wei|inr|nri|ord|fen|hre|zun|ner|etz| im|"
        "hme|lei|kom|ige|ag |tzu"
    ).split("|")
)
_EN_TRIGRAMS = frozenset(
    (
        " th|the|he |ion|on | re| co|tio|ed | an| of|and|of |es |ing|al |or |ce |res|ns |ati|ts |nce| in|"
        " a |ear|ons|arc| to|sea| on|an |rch|con|to |ty |ese| no|ity| as|ent|anc|ted|com|cti|nt | wh| or|"
        "ry | fo|th |men|enc|is | ex|ith|wit|ect|ate|din|for| ca|re |ies| su|lat|sec| it|ly |iti|ice|rs |"
        "not|cou|ive| li| se|oun|tit|se | pr|ula|sti|cur|tic|ic |tha|gul|at |ica|egu| ar|fic| ac|ct |ecu|"
        "ot |pro|man|por|eco|act|ary| s |uri|dat|inc|ces|hat|ld |reg|ain| po|rma|are|sia|ame| by|by |use|"
        "omm|cal|oul|uld|nci|nti| ad| tr|cle|tut|sit|rit|can|ove|int|cat|ssi|nct|rti| pa| fr|ide|nst|ve |"
        "coo|nts|eve|ifi| ch|icl"
    ).split("|")
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def detect_language(text: str, default: str = "en") -> str:
    """Return 'de' or 'en' by stop-word counts, umlauts as a tie-breaker."""
    tokens = words(text)
    de = sum(t in _DE for t in tokens) + 0.5 * len(re.findall(r"[äöüß]", text.lower()))
    de += 0.5 * sum(t.endswith(_DE_SUFFIXES) for t in tokens)
    en = sum(t in _EN for t in tokens) + 0.5 * sum(t.endswith(_EN_SUFFIXES) for t in tokens)
    if de == en:
        grams = [f" {t} "[i : i + 3] for t in tokens for i in range(len(t))]
        de, en = sum(g in _DE_TRIGRAMS for g in grams), sum(g in _EN_TRIGRAMS for g in grams)
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


_LOCAL = threading.local()


def _stemmer(language: str):
    """One stemmer per thread and language: snowballstemmer objects keep state while stemming, so a
    shared instance breaks under concurrent requests."""
    import snowballstemmer

    cache = _LOCAL.__dict__.setdefault("stemmers", {})
    if language not in cache:
        cache[language] = snowballstemmer.stemmer("german" if language == "de" else "english")
    return cache[language]


# Exact terms such as "2021/821", "5A002", "Art. 4" and "§ 50" are kept whole as extra tokens.
_CODE = re.compile(r"\b\d{1,4}/\d{2,4}\b|\b\d[A-E]\d{3}\b|\b[A-Z]{2,6}\d*\b", re.UNICODE)
_ARTICLE = re.compile(r"\b(art(?:ikel|icle)?|§)\.?\s*(\d+[a-z]?)", re.I)


@lru_cache(maxsize=200_000)
def _stems(word: str) -> tuple[str, ...]:
    """German and English stems of one word (cached: stemming dominates answer time otherwise)."""
    de_stem = fold(_stemmer("de").stemWord(word))
    en_stem = _stemmer("en").stemWord(fold(word))
    return (de_stem,) if en_stem == de_stem else (de_stem, en_stem)


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
        tokens.extend(_stems(word))
    tokens += [m.group(0).lower() for m in _CODE.finditer(text)]
    tokens += [f"art{m.group(2).lower()}" for m in _ARTICLE.finditer(text)]
    return tokens
