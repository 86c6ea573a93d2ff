"""Web: the gradio chat and advisor tab, a second client of the Assistant, mounted at `/` on the API app."""

from assistant.web.server import create_server_app, serve

__all__ = ["create_server_app", "serve"]
