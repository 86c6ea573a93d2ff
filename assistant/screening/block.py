"""The screening block that opens an answer naming an institution — pure rendering."""

from __future__ import annotations

from assistant.screening.matching import InstitutionMatch

TEXT = {
    "de": {
        "head": "Prüfhinweise zu {name}",
        "matched": "erkannt als „{m}“",
        "tracker": "ASPI China Defence Universities Tracker: Kategorien {cats}; Aufsicht {sup}.",
        "flag": "{label} ({certainty}, Stand {as_of}): {detail}",
        "confirmed": "bestätigt",
        "uncertain": "unsicher",
        "conflict": "Widerspruch in den Quellen: {c}",
        "none": "Keine Einträge in den geladenen Listen gefunden; das ist keine Unbedenklichkeitsbescheinigung.",
        "disclaimer": (
            "Das sind Hinweise aus öffentlichen Quellen, keine Entscheidung. Prüfen Sie die aktuellen Listen "
            "(EU-Sanktionskarte, Consolidated Screening List auf trade.gov) und beziehen Sie die "
            "Exportkontrollbeauftragten Ihrer Einrichtung ein."
        ),
        "unknown": "unbekannt",
    },
    "en": {
        "head": "Screening signals for {name}",
        "matched": "matched as “{m}”",
        "tracker": "ASPI China Defence Universities Tracker: categories {cats}; supervised by {sup}.",
        "flag": "{label} ({certainty}, as of {as_of}): {detail}",
        "confirmed": "confirmed",
        "uncertain": "uncertain",
        "conflict": "Sources conflict: {c}",
        "none": "No entries found in the loaded lists; this is not a clearance.",
        "disclaimer": (
            "These are signals from public sources, not verdicts. Check the live lists (EU Sanctions Map, "
            "trade.gov Consolidated Screening List) and involve your institution's export-control officer."
        ),
        "unknown": "unknown",
    },
}


def screening_block(matches: list[InstitutionMatch], language: str) -> str:
    """A Markdown blockquote: every line names its source; the block ends with the disclaimer."""
    if not matches:
        return ""
    t = TEXT[language if language in TEXT else "en"]
    lines: list[str] = []
    for m in matches:
        inst = m.institution
        lines.append(f"> **{t['head'].format(name=inst.name)}** ({t['matched'].format(m=m.matched_text)})")
        if inst.origin == "tracker" or inst.tracker_url:
            cats = ", ".join(inst.categories) or t["unknown"]
            sup = ", ".join(inst.supervising_agencies) or t["unknown"]
            lines.append(f"> - {t['tracker'].format(cats=cats, sup=sup)} {inst.tracker_url or ''}".rstrip())
        for f in inst.flags:
            label, detail, conflict = f.texts(language)
            line = t["flag"].format(label=label, certainty=t.get(f.certainty, f.certainty),
                                    as_of=f.as_of or t["unknown"], detail=detail)  # fmt: skip
            if conflict:
                line += " " + t["conflict"].format(c=conflict)
            lines.append(f"> - {line} {f.url or ''}".rstrip())
        if not inst.flags and not inst.tracker_url:
            lines.append(f"> - {t['none']}")
    lines.append(f"> {t['disclaimer']}")
    return "\n".join(lines)
