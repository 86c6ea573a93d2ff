"""Store: the embedding model (fetched from PyPI, verified), the vector store (Chroma, embedded or server),
the keyword index (BM25), the manifest that commits document versions, and answer feedback."""

from assistant.store.embedding import Embedder, embedding_text, load_embedder
from assistant.store.index import Index, IndexNotBuilt, open_index
from assistant.store.manifest import Manifest
from assistant.store.models import ModelFetchError
from assistant.store.vectors import ChromaStore, IndexModelMismatch, MemoryStore, VectorStore

__all__ = ["ChromaStore", "Embedder", "Index", "IndexModelMismatch", "IndexNotBuilt", "Manifest", "MemoryStore",
           "ModelFetchError", "VectorStore", "embedding_text", "load_embedder", "open_index"]  # fmt: skip
