"""Who is using the web UI: the principal the gate decided, handed over by gradio's auth hook."""

from assistant.api.access import AccessDenied, Principal


def principal_of(request) -> Principal:
    return Principal.from_token(getattr(request, "username", None))


def admitted(services, request, cost: int = 1) -> Principal:
    """The caller, counted against the shared rate limit; raises AccessDenied like the API would."""
    who = principal_of(request)
    wait = services.limiter.check(who.client, cost)
    if wait is not None:
        raise AccessDenied(429, f"rate limit exceeded; try again in {int(wait)} s")
    return who
