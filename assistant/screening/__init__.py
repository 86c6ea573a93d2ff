"""Screening: institutions from the ASPI tracker, the curated register and imported official lists; their
recognition in free text; the screening block that opens an answer. Signals, never verdicts."""

from assistant.screening.block import screening_block
from assistant.screening.importers import import_list
from assistant.screening.institutions import Flag, Institution, InstitutionRegistry
from assistant.screening.matching import InstitutionMatch, InstitutionMatcher

__all__ = ["Flag", "Institution", "InstitutionMatch", "InstitutionMatcher", "InstitutionRegistry", "import_list",
           "screening_block"]  # fmt: skip
