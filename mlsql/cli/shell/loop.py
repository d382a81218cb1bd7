"""The shell's read-check-run-print loop (prompt_toolkit).

Enter ends the input only when it is a complete statement (`input.is_complete`), otherwise it
starts a new line. Before running, the text is checked: syntax errors are shown with their caret
and nothing runs. Ctrl-C at the prompt clears the input; while a statement runs it cancels the
statement (the backend raises `CancelledError`); Ctrl-D on an empty prompt leaves.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mlsql.cli.shell.completer import ShellCompleter, Vocabulary
from mlsql.cli.shell.input import is_complete, statement_text
from mlsql.errors import CancelledError, MLSQLError

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings

    from mlsql.cli.shell.backend import ShellBackend

PROMPT = "mlsql> "
CONTINUATION = "   ..> "
HISTORY_ENV = "MLSQL_SHELL_HISTORY"


def history_path() -> Path:
    """`$MLSQL_SHELL_HISTORY`, else `~/.cache/mlsql/shell_history`."""
    env = os.environ.get(HISTORY_ENV)
    return Path(env) if env else Path.home() / ".cache" / "mlsql" / "shell_history"


def _key_bindings() -> KeyBindings:
    """Enter runs a complete statement and adds a line to an incomplete one."""
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: object) -> None:
        buffer = event.current_buffer  # type: ignore[attr-defined]
        if is_complete(buffer.text) or not buffer.text.strip():
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return bindings


def _prompt_session(vocabulary: Vocabulary) -> PromptSession[str]:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    path = history_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return PromptSession(
        history=FileHistory(str(path)),
        completer=ShellCompleter(vocabulary),
        multiline=True,
        key_bindings=_key_bindings(),
        prompt_continuation=lambda width, line, wrap: CONTINUATION,
        complete_while_typing=False,
    )


class ShellLoop:
    """Reads statements, checks them, runs them on `backend`, prints tables and errors."""

    def __init__(self, backend: ShellBackend, limit: int | None = 20) -> None:
        self.backend = backend
        self.limit = limit
        self.vocabulary = Vocabulary()

    def run(self) -> int:
        """Until Ctrl-D: always exit code 0 (errors are shown and the shell goes on)."""
        self.vocabulary.load_registries()
        session = _prompt_session(self.vocabulary)
        print("MLSQL shell: end statements with ';', Tab completes, Ctrl-C cancels, Ctrl-D exits.")
        while True:
            try:
                text = session.prompt(PROMPT)
            except KeyboardInterrupt:
                continue
            except EOFError:
                return 0
            if text.strip():
                self.execute(text)

    def execute(self, text: str) -> bool:
        """Check and run one input; whether it succeeded."""
        from mlsql.parser import check, syntax_error

        statement = statement_text(text)
        errors = check(statement)
        if errors:
            print(syntax_error(errors).render(), file=sys.stderr, flush=True)
            return False
        try:
            rendered = self.backend.run(statement, self.limit)
        except CancelledError as err:
            print(f"cancelled: {err.message}", file=sys.stderr, flush=True)
            return False
        except KeyboardInterrupt:
            print("cancelled: interrupted (Ctrl-C)", file=sys.stderr, flush=True)
            return False
        except MLSQLError as err:
            print(err.render(), file=sys.stderr, flush=True)
            return False
        except Exception as err:  # the face: an engine fault ends the statement, not the shell
            print(f"internal error: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
            return False
        if rendered is not None:
            print(rendered, flush=True)
        self.refresh_names()
        return True

    def refresh_names(self) -> None:
        """Tables and functions of the session, for completion (kept as they were on error)."""
        from mlsql.cli.shell.backend import SHOW_FUNCTIONS, SHOW_TABLES

        try:
            self.vocabulary.tables = self.backend.names(SHOW_TABLES)
            self.vocabulary.functions = self.backend.names(SHOW_FUNCTIONS)
        except (MLSQLError, KeyboardInterrupt):
            pass
