"""Optional LLM answers: the prompt and post-check (prompt.py), the backends (llama.cpp, OpenAI-compatible,
Ollama) and the answerer that streams only checked sentences."""
