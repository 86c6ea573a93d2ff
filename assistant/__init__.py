"""coopguide: cited answers on cooperating safely with international partners."""

from assistant.service import Assistant, build_assistant
from assistant.settings import Settings, load_settings
from assistant.types import Answer, Chunk, Citation, Document, Passage, Section, Turn

__version__ = "0.1.0"
__all__ = ["Answer", "Assistant", "Chunk", "Citation", "Document", "Passage", "Section", "Settings",
           "Turn", "build_assistant", "load_settings", "__version__"]  # fmt: skip
