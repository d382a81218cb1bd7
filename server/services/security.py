"""Who is asking, and what they may see: tokens → owners, the acting owner, callback URLs.

Identities. The server knows owners by their tokens: `server.tokens` (or the TOML file named by
`server.tokens_file`) maps each owner to the SHA-256 of its token(s) (`mlsql token hash`); the
tokens themselves are never stored. Owners in `server.admins` have the admin role. The legacy
single `server.access_token` identifies `server.access_token_owner` ("admin") as an admin, so
old clients keep working. A request acts only as its token's owner: an `owner` parameter naming
someone else is refused (403, rule `owner_mismatch`) unless the token is an admin's. Without any
token configured the server trusts its callers (it listens on loopback only, `mlsql serve`
enforces that): a request acts as the `owner` it names, with the admin role.

Tokens are compared as digests with `hmac.compare_digest`, against every entry (no early exit).
A callback must be an http(s) URL whose host is in `callback_allowlist` (`*` allows any host);
it is checked before the script runs, so a bad callback costs nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mlsql.engine.sandbox.roots import valid_owner

from ..errors import ApiError

if TYPE_CHECKING:
    from mlsql.config import ServerSettings

CALLBACK_SCHEMES = ("http", "https")
DEFAULT_OWNER = "admin"
HASH_PREFIX = "sha256:"


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token, as `server.tokens` stores it."""
    return hashlib.sha256(token.encode()).hexdigest()


def _digest(stored: str, owner: str) -> bytes:
    """The 32 bytes of a stored token hash (`<hex>` or `sha256:<hex>`)."""
    text = stored.strip().lower().removeprefix(HASH_PREFIX)
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError(
            f"server.tokens[{owner!r}] is not a SHA-256 hex digest (make one with `mlsql token hash`)"
        )
    return raw


@dataclass(frozen=True)
class Identity:
    """Who a request is: its owner, whether an admin, whether a token proved it."""

    owner: str
    admin: bool = False
    authenticated: bool = True

    def may_act_for(self, owner: str) -> bool:
        """Whether this identity may run, see or cancel `owner`'s things."""
        return self.admin or owner == self.owner


class TokenTable:
    """Token digests by owner, and the admin owners."""

    def __init__(self, entries: list[tuple[str, bytes]], admins: set[str]) -> None:
        self._entries = entries
        self.admins = admins

    @property
    def enabled(self) -> bool:
        """Whether any token is configured (else the server trusts loopback callers)."""
        return bool(self._entries)

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> TokenTable:
        """The table of `server.tokens`, `server.tokens_file` and the legacy access token.

        Raises:
            ValueError: a stored hash is malformed, an owner name invalid, the file unreadable.
        """
        tokens: dict[str, Any] = dict(settings.tokens)
        admins = set(settings.admins)
        if settings.tokens_file:
            data = tomllib.loads(Path(settings.tokens_file).read_text())
            tokens.update(data.get("tokens", {}))
            admins.update(data.get("admins", []))
        entries: list[tuple[str, bytes]] = []
        for owner, stored in tokens.items():
            if not valid_owner(owner):
                raise ValueError(f"server.tokens: {owner!r} cannot be an owner name")
            for one in [stored] if isinstance(stored, str) else list(stored):
                entries.append((owner, _digest(str(one), owner)))
        if settings.access_token:
            legacy = settings.access_token_owner
            entries.append((legacy, hashlib.sha256(settings.access_token.encode()).digest()))
            admins.add(legacy)
        return cls(entries, admins)

    def identify(self, token: str | None) -> Identity | None:
        """The identity a token proves, or None (compared against every entry)."""
        if not token:
            return None
        given = hashlib.sha256(token.encode()).digest()
        found: str | None = None
        for owner, digest in self._entries:
            if hmac.compare_digest(given, digest) and found is None:
                found = owner
        if found is None:
            return None
        return Identity(found, admin=found in self.admins)


def trusted_identity(named: Any) -> Identity:
    """Who a request is when no tokens are configured: loopback callers are trusted (admin)
    and act as the owner they name (``owner``), else the default owner."""
    return Identity(str(named) if named else DEFAULT_OWNER, admin=True, authenticated=False)


def one_token(header: str | None, query: str | None, field: Any) -> str | None:
    """The one token a request carries, from the Bearer header's credentials, the
    ``access_token`` query parameter or body field; None for none.

    Raises:
        ApiError: 401 when it carries different tokens.
    """
    candidates = {t for t in (header, query, field if isinstance(field, str) else None) if t}
    if len(candidates) > 1:
        raise unauthorized("the request carries different tokens")
    return next(iter(candidates), None)


def unauthorized(message: str = "") -> ApiError:
    """401 with the Bearer challenge; the message names the rule."""
    text = message or (
        "a valid access token is required (header `Authorization: Bearer …` "
        "or parameter access_token)"
    )
    return ApiError(
        401,
        "unauthorized",
        f"{text} (rule 'token_required')",
        headers={"WWW-Authenticate": "Bearer"},
    )


def acting_owner(identity: Identity, requested: Any) -> str:
    """The owner a request acts as: its token's, or the one it names when allowed.

    Raises:
        ApiError: 403 `owner_mismatch` naming someone else without the admin role; 400 for an
            owner name that cannot be one.
    """
    if requested is None or requested == "":
        return identity.owner
    owner = str(requested)
    if not identity.may_act_for(owner):
        raise ApiError(
            403,
            "owner_mismatch",
            f"forbidden by rule 'owner_mismatch': this token acts only as owner "
            f"'{identity.owner}', not '{owner}' (only admins may act for other owners)",
        )
    if identity.authenticated and not valid_owner(owner):
        raise ApiError(400, "invalid_request", f"owner {owner!r} is not a valid owner name")
    return owner


def not_visible(kind: str, key: str) -> ApiError:
    """404 for something of another owner (its existence is not revealed)."""
    return ApiError(
        404,
        "not_found",
        f"no {kind} {key} visible to this token (rule 'owner_only': an owner sees only its own)",
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
    if parts.username is not None or parts.password is not None:
        raise ApiError(400, "invalid_callback", "callback URL must not carry credentials")
    allowed = {h.lower() for h in allowlist}
    if "*" not in allowed and host not in allowed:
        raise ApiError(
            400,
            "callback_not_allowed",
            f"callback host '{host}' is not in the server's callback_allowlist",
        )
