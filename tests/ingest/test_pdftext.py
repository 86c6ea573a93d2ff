"""PDF text cleaning (ligatures, hyphenation, spaces) and pypdf's messages in our log, on real generated PDFs."""

import logging
import os
import re
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest

from assistant.ingest.pdftext import clean_pdf_text, pypdf_messages_logged
from tests.corpus_factory import misplaced_xref_pdf, write_pdf

ROOT = Path(__file__).resolve().parents[2]
MB = 1_000_000


@pytest.mark.parametrize("raw,clean", [
    ("Deﬁnition, Kooperationsﬂächen, Aﬀäre, Oﬃce, Eﬄeurage, Poﬅ, Geﬆalt", "Definition, Kooperationsflächen, Affäre, Office, Effleurage, Post, Gestalt"),
    ("Koopera\u00adtion und Export\u00ad\nkontrolle", "Kooperation und Exportkontrolle"),  # soft hyphen, also at a line end
    ("die Koopera-\ntion mit", "die Kooperation mit"),  # a word broken by the typesetter
    ("die Koopera- \n  tion mit", "die Kooperation mit"),  # spaces between the hyphen and the line break
    ("Güter mit Dual-\nUse-Charakter", "Güter mit Dual-Use-Charakter"),  # the hyphen belongs to the compound
    ("die Jahre 2021-\n2023", "die Jahre 2021-2023"),
    ("Forschungs-\nund Lehrfreiheit", "Forschungs- und Lehrfreiheit"),  # a shortened compound keeps its hyphen
    ("a\u00a0b\u202fc\u2009d", "a b c d"),  # no-break, narrow no-break and thin spaces
    ("zu  viele \t Leerzeichen  \n  am Rand ", "zu viele Leerzeichen\nam Rand"),
    ("Zeile eins\r\nZeile zwei", "Zeile eins\nZeile zwei"),
    ("Pru\u0308fung", "Prüfung"),  # letter plus combining mark is composed
    ("Erste-\n\nzweite", "Erste-\n\nzweite"),  # a paragraph break is no line-end hyphenation
])  # fmt: skip
def test_clean_pdf_text(raw, clean):
    assert clean_pdf_text(raw) == clean


def test_german_text_and_meaningful_compatibility_forms_are_unchanged():
    text = "Größe, Übermaß, äöüß ÄÖÜ „Zitat“ ‚halb‘ § 5 Abs. 2 – Gedankenstrich — 10 € ½ Art. 4¹ m² CO₂ Brand™ 1º"
    assert clean_pdf_text(text) == text
    assert len(clean_pdf_text("Pru\u0308fung")) == len("Prüfung")


def _ligature_pdf(path: Path) -> None:
    write_pdf(path, ["Deﬁnition der Kooperationsﬂächen für Güter mit Dual-\nUse-Charakter und die Koopera-\n"
                     "tion mit Partnern in der Exportkon\u00adtrolle."], unicode_font=True)  # fmt: skip


def test_pdf_with_ligatures_reads_as_plain_words_and_is_found_by_keyword(tmp_path):
    from pypdf import PdfReader

    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.loaders import load_document
    from assistant.store.keywords import BM25Index

    _ligature_pdf(tmp_path / "l.pdf")
    raw = PdfReader(tmp_path / "l.pdf").pages[0].extract_text()
    assert "\ufb01" in raw and "\ufb02" in raw and "\u00ad" in raw  # the PDF really holds what is cleaned
    text = load_document(tmp_path / "l.pdf", MB).sections[0].text
    assert "Definition der Kooperationsflächen" in text and "Dual-Use-Charakter" in text
    assert "Kooperation mit Partnern in der Exportkontrolle." in text
    assert not re.search("[\ufb00-\ufb06\u00ad]", text)
    chunks = chunk_document(load_document(tmp_path / "l.pdf", MB))
    index = BM25Index.build(chunks)
    for query in ("Definition", "Exportkontrolle", "Dual-Use"):
        assert index.search(query, 3), query


def test_pypdf_warnings_are_logged_under_the_file_name_not_printed(tmp_path, caplog, capfd):
    from assistant.ingest.loaders import load_document

    misplaced_xref_pdf(tmp_path / "broken.pdf")
    with caplog.at_level(logging.DEBUG):
        doc = load_document(tmp_path / "broken.pdf", MB)
    assert len(doc.sections) == 3  # still read
    ours = [r for r in caplog.records if r.name.startswith("assistant.ingest")]
    assert ours and all(r.getMessage().startswith(f"{tmp_path / 'broken.pdf'}: pypdf: ") for r in ours)
    assert any("Ignoring wrong pointing object" in r.getMessage() for r in ours)
    assert len(ours) <= 11 and all(r.levelno == logging.INFO for r in ours)  # capped, and the file was read
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # nothing reached the root unnamed
    assert capfd.readouterr() == ("", "")
    assert logging.getLogger("pypdf").propagate and not logging.getLogger("pypdf").handlers  # restored


def test_pypdf_prints_nothing_during_ingest_without_logging_configured(tmp_path):
    """Outside pytest nothing handles the "pypdf" logger, so Python's last-resort handler used to print
    its warnings on stderr, into the progress bar."""
    misplaced_xref_pdf(tmp_path / "broken.pdf")
    script = "import sys; from pathlib import Path; from assistant.ingest.loaders import load_document; " \
             "print(len(load_document(Path(sys.argv[1]), 10**6).sections), end='')"  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "broken.pdf")], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "3", "")


def test_capture_takes_warnings_and_only_the_reading_threads_records(caplog):
    other = threading.Thread(target=lambda: logging.getLogger("pypdf._page").warning("from another thread"))
    with caplog.at_level(logging.DEBUG), pypdf_messages_logged("x.pdf"):
        logging.getLogger("pypdf._reader").warning("Object %d 0 not defined", 172)
        warnings.warn("old API", DeprecationWarning, stacklevel=1)
        other.start()
        other.join()
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("assistant.ingest.pdftext", "x.pdf: pypdf: Object 172 0 not defined") in messages
    assert ("assistant.ingest.pdftext", "x.pdf: pypdf: DeprecationWarning: old API") in messages
    assert ("pypdf._page", "from another thread") in messages  # passed on, not attributed to x.pdf
    assert not any("another thread" in m for name, m in messages if name.startswith("assistant"))
