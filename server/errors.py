"""Errors the REST layer answers with, and the HTTP status of each engine error code.

Script errors (user-facing `MLSQLError`s) answer 400 with the error's `to_dict()`, a sandbox
refusal (`forbidden`) 403; a cancelled job 409, a timed-out one 408; engine faults
(`InternalError`, unexpected exceptions) 500.
"""

from __future__ import annotations

from typing import Any

from mlsql.errors import MLSQLError

# error code -> HTTP status; any other user-facing code answers 400
STATUS_BY_CODE: dict[str, int] = {
    "forbidden": 403,
    "cancelled": 409,
    "timeout": 408,
    "server_stopped": 503,
    "internal": 500,
}


class ApiError(Exception):
    """An answer other than success: HTTP status, stable code, message (and extra fields)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON answer."""
        return {"code": self.code, "message": self.message, **self.extra}


def error_dict(err: BaseException) -> dict[str, Any]:
    """The JSON form of any exception: `to_dict()` of ours, an internal error otherwise."""
    if isinstance(err, MLSQLError):
        return err.to_dict()
    return {
        "code": "internal",
        "message": f"{type(err).__name__}: {err}",
        "statement": None,
        "line": None,
        "column": None,
        "hint": None,
        "errors": [],
    }


def http_status(error: dict[str, Any]) -> int:
    """The HTTP status for an error dict (by its code)."""
    return STATUS_BY_CODE.get(str(error.get("code")), 400)
