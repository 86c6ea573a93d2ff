"""Fixed phrases of the assessment, German and English."""

TEXT = {
    "de": {
        "title": "Empfehlungsentwurf: geplante Kooperation mit {p}",
        "partner": "1. Partner: {p}",
        "country": "2. Land und verbindliches Recht: {c}",
        "field_title": "3. Fachgebiet: {f}",
        "type": "4. Art der Kooperation: {l}",
        "measures": "5. Empfohlene Maßnahmen, offene Fragen und Ansprechstellen",
        "tracker": "{name} steht im ASPI China Defence Universities Tracker (Kategorien: {cats}); das ist ein Hinweis "
        "auf Verbindungen zu Militär oder Sicherheitsapparat, keine rechtliche Einstufung.",
        "tracker_query": "ASPI China Defence Universities Tracker: Verbindungen chinesischer Hochschulen zu Militär "
        "und Verteidigung",
        "flag": "{label} (Stand {as_of}, {certainty}): {detail}",
        "confirmed": "bestätigt",
        "uncertain": "unsicher",
        "conflict": "Quellen widersprechen sich: {c}",
        "no_signals": "In den geladenen Listen wurden keine Hinweise zu diesem Partner gefunden — das ist keine "
        "Unbedenklichkeitsbescheinigung; die aktuellen Sanktions- und Exportkontrolllisten sind am Tag der "
        "Entscheidung zu prüfen.",
        "field": "{label} (Anhang I, mögliche Kategorien: {cats}):",
        "no_field": "Das Fachgebiet passt zu keinem Eintrag der Stichworttabelle; auch dann kann Technologie "
        "gelistet sein — die Exportkontrollstelle entscheidet.",
        "law": "verbindliches Recht",
        "guidance": "Leitlinie",
        "level": {"low": "gering", "elevated": "erhöht", "high": "hoch"},
        "summary": "Übersicht der Aufmerksamkeitsstufen",
        "dimension": "Dimension",
        "attention": "Aufmerksamkeit",
        "overall": "Gesamt",
        "requester": "Anfragende Stelle",
        "date": "Datum",
        "funding": "Finanzierung",
        "data": "Daten",
        "sources": "Quellen",
        "as_of": "Stand",
        "row_source": "Tabellenquelle",
        "disclaimer": "Hinweis: Dieser Entwurf fasst Hinweise aus öffentlichen Listen und nicht verbindlichen "
        "Leitlinien zusammen; er ist keine rechtliche Entscheidung. Verbindlich entscheiden die "
        "Exportkontrollstelle der Einrichtung und das BAFA; Listen sind am Tag der Entscheidung erneut zu prüfen.",
    },
    "en": {
        "title": "Draft recommendation: planned cooperation with {p}",
        "partner": "1. Partner: {p}",
        "country": "2. Country and binding law: {c}",
        "field_title": "3. Research field: {f}",
        "type": "4. Type of cooperation: {l}",
        "measures": "5. Recommended measures, open questions and contacts",
        "tracker": "{name} is listed in the ASPI China Defence Universities Tracker (categories: {cats}); this signals "
        "links to the military or security apparatus and is not a legal classification.",
        "tracker_query": "ASPI China Defence Universities Tracker: links of Chinese universities to the military "
        "and defence",
        "flag": "{label} (as of {as_of}, {certainty}): {detail}",
        "confirmed": "confirmed",
        "uncertain": "uncertain",
        "conflict": "Sources conflict: {c}",
        "no_signals": "No signals about this partner were found in the loaded lists — this is not a clearance; check "
        "the current sanctions and export-control lists on the day of the decision.",
        "field": "{label} (Annex I, possible categories: {cats}):",
        "no_field": "The field matches no entry of the keyword table; technology may still be listed — the "
        "export-control officer decides.",
        "law": "binding law",
        "guidance": "guidance",
        "level": {"low": "low", "elevated": "elevated", "high": "high"},
        "summary": "Summary of attention levels",
        "dimension": "Dimension",
        "attention": "Attention",
        "overall": "Overall",
        "requester": "Requested by",
        "date": "Date",
        "funding": "Funding",
        "data": "Data",
        "sources": "Sources",
        "as_of": "as of",
        "row_source": "Table source",
        "disclaimer": "Note: this draft summarises signals from public lists and non-binding guidance; it is not a "
        "legal decision. The institution's export-control office and BAFA decide; check the lists again on the "
        "day of the decision.",
    },
}
