"""Advisor: a structured, sourced assessment of a planned cooperation (partner, country and binding law,
field, type, measures), exported as Markdown or DOCX for advisers drafting recommendations."""

from assistant.advisor.assessment import REQUESTERS, TYPES, Assessment, AssessmentRequest, Assessor
from assistant.advisor.render import to_docx, to_markdown

__all__ = ["REQUESTERS", "TYPES", "Assessment", "AssessmentRequest", "Assessor", "to_docx", "to_markdown"]
