"""The one error ingest reports per bad file."""


class LoadError(Exception):
    """A file that cannot be ingested; the message is the one-line reason."""
