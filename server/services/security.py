"""Access token and callback URL checks.

The token is compared in constant time (`hmac.compare_digest`). A callback must be an http(s)
URL whose host is in `callback_allowlist` (`*` allows any host); it is checked before the script
runs, so a bad callback costs nothing.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from ..errors import ApiError

CALLBACK_SCHEMES = ("http", "https")


def token_matches(expected: str, given: str | None) -> bool:
    """Whether `given` is the expected token (constant-time comparison)."""
    if given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def require_token(expected: str, given: str | None) -> None:
    """Raise 401 unless `given` is the expected token (no token configured: anyone passes)."""
    if not expected:
        return
    if not token_matches(expected, given):
        raise ApiError(
            401,
            "unauthorized",
            "a valid access token is required (header `Authorization: Bearer …` "
            "or parameter access_token)",
            headers={"WWW-Authenticate": "Bearer"},
        )


def validate_callback(url: str, allowlist: list[str]) -> None:
    """Raise 400 unless `url` is http(s) and its host is allow-listed."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as err:
        raise ApiError(400, "invalid_callback", f"callback URL is malformed: {err}") from None
    if parts.scheme.lower() not in CALLBACK_SCHEMES:
        raise ApiError(400, "invalid_callback", "callback URL must use http or https")
    if not host:
        raise ApiError(400, "invalid_callback", "callback URL has no host")
    allowed = {h.lower() for h in allowlist}
    if "*" not in allowed and host not in allowed:
        raise ApiError(
            400,
            "callback_not_allowed",
            f"callback host '{host}' is not in the server's callback_allowlist",
        )
