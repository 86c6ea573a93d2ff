"""Writes the small real test corpus (Markdown, HTML, DOCX, PDF) that the tests index."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

NOTES = {
    "export-control-en.md": """---
id: t-export-en
title: Export control basics for laboratories
language: en
publisher: Test Office
source_urls: [https://example.org/export]
published: "2021-05-20"
as_of: "2026-11-25"
jurisdiction: EU
topics: [export-control, dual-use]
---
# Export control basics for laboratories

## Listed items
Regulation (EU) 2021/821 controls the export of dual-use items listed in Annex I of the regulation.
Annex I is divided into ten categories, from category 0 for nuclear materials to category 9 for aerospace.
Encryption items such as those under entry 5A002 are listed in category 5, part 2, on information security.

## Catch-all clause
Art. 4 of the regulation lets the authority require a licence for unlisted items intended for weapons of mass destruction.
A laboratory that knows of such an intended use must inform the licensing authority before exporting.

## Who decides
In Germany the Federal Office for Economic Affairs and Export Control (BAFA) decides on licences.
Every research institution should name an export-control officer who answers questions from researchers.
""",
    "dfg-de.md": """---
id: t-dfg-de
title: DFG-Empfehlungen zu Risiken
language: de
publisher: Testamt
source_urls: [https://example.org/dfg]
published: "2023-09"
jurisdiction: DE
topics: [research-security, funding-rules]
---
# DFG-Empfehlungen zu Risiken

## Keine roten Linien
Die Deutsche Forschungsgemeinschaft zieht keine allgemeinen roten Linien für Länder oder Themen.
Die DFG erwartet stattdessen eine Abwägung der Risiken im Einzelfall durch die Forschenden.

## Was der Antrag enthalten soll
Missbrauchsrisiken und der geplante Umgang mit ihnen sollen im Antrag ausdrücklich beschrieben werden.
Gutachterinnen und Gutachter nutzen die Empfehlungen bei der Bewertung von Anträgen über Kooperationen.
""",
    "sanktionen-de.md": """---
id: t-sanktionen-de
title: Sanktionen gegen Russland und die Forschung
language: de
publisher: Testamt
source_urls: [https://example.org/sanktionen]
jurisdiction: EU
topics: [sanctions, russia]
visibility: public
---
# Sanktionen gegen Russland und die Forschung

## Eingefrorene Zusammenarbeit
Die Wissenschaftsorganisationen haben im Februar 2022 die Zusammenarbeit mit staatlichen russischen Einrichtungen eingefroren.
Persönliche Kontakte zu einzelnen russischen Forschenden bleiben nach Auskunft vieler Hochschulen möglich.

## Vermögenssperre
Gelisteten Personen und Organisationen dürfen weder Gelder noch wirtschaftliche Ressourcen zur Verfügung gestellt werden.
""",
    "internal-de.md": """---
id: t-internal-de
title: Interner Vermerk Projekt Nordlicht
language: de
visibility: internal
---
# Interner Vermerk Projekt Nordlicht

## Vertraulich
Der interne Vermerk zum Projekt Nordlicht empfiehlt, die Kooperation mit dem Partner im Quartal zu überprüfen.
Projekt Nordlicht ist nur für die Beratungsstelle bestimmt und darf nicht öffentlich angezeigt werden.
""",
    "payload-en.md": """---
id: t-payload-en
title: "Payload note <img src=x onerror=alert(1)> [Phish title](https://phish.example/title) ![tp](http://127.0.0.1:9/titlepixel)"
publisher: "<b>BAFA</b> ![pp](//127.0.0.1:9/pubpixel)"
source_url: "https://ok.example/y) ![up](http://127.0.0.1:9/urlpixel) [Phish url](https://phish.example/url) ("
language: en
---
# Payload note

## Embedded markup
The zebra crossing guideline says <script>window.__pwned = 1</script> visitors must register at reception.
The zebra crossing guideline also says <img src=x onerror="window.__pwned = 2"> badges are collected at the exit.
The zebra crossing guideline tells visitors to log in at [the BAFA portal](//phish.example/bafa-login) before the visit.
The zebra crossing guideline shows its status badge ![status](//127.0.0.1:9/bodypixel) to visitors at the gate.
""",
}

HTML = """<!doctype html><html lang="en"><head><title>Hosting guest researchers</title>
<script>alert('x')</script><style>p{color:red}</style></head><body>
<h1>Hosting guest researchers</h1>
<h2>Technical assistance</h2>
<p>Teaching a visiting researcher from a third country how to use listed technology can be technical assistance.</p>
<p>A visa for the guest does not replace an export licence when one is needed.</p>
<h2>Deemed re-export</h2>
<p>Sharing US-origin controlled technology with a foreign national in Germany can be a deemed re-export under US rules.</p>
</body></html>"""

PDF_PAGES = [
    "Leitfaden für Kooperationen. Seite eins behandelt die Prüfung von Partnern in Übersee.",
    "Die Exportkontrollbeauftragte prüft Güterlisten und Embargos für jede geplante Ausfuhr.",
    "Page three explains that basic scientific research is exempt from technology controls.",
]


def write_pdf(path: Path, pages: list[str], encrypt: str | None = None, unicode_font: bool = False) -> None:
    """Pages wrapped at 80 characters; a newline in a page's text forces a line break. `unicode_font` embeds
    Bitstream Vera (shipped with reportlab) for glyphs the standard fonts lack, such as the ligatures ﬁ ﬂ."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Leitfaden Partnerprüfung")
    font = _vera() if unicode_font else None
    for text in pages:
        y = 800
        if font:
            c.setFont(font, 12)
        for line in (wrapped for part in text.split("\n") for wrapped in textwrap.wrap(part, 80)):
            c.drawString(50, y, line)
            y -= 14
        c.showPage()
    c.save()
    if encrypt:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(str(path)))
        writer.encrypt(user_password=encrypt, owner_password=encrypt + "-owner")
        with path.open("wb") as fh:
            writer.write(fh)


def misplaced_xref_pdf(path: Path) -> None:
    """Every xref offset three bytes off: pypdf logs "Ignoring wrong pointing object", finds the objects
    by scanning, and reads the file."""
    write_pdf(path, PDF_PAGES)
    data = path.read_bytes()
    start = data.rindex(b"\nxref")
    table = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 3), data[start:])
    path.write_bytes(data[:start] + table)


def _vera() -> str:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")))
    return "Vera"


def write_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Datenaustausch mit Partnern"
    d.add_heading("Datenaustausch mit Partnern", level=0)
    d.add_heading("Datenschutz", level=1)
    d.add_paragraph("Vor dem Austausch personenbezogener Daten mit Partnern im Ausland ist der Datenschutz zu prüfen.")
    d.add_heading("Chinesische Datengesetze", level=1)
    d.add_paragraph(
        "Chinesische Datengesetze erschweren die Übermittlung von in China erhobenen Daten nach Deutschland."
    )
    d.save(str(path))


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "hosting.html").write_text(HTML, encoding="utf-8")
    write_pdf(folder / "leitfaden.pdf", PDF_PAGES)
    write_docx(folder / "daten.docx")
    return folder
