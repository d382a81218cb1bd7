"""Scripts sent to a running `mlsql serve` instead of a local Spark: no start-up cost.

`RemoteScripts.run` submits the script asynchronously (`POST /run/script`, `async=true`), polls
`GET /jobs/{id}` (feeding the same `ProgressPrinter` the local run uses), then fetches the rows
from `GET /jobs/{id}/result`. A failed job's error JSON becomes a `RemoteError` that renders
exactly like the local error (line, column, caret). Ctrl-C while waiting kills the remote job
(`POST /killjob`) and raises `CancelledError`. The token is sent as `Authorization: Bearer`.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlsql.errors import CancelledError, ErrorDetail, ExecutionError, MLSQLError

POLL_FIRST_S = 0.02
POLL_MAX_S = 0.25
ENDED = frozenset({"succeeded", "failed", "cancelled"})
INTERRUPTED = "interrupted (Ctrl-C)"


class RemoteError(MLSQLError):
    """An error the server reported for a script: the code, message and positions it sent."""

    def __init__(self, error: dict[str, Any], source: str | None = None) -> None:
        details = [_detail(d, source) for d in error.get("errors") or []]
        super().__init__(
            str(error.get("message") or "the server reported an error"),
            statement=error.get("statement"),
            hint=error.get("hint"),
            details=details or None,
        )
        self.code = str(error.get("code") or "error")


def _detail(data: dict[str, Any], source: str | None) -> ErrorDetail:
    column = data.get("column")
    return ErrorDetail(
        message=str(data.get("message", "")),
        line=data.get("line"),
        column=column - 1 if isinstance(column, int) else None,
        source=data.get("source") or source,
        snippet=str(data.get("snippet") or ""),
        offending=data.get("offending"),
    )


@dataclass
class RemoteProgress:
    """The fields of a local `Job` that `ProgressPrinter` reads, from a `/jobs/{id}` answer."""

    statement_index: int = 0
    statement_count: int = 0
    statement_kind: str = ""
    training: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> RemoteProgress:
        """The progress of a job view."""
        progress = view.get("progress") or {}
        return cls(
            statement_index=int(view.get("statement") or 0),
            statement_count=int(view.get("statements") or 0),
            statement_kind=str(progress.get("kind") or ""),
            training=dict(progress.get("training") or {}),
        )


@dataclass
class RemoteResult:
    """A script's last table as the server sent it; the renderers of `mlsql run` accept it."""

    name: str | None
    column_names: list[str]
    data: list[dict[str, Any]]
    present: bool = True

    def columns(self) -> list[str]:
        """Column names of the last table."""
        return list(self.column_names)

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The rows (the server already applied the limit)."""
        return self.data if limit is None else self.data[:limit]

    @classmethod
    def from_body(cls, body: Any) -> RemoteResult:
        """From an `includeSchema` body (`{schema, data, table}`); None/[] means no table."""
        if not isinstance(body, dict):
            return cls(None, [], list(body or []), present=bool(body))
        fields = (body.get("schema") or {}).get("fields") or []
        names = [str(f["name"]) for f in fields]
        return cls(body.get("table"), names, list(body.get("data") or []), present=bool(fields))


class RemoteScripts:
    """A client of one server's script API."""

    def __init__(self, url: str, token: str = "", timeout_s: float = 60.0) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url.rstrip("/")
        self.client = httpx.Client(base_url=self.url, headers=headers, timeout=timeout_s)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def run(
        self,
        text: str,
        *,
        source: str | None = None,
        variables: dict[str, str] | None = None,
        limit: int | None = None,
        listener: Callable[[Any], None] | None = None,
    ) -> RemoteResult:
        """Run `text` on the server and wait for it.

        Raises:
            RemoteError: the script failed (its error, positions included).
            CancelledError: Ctrl-C (the remote job was killed) or the job was cancelled.
            ExecutionError: the server cannot be reached or refused the request.
        """
        job = self._submit(text, variables or {}, limit)
        try:
            view = self._wait(job["jobId"], listener)
        except KeyboardInterrupt:
            self._kill(job["groupId"])
            raise CancelledError(INTERRUPTED) from None
        if view["status"] == "cancelled":
            raise CancelledError(str((view.get("error") or {}).get("message") or "cancelled"))
        if view["status"] == "failed":
            raise RemoteError(view.get("error") or {}, source)
        body = self._get(f"/jobs/{job['jobId']}/result", allow=(404,))  # 404: no table
        return RemoteResult.from_body(body)

    def _submit(self, text: str, variables: dict[str, str], limit: int | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sql": text,
            "async": True,
            "includeSchema": True,
            "outputSize": -1 if limit is None else limit,
            "context": variables,
        }
        return self._call("POST", "/run/script", json=data)

    def _wait(self, job_id: str, listener: Callable[[Any], None] | None) -> dict[str, Any]:
        """Poll the job until it ends (short intervals first, so quick scripts return fast)."""
        pause = POLL_FIRST_S
        while True:
            view = self._get(f"/jobs/{job_id}")
            if listener is not None and view["status"] == "running" and view.get("statement"):
                listener(RemoteProgress.from_view(view))
            if view["status"] in ENDED:
                return view
            time.sleep(pause)
            pause = min(POLL_MAX_S, pause * 1.5)

    def _kill(self, group_id: str) -> None:
        """Kill the job and wait (a few seconds at most; a second Ctrl-C stops waiting)."""
        try:
            self.client.post("/killjob", data={"groupId": group_id})
            deadline = time.monotonic() + 10.0
            while time.monotonic() < deadline:
                running = self._get("/runningjobs")
                if group_id not in running:
                    return
                time.sleep(0.1)
        except (KeyboardInterrupt, ExecutionError):
            return

    def _get(self, path: str, allow: tuple[int, ...] = ()) -> Any:
        return self._call("GET", path, allow=allow)

    def _call(self, method: str, path: str, allow: tuple[int, ...] = (), **kw: Any) -> Any:
        import httpx

        try:
            response = self.client.request(method, path, **kw)
        except httpx.HTTPError as err:
            raise ExecutionError(f"cannot reach the server {self.url}: {err}") from None
        if response.status_code in allow:
            return None
        if response.status_code >= 400:
            raise _refusal(response)
        return response.json() if response.content else None


def _refusal(response: Any) -> MLSQLError:
    """The error of a refused request (401, 403, 429, 400 …)."""
    try:
        body = response.json()
    except ValueError:
        body = {"message": response.text[:500]}
    if isinstance(body, dict) and body.get("errors"):
        return RemoteError(body)
    message = body.get("message") if isinstance(body, dict) else str(body)
    return ExecutionError(f"the server answered {response.status_code}: {message}")


def add_remote_options(parser: argparse.ArgumentParser) -> None:
    """`--server URL`, `--local`, `--token TOKEN`."""
    parser.add_argument(
        "--server",
        metavar="URL",
        help="send the script to this `mlsql serve` (default: cli.server)",
    )
    parser.add_argument(
        "--local", action="store_true", help="run locally even when cli.server is configured"
    )
    parser.add_argument("--token", help="the server's token (default: MLSQL_TOKEN, cli.token)")


def remote_from_args(args: argparse.Namespace) -> RemoteScripts | None:
    """The server client `--server`/configuration asks for, or None to run locally."""
    if getattr(args, "local", False):
        return None
    url = getattr(args, "server", None)
    token = getattr(args, "token", None) or os.environ.get("MLSQL_TOKEN", "")
    if not url:
        from mlsql.config import Config

        conf = Config.load(getattr(args, "conf_file", None))
        url, token = conf.cli.server, token or conf.cli.token
    return RemoteScripts(url, token) if url else None


def run_remotely(remote: RemoteScripts, args: argparse.Namespace) -> int:
    """`mlsql run --server`: the local run's output, progress and exit codes, from the server."""
    import sys

    from mlsql.cli.options import parse_sets, read_script
    from mlsql.cli.progress import ProgressPrinter
    from mlsql.engine.result import RENDERERS

    printer = None if args.quiet else ProgressPrinter(sys.stderr)
    try:
        variables = parse_sets(args.set)
        text, source = read_script(args.script)
        limit = None if args.limit == 0 else args.limit
        result = remote.run(text, source=source, variables=variables, limit=limit, listener=printer)
        if printer is not None:
            printer.finish()
        if result.present:
            print(RENDERERS[args.output](result, limit))  # type: ignore[arg-type]
    except CancelledError as err:
        if printer is not None:
            printer.finish()
        if err.message != INTERRUPTED:
            raise
        print("interrupted: the job was cancelled", file=sys.stderr, flush=True)
        return 130
    finally:
        remote.close()
    return 0
