"""Answer: the evidence gate, extractive answers with [n] citations, citation checks, and the optional
LLM answerer whose sentences are shown only after they pass the grounding check (answer/llm/)."""

from assistant.answer.citations import citation_problems, cited_numbers
from assistant.answer.extractive import extractive_answer

__all__ = ["citation_problems", "cited_numbers", "extractive_answer"]
