"""The `%%mlsql` cell magic and `%mlsql` line magic: a thin face over the engine API, one
engine per kernel.

The kernel's engine (a documented per-process cache: one kernel is one process) is made on the
first cell, on the kernel's active Spark session or one built from the configuration, and
closed when the kernel exits (or on `%unload_ext mlsql.notebook`).
"""

from __future__ import annotations

import argparse
import atexit
import sys
import threading
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from mlsql.errors import MLSQLError
from mlsql.notebook.display import DEFAULT_ROWS, ResultTable
from mlsql.notebook.variables import notebook_variables

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from mlsql.engine import Engine, ScriptResult

_engine: Engine | None = None  # the kernel's engine, made by the first cell
_engine_lock = threading.Lock()


def kernel_engine() -> Engine:
    """The kernel's engine, on the active Spark session (or one built from configuration)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from mlsql.config import Config
            from mlsql.engine import Engine
            from mlsql.engine.spark import build_spark_session

            config = Config.load()
            _engine = Engine(config, spark=build_spark_session(config))
            atexit.register(close_kernel_engine)
        return _engine


def close_kernel_engine() -> None:
    """Stop the kernel engine's streams and embedded broker (the Spark session stays)."""
    global _engine
    with _engine_lock:
        if _engine is not None:
            _engine.close()
            _engine = None


# Options of the line form `%mlsql <script>` (the cell form's defaults).
LINE_DEFAULTS = argparse.Namespace(
    output=None, pandas=None, limit=DEFAULT_ROWS, set=[], session="default"
)


class MLSQLCellError(Exception):
    """An MLSQL error raised by a cell: IPython shows its rendered text, not a Python traceback."""

    def __init__(self, error: MLSQLError) -> None:
        super().__init__(error.render())
        self.error = error

    def _render_traceback_(self) -> list[str]:
        return self.error.render().splitlines()


@magics_class
class MLSQLMagics(Magics):
    """`%%mlsql [-o NAME] [-p NAME] [--limit N] [--set K=V …] [--session NAME]` and
    `%mlsql <script>`."""

    @property
    def ipython(self) -> InteractiveShell:
        """The shell the magic runs in."""
        assert self.shell is not None, "the magic is registered with a shell"
        return self.shell

    @magic_arguments()
    @argument("-o", "--output", metavar="NAME", help="store the last table (Spark DataFrame)")
    @argument("-p", "--pandas", metavar="NAME", help="store the last table as a pandas DataFrame")
    @argument(
        "-l", "--limit", type=int, default=DEFAULT_ROWS, help="rows to show (0: show no table)"
    )
    @argument("--set", action="append", default=[], metavar="KEY=VALUE", help="script variable")
    @argument("--session", default="default", help="engine session (default: the kernel's)")
    @line_cell_magic
    @no_var_expand  # `${name}` is MLSQL's, not IPython's `{name}` expansion
    def mlsql(self, line: str, cell: str | None = None) -> ResultTable | None:
        """Run the cell (`%%mlsql [options]`) or the line (`%mlsql <script>`) as an MLSQL
        script and show its last table. The line form takes no options."""
        if cell is None:
            return self._run(line, LINE_DEFAULTS)
        return self._run(cell, parse_argstring(self.mlsql, line))

    def _run(self, script: str, args: argparse.Namespace) -> ResultTable | None:
        from mlsql.cli.options import parse_sets

        source = f"In[{self.ipython.execution_count}]"
        try:
            variables = notebook_variables(script, self.ipython.user_ns, source)
            variables.update(parse_sets(args.set))
            result = kernel_engine().run(
                script, source=source, session=args.session, variables=variables
            )
            return self._publish(result, args)
        except MLSQLError as err:
            raise MLSQLCellError(err) from None

    def _publish(self, result: ScriptResult, args: Any) -> ResultTable | None:
        """Store the result in the notebook as asked; the table to show (if any)."""
        df = result.df
        if args.output:
            self.ipython.user_ns[args.output] = df
        if df is None:
            return None
        if df.isStreaming:
            print(f"{result.name} is a stream: save it to start it", file=sys.stderr)
            return None
        if args.pandas:
            self.ipython.user_ns[args.pandas] = df.toPandas()
        return ResultTable.of(result, args.limit) if args.limit > 0 else None
