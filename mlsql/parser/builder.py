"""From script text to AST: runs the ANTLR lexer and parser, then visits the tree into `ast` nodes.

The only module that imports the generated code. Every node gets a `Span` (statements also
their source `text`); names lose their back-quotes, strings their quotes (a backslash before the
quote character is an escape, as in MLSQL); '''block strings''', raw SQL and `${var}` references
stay verbatim.
"""

from __future__ import annotations

from typing import Any, TypeVar

from antlr4 import CommonTokenStream, InputStream, ParserRuleContext, Token

from mlsql.errors import ErrorDetail, Span
from mlsql.parser import ast
from mlsql.parser.generated.MLSQLLexer import MLSQLLexer
from mlsql.parser.generated.MLSQLParser import MLSQLParser
from mlsql.parser.generated.MLSQLVisitor import MLSQLVisitor
from mlsql.parser.listener import PlainErrorStrategy, SyntaxErrorCollector, lexical_errors
from mlsql.parser.runaway import blame_runaway_string

SAVE_MODES = {
    "overwrite": "overwrite",
    "append": "append",
    "errorifexists": "errorIfExists",
    "ignore": "ignore",
}
MODEL_STATEMENTS: dict[str, type[ast.ModelStatement]] = {
    "train": ast.TrainStatement,
    "run": ast.RunStatement,
    "predict": ast.PredictStatement,
    "evaluate": ast.EvaluateStatement,
}
S = TypeVar("S", bound=ast.Statement)
QUOTED_TOKENS = {MLSQLLexer.STRING, MLSQLLexer.BLOCK_STRING, MLSQLLexer.BACKQUOTED_IDENTIFIER}


def syntax_tree(text: str, source: str | None = None) -> tuple[Any, list[ErrorDetail]]:
    """The ANTLR parse tree of `text` and every syntax error found (sorted by position)."""
    lexer = MLSQLLexer(InputStream(text))
    lexer.removeErrorListeners()
    stream = CommonTokenStream(lexer)
    stream.fill()
    collector = SyntaxErrorCollector(text, source)
    collector.cutoff = lexical_errors(stream.tokens, list(MLSQLLexer.symbolicNames), collector)
    parser = MLSQLParser(stream)
    parser.removeErrorListeners()
    parser.addErrorListener(collector)
    parser._errHandler = PlainErrorStrategy()
    tree = parser.script()
    details = sorted(collector.details, key=lambda d: (d.line or 0, d.column or 0))
    details = blame_runaway_string(details, stream.tokens, MLSQLLexer.STRING, collector)
    return tree, details


def lexical_tokens(text: str) -> list[tuple[str, str]]:
    """`(symbolic name, text)` of every token on the default channel, EOF left out."""
    lexer = MLSQLLexer(InputStream(text))
    lexer.removeErrorListeners()
    names = MLSQLLexer.symbolicNames
    return [
        (names[t.type], t.text)
        for t in lexer.getAllTokens()
        if t.channel == Token.DEFAULT_CHANNEL and 0 < t.type < len(names)
    ]


def keywords() -> list[str]:
    """The grammar's keyword literals (`'load'` → `load`), in vocabulary order."""
    literals = (name.strip("'") for name in MLSQLLexer.literalNames)
    return [word for word in literals if word.isalpha()]


def build(tree: Any, text: str, source: str | None = None) -> ast.Script:
    """The AST of an error-free parse tree."""
    return ASTBuilder(text, source).visit(tree)  # type: ignore[no-any-return]


class ASTBuilder(MLSQLVisitor):  # type: ignore[misc]
    """Visits an MLSQL parse tree into `ast` nodes, attaching spans and statement text."""

    def __init__(self, text: str, source: str | None) -> None:
        self.text = text
        self.source = source

    # --- helpers ----------------------------------------------------------------------------
    def span(self, ctx: Any) -> Span:
        """Where `ctx` is in the script."""
        start: Token = ctx.start
        stop: Token = ctx.stop if ctx.stop is not None else ctx.start
        end_line, end_column = token_end(stop)
        return Span(
            line=start.line,
            column=start.column,
            end_line=end_line,
            end_column=end_column,
            start=start.start,
            stop=stop.stop + 1,
            source=self.source,
        )

    def source_text(self, ctx: Any) -> str:
        """The script text `ctx` covers, comments included."""
        stop = ctx.stop if ctx.stop is not None else ctx.start
        return self.text[ctx.start.start : stop.stop + 1]

    def statement(self, cls: type[S], ctx: Any, **fields: Any) -> S:
        """A statement node of class `cls` with its span and text."""
        return cls(span=self.span(ctx), text=self.source_text(ctx), **fields)

    def options(self, ctx: Any) -> tuple[ast.Option, ...]:
        """The options of an optional options clause."""
        return self.visit(ctx) if ctx is not None else ()

    # --- script -----------------------------------------------------------------------------
    def visitScript(self, ctx: MLSQLParser.ScriptContext) -> ast.Script:
        statements = tuple(self.visit(s) for s in ctx.statement())
        lines = self.text.split("\n")
        span = Span(1, 0, len(lines), len(lines[-1]), 0, len(self.text), self.source)
        return ast.Script(statements=statements, source=self.source, span=span)

    def visitStatement(self, ctx: MLSQLParser.StatementContext) -> ast.Statement:
        return self.visit(ctx.getChild(0))  # type: ignore[no-any-return]

    # --- statements -------------------------------------------------------------------------
    def visitLoadStatement(self, ctx: MLSQLParser.LoadStatementContext) -> ast.LoadStatement:
        return self.statement(
            ast.LoadStatement,
            ctx,
            format=self.visit(ctx.format_()),
            path=self.visit(ctx.path()),
            options=self.options(ctx.optionsClause()),
            table=self.visit(ctx.tableName()),
        )

    def visitSaveStatement(self, ctx: MLSQLParser.SaveStatementContext) -> ast.SaveStatement:
        mode = ctx.saveMode()
        partition = ctx.partitionClause()
        return self.statement(
            ast.SaveStatement,
            ctx,
            table=self.visit(ctx.tableName()),
            mode=SAVE_MODES[mode.getText().lower()] if mode is not None else None,
            format=self.visit(ctx.format_()),
            path=self.visit(ctx.path()),
            options=self.options(ctx.optionsClause()),
            partition_by=tuple(self.visit(c) for c in partition.column()) if partition else (),
        )

    def visitSelectStatement(self, ctx: MLSQLParser.SelectStatementContext) -> ast.SelectStatement:
        # children: SELECT, the query's tokens, AS, tableName; comments before `as` are dropped
        last = ctx.getChild(ctx.getChildCount() - 3).symbol
        sql = self.text[ctx.start.start : last.stop + 1]
        return self.statement(ast.SelectStatement, ctx, sql=sql, table=self.visit(ctx.tableName()))

    def visitSqlStatement(self, ctx: MLSQLParser.SqlStatementContext) -> ast.SqlStatement:
        verb = ctx.start.text.lower()
        return self.statement(ast.SqlStatement, ctx, verb=verb, sql=self.source_text(ctx))

    def visitSetStatement(self, ctx: MLSQLParser.SetStatementContext) -> ast.SetStatement:
        return self.statement(
            ast.SetStatement,
            ctx,
            key=self.visit(ctx.setKey()),
            value=self.visit(ctx.setValue()),
            options=self.options(ctx.optionsClause()),
        )

    def visitConnectStatement(
        self, ctx: MLSQLParser.ConnectStatementContext
    ) -> ast.ConnectStatement:
        return self.statement(
            ast.ConnectStatement,
            ctx,
            format=self.visit(ctx.format_()),
            options=self.options(ctx.optionsClause()),
            name=self.visit(ctx.connectName()),
        )

    def visitModelStatement(self, ctx: MLSQLParser.ModelStatementContext) -> ast.ModelStatement:
        output = ctx.outputTable()
        return self.statement(
            MODEL_STATEMENTS[ctx.start.text.lower()],
            ctx,
            table=self.visit(ctx.tableName()),
            algorithm=self.visit(ctx.algorithm()),
            path=self.visit(ctx.path()),
            options=self.options(ctx.optionsClause()),
            output=self.visit(output) if output is not None else None,
        )

    def visitRegisterStatement(
        self, ctx: MLSQLParser.RegisterStatementContext
    ) -> ast.RegisterStatement:
        return self.statement(
            ast.RegisterStatement,
            ctx,
            algorithm=self.visit(ctx.algorithm()),
            path=self.visit(ctx.path()),
            function=self.visit(ctx.functionName()),
            options=self.options(ctx.optionsClause()),
        )

    def visitUnregisterStatement(
        self, ctx: MLSQLParser.UnregisterStatementContext
    ) -> ast.UnregisterStatement:
        algorithm, path = ctx.algorithm(), ctx.path()
        return self.statement(
            ast.UnregisterStatement,
            ctx,
            function=self.visit(ctx.functionName()),
            algorithm=self.visit(algorithm) if algorithm is not None else None,
            path=self.visit(path) if path is not None else None,
        )

    def visitIncludeStatement(
        self, ctx: MLSQLParser.IncludeStatementContext
    ) -> ast.IncludeStatement:
        return self.statement(
            ast.IncludeStatement,
            ctx,
            source=self.visit(ctx.format_()),
            path=self.visit(ctx.path()),
            options=self.options(ctx.optionsClause()),
        )

    def visitCommandStatement(
        self, ctx: MLSQLParser.CommandStatementContext
    ) -> ast.CommandStatement:
        tokens = [ctx.getChild(i).symbol for i in range(1, ctx.getChildCount())]
        args = tuple(self.command_arg(group) for group in adjacent_groups(tokens))
        return self.statement(ast.CommandStatement, ctx, name=ctx.start.text[1:], args=args)

    def command_arg(self, group: list[Token]) -> str:
        """One command argument: a lone quoted token loses its quotes, anything else is raw text."""
        if len(group) == 1 and group[0].type in QUOTED_TOKENS:
            return token_value(group[0])
        return self.text[group[0].start : group[-1].stop + 1]

    # --- options and values -----------------------------------------------------------------
    def visitOptionsClause(self, ctx: MLSQLParser.OptionsClauseContext) -> tuple[ast.Option, ...]:
        return tuple(self.visit(o) for o in ctx.option())

    def visitOption(self, ctx: MLSQLParser.OptionContext) -> ast.Option:
        key = self.visit(ctx.optionKey())
        return ast.Option(key=key, value=self.visit(ctx.optionValue()), span=self.span(ctx))

    def visitOptionValue(self, ctx: MLSQLParser.OptionValueContext) -> str:
        return token_value(ctx.start)

    def visitSetValue(self, ctx: MLSQLParser.SetValueContext) -> str:
        name = ctx.qualifiedName()
        if name is None:
            return token_value(ctx.start)
        return ("-" if ctx.MINUS() is not None else "") + self.visit(name)

    def visitPath(self, ctx: MLSQLParser.PathContext) -> str:
        if ctx.bareName():
            return ".".join(self.visit(n) for n in ctx.bareName())
        return token_value(ctx.start)

    def visitQualifiedName(self, ctx: MLSQLParser.QualifiedNameContext) -> str:
        return ".".join(self.visit(i) for i in ctx.identifier())

    def visitIdentifier(self, ctx: MLSQLParser.IdentifierContext) -> str:
        return token_value(ctx.start)

    def visitBareName(self, ctx: MLSQLParser.BareNameContext) -> str:
        return str(ctx.getText())

    def visitChildren(self, node: ParserRuleContext) -> Any:
        """Single-child wrapper rules (tableName, format, setKey …) yield their child's value."""
        return self.visit(node.getChild(0))


def token_value(token: Token) -> str:
    """The value a token stands for: quotes removed, escapes of the quote resolved."""
    text: str = token.text
    if token.type == MLSQLLexer.BLOCK_STRING:
        return text[3:-3]
    if token.type == MLSQLLexer.BACKQUOTED_IDENTIFIER:
        return text[1:-1].replace("``", "`")
    if token.type == MLSQLLexer.STRING:
        return unescape_quote(text[1:-1], text[0])
    return text


def unescape_quote(body: str, quote: str) -> str:
    r"""`body` with `\<quote>` turned into `<quote>`; other backslashes are kept as written."""
    out: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            pair = body[i : i + 2]
            out.append(quote if pair[1] == quote else pair)
            i += 2
            continue
        out.append(body[i])
        i += 1
    return "".join(out)


def adjacent_groups(tokens: list[Token]) -> list[list[Token]]:
    """Tokens grouped into runs with nothing (no space, no comment) between them."""
    groups: list[list[Token]] = []
    for tok in tokens:
        if groups and groups[-1][-1].stop + 1 == tok.start:
            groups[-1].append(tok)
        else:
            groups.append([tok])
    return groups


def token_end(token: Token) -> tuple[int, int]:
    """Line and 0-based column just after `token`."""
    lines = token.text.split("\n")
    if len(lines) == 1:
        return token.line, token.column + len(token.text)
    return token.line + len(lines) - 1, len(lines[-1])
