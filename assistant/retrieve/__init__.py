"""Retrieve: dense retrieval with a BM25 boost for exact terms, metadata filters applied inside retrieval,
adjacent chunks merged, and follow-up questions expanded with the conversation's subject."""

from assistant.retrieve.followup import expand_question
from assistant.retrieve.retrieval import Filters, Retriever

__all__ = ["Filters", "Retriever", "expand_question"]
