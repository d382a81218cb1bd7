"""Where the shell's statements run: a local engine session, or a server's owner session.

Both keep one session for the whole shell (variables, views, registered functions persist), run
a statement with the progress bar, render its last table with `mlsql run`'s renderer, and end a
statement interrupted by Ctrl-C with `CancelledError` (the job cancelled, the shell kept).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Protocol

from mlsql.cli.progress import ProgressPrinter
from mlsql.engine.result import render_table

if TYPE_CHECKING:
    from mlsql.cli.remote import RemoteScripts
    from mlsql.engine import Engine

SESSION = "shell"
SHOW_TABLES = "!show tables;"
SHOW_FUNCTIONS = "!show functions;"


class ShellBackend(Protocol):
    """What the loop needs from where statements run."""

    def run(self, text: str, limit: int | None) -> str | None:
        """Run `text`; its last table rendered, or None when it made none."""
        ...

    def names(self, command: str) -> list[str]:
        """The `name` column of a `!show …` command's table."""
        ...

    def close(self) -> None:
        """Release the engine or the connection."""
        ...


class LocalBackend:
    """Statements run on this process's engine, in one engine session."""

    def __init__(self, engine: Engine, variables: dict[str, str] | None = None) -> None:
        self.engine = engine
        self.variables = dict(variables or {})  # `--set`: given to the first statement only
        self._started = False

    def run(self, text: str, limit: int | None) -> str | None:
        """Run with Ctrl-C cancelling the job (`InterruptCancels`), rows fetched inside it."""
        from mlsql.cli.interrupt import InterruptCancels
        from mlsql.engine import Job

        self._start()
        job = Job(name="shell")
        printer = ProgressPrinter(sys.stderr)
        job.listeners.append(printer)
        try:
            with InterruptCancels(job):
                variables, self.variables = self.variables, {}
                result = self.engine.run(text, session=SESSION, job=job, variables=variables)
                printer.finish()
                return render_table(result, limit) if result.df is not None else None
        finally:
            printer.finish()

    def names(self, command: str) -> list[str]:
        """Names from a `!show` command run in the shell's session."""
        self._start()
        result = self.engine.run(command, session=SESSION)
        return [str(row["name"]) for row in result.rows()]

    def _start(self) -> None:
        """Start Spark before the first statement: its SIGINT handler is replaced by ours."""
        if not self._started:
            self.engine.session(SESSION)
            self._started = True

    def close(self) -> None:
        """Stop the engine (Spark, the embedded broker)."""
        self.engine.close()


class RemoteBackend:
    """Statements run on a `mlsql serve`, in the token owner's session there."""

    def __init__(self, remote: RemoteScripts, variables: dict[str, str] | None = None) -> None:
        self.remote = remote
        self.variables = dict(variables or {})  # `--set`: given to the first statement only

    def run(self, text: str, limit: int | None) -> str | None:
        """Run on the server (Ctrl-C kills the remote job)."""
        printer = ProgressPrinter(sys.stderr)
        try:
            variables, self.variables = self.variables, {}
            result = self.remote.run(text, limit=limit, listener=printer, variables=variables)
        finally:
            printer.finish()
        return render_table(result, limit) if result.present else None  # type: ignore[arg-type]

    def names(self, command: str) -> list[str]:
        """Names from a `!show` command run on the server."""
        rows: list[dict[str, Any]] = self.remote.run(command).rows()
        return [str(row["name"]) for row in rows]

    def close(self) -> None:
        """Close the connection (the server keeps the session)."""
        self.remote.close()
