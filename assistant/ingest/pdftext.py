"""PDF text as pypdf leaves it, made fit for search: typographic forms normalised, line-end hyphenation
undone, and pypdf's own complaints routed to our log under the file's name."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

log = logging.getLogger(__name__)

# Invisible characters that split a word for the tokenizer without a visible trace.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_SOFT_HYPHEN_BREAK = re.compile("\u00ad[^\\S\n]*\n[^\\S\n]*")  # a discretionary break: always joined
_SPACES = re.compile(r"[^\S\n]+")
_LINE_END_HYPHEN = re.compile(r"(?<=\w)-\n(?=(\w+))")
# "Forschungs-\nund Lehrfreiheit": the hyphen of a shortened compound (Ergänzungsstrich) stays, with its space.
_CONJUNCTIONS = frozenset({"und", "oder", "bzw", "sowie", "and", "or"})
_MAX_MESSAGES = 10  # distinct pypdf messages logged per file; a badly broken file repeats one per object


@cache
def _kept_as_is() -> re.Pattern[str]:
    """Runs of text without superscripts, subscripts and fractions, the compatibility forms that NFKC would
    glue onto their neighbours: "Art. 4¹" → "Art. 41", "1½" → "11⁄2", "Brand™" → "BrandTM". A footnote mark
    or a wrong number is worse than a typographic form left in place (the keyword tokenizer folds them
    itself). Only the BMP is scanned (40 ms, once): the others are in scripts our corpus does not use."""
    tags = ("<super>", "<sub>", "<fraction>")
    kept = "".join(chr(c) for c in range(0x10000) if unicodedata.decomposition(chr(c)).startswith(tags))
    return re.compile(f"[^{re.escape(kept)}]+")


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    return _kept_as_is().sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _unhyphenate(match: re.Match[str]) -> str:
    word = match.group(1)
    if word in _CONJUNCTIONS:
        return "- "
    return "" if word[0].islower() else "-"  # "Koopera-\ntion" → "Kooperation", "Dual-\nUse" → "Dual-Use"


def clean_pdf_text(text: str) -> str:
    """Text extracted from a PDF page, normalised the way the words were meant to be read.

    - NFKC turns ligatures ("Deﬁnition" → "Definition") and spaces of every width (no-break, thin) into
      their plain forms, and composes umlauts a PDF gave as letter plus combining mark; German text
      (ä ö ü ß, „quotes“, §, dashes) is unchanged by it. Superscripts, subscripts and fractions are kept.
    - Soft hyphens and zero-width characters go; a soft hyphen at a line end joins the lines.
    - A hyphen at a line end is a word broken by the typesetter when the next line goes on in lower case
      ("Koopera-\\ntion" → "Kooperation"), and part of the word when it goes on in upper case or a digit
      ("Dual-\\nUse" → "Dual-Use"); before "und"/"oder" it ends a shortened compound and stays.
    - Runs of spaces and tabs collapse to one space; lines lose their leading and trailing spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _SOFT_HYPHEN_BREAK.sub("", text))
    text = _nfkc(text).replace("\u2010", "-")  # NFKC makes the non-breaking hyphen U+2011 a U+2010
    text = "\n".join(line.strip(" ") for line in _SPACES.sub(" ", text).split("\n"))
    return _LINE_END_HYPHEN.sub(_unhyphenate, text)


class _Collector(logging.Handler):
    """Keeps the messages of the thread that reads the file; another thread's records go on to the root
    logger as if the "pypdf" logger still propagated."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            logging.getLogger().handle(record)
            return
        try:
            self.messages.append(record.getMessage())
        except (TypeError, ValueError):  # pypdf passes format values; a bad pair must not break loading
            self.messages.append(str(record.msg))


_PYPDF_LOCK = threading.Lock()


@contextmanager
def pypdf_messages_logged(name: str) -> Iterator[None]:
    """While pypdf reads one file, route what it says to our log as "<name>: pypdf: <message>" (INFO).

    pypdf reports the repairs it makes ("Ignoring wrong pointing object 6 0") on its "pypdf" logger, which
    reaches the terminal through logging's last-resort handler, and deprecations through `warnings`: both
    land in the middle of ingest's progress bar without saying which file. INFO, not WARNING, because the
    file was read (a file pypdf cannot read fails with a LoadError) and coopguide configures no logging,
    so a WARNING would reach the terminal the same way. The logger's propagation and `catch_warnings` are
    process-wide, so readers take turns (the lock); pypdf holds the GIL while parsing, so little is lost.
    """
    pypdf_log = logging.getLogger("pypdf")
    collector = _Collector()
    with _PYPDF_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        propagate = pypdf_log.propagate
        pypdf_log.addHandler(collector)
        pypdf_log.propagate = False
        try:
            yield
        finally:
            pypdf_log.removeHandler(collector)
            pypdf_log.propagate = propagate
            messages = collector.messages + [f"{w.category.__name__}: {w.message}" for w in caught]
            _log_messages(name, messages)


def _log_messages(name: str, messages: list[str]) -> None:
    distinct = list(dict.fromkeys(" ".join(m.split()) for m in messages))
    for message in distinct[:_MAX_MESSAGES]:
        log.info("%s: pypdf: %s", name, message)
    if len(distinct) > _MAX_MESSAGES:
        log.info("%s: pypdf: %d more messages not logged", name, len(distinct) - _MAX_MESSAGES)
