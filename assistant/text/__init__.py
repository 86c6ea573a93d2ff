"""Text: language detection (de/en), keyword tokens for BM25 and sentence splitting — pure functions that
every stage shares."""

from assistant.text.language import detect_language, fold, keyword_tokens, words
from assistant.text.sentences import split_sentences

__all__ = ["detect_language", "fold", "keyword_tokens", "split_sentences", "words"]
