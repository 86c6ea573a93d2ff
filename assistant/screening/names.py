"""Name normalisation shared by the register loader and the matcher — a pure function."""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str) -> str:
    """Case, diacritics and punctuation insensitive form ('Ü' → 'u', '&' → 'and')."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss").replace("&", " and "))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", text))
