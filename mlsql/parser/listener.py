"""Collecting syntax errors: lexical checks, an error strategy that words them, a listener.

ANTLR's default recovery is kept (so one run reports every broken statement); only the
reporting is replaced. `PlainErrorStrategy` describes each error in plain words through
`mlsql.parser.messages`; `SyntaxErrorCollector` turns the reports into `ErrorDetail`s with a
position and an underlined snippet. Unterminated strings, back-quotes and comments are lexed as
`UNTERMINATED_*` tokens and reported by `lexical_errors` before parsing.
"""

from __future__ import annotations

from typing import Any

from antlr4 import ParserRuleContext, Token
from antlr4.error.ErrorListener import ErrorListener
from antlr4.error.ErrorStrategy import DefaultErrorStrategy
from antlr4.IntervalSet import IntervalSet

from mlsql.errors import ErrorDetail, snippet
from mlsql.parser import messages
from mlsql.parser.expected import expectations

UNTERMINATED = {
    "UNTERMINATED_STRING": "unterminated string: the closing {quote} is missing",
    "UNTERMINATED_BLOCK_STRING": "unterminated block string: the closing ''' is missing",
    "UNTERMINATED_BACKQUOTE": "unterminated back-quoted name or path: the closing ` is missing",
    "UNTERMINATED_COMMENT": "unterminated comment: the closing */ is missing",
}
SCRIPT_RULE = 0  # `script`, the grammar's first rule
OPENERS = {"UNTERMINATED_BLOCK_STRING": 3, "UNTERMINATED_COMMENT": 2}


class PlainErrorStrategy(DefaultErrorStrategy):
    """ANTLR's default recovery, reporting each error in plain words.

    When an optional part is skipped because the next token does not fit (`sync` sees an
    epsilon exit), the error only surfaces later, in an outer rule. `deferred` remembers the
    innermost such point for the current token, so the message can list everything that would
    have fitted there (e.g. `'and'` after an option value, not only `';'`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.deferred: tuple[int, int, Any] | None = None

    def sync(self, recognizer: Any) -> None:
        if self.inErrorRecoveryMode(recognizer):
            return
        self._remember_exit(recognizer)
        if recognizer._ctx.getRuleIndex() == SCRIPT_RULE and self._skip_statement(recognizer):
            return
        super().sync(recognizer)

    def recover(self, recognizer: Any, e: Any) -> None:
        """Inside a statement, skip to its `;` (never past it); between statements, as ANTLR does."""
        if recognizer._ctx.getRuleIndex() == SCRIPT_RULE:
            super().recover(recognizer, e)
        else:
            self.consumeUntil(recognizer, _statement_end(recognizer))

    def singleTokenDeletion(self, recognizer: Any) -> Any:
        """ANTLR's single-token deletion, except that a `;` is never deleted."""
        if recognizer.getTokenStream().LA(1) == _semi(recognizer):
            return None
        return super().singleTokenDeletion(recognizer)

    def _skip_statement(self, recognizer: Any) -> bool:
        """Between statements, report a token that starts none and skip to the next `;`.

        ANTLR's own recovery at this level would give up on the rest of the script.
        """
        follow = recognizer.atn.nextTokens(recognizer.atn.states[recognizer.state])
        if recognizer.getTokenStream().LA(1) in follow:
            return False
        self.reportUnwantedToken(recognizer)
        self.consumeUntil(recognizer, _statement_end(recognizer))
        return True

    def _remember_exit(self, recognizer: Any) -> None:
        follow = recognizer.atn.nextTokens(recognizer.atn.states[recognizer.state])
        la = recognizer.getTokenStream().LA(1)
        if la in follow or Token.EPSILON not in follow:
            return
        index = recognizer.getCurrentToken().tokenIndex
        if self.deferred is None or self.deferred[0] != index:
            self.deferred = (index, recognizer.state, recognizer._ctx)

    def reportNoViableAlternative(self, recognizer: Any, e: Any) -> None:
        lookahead = e.startToken.tokenIndex != e.offendingToken.tokenIndex
        self._report(recognizer, e.offendingToken, e, lookahead_failed=lookahead)

    def reportInputMismatch(self, recognizer: Any, e: Any) -> None:
        self._report(recognizer, e.offendingToken, e)

    def reportUnwantedToken(self, recognizer: Any) -> None:
        if self.inErrorRecoveryMode(recognizer):
            return
        self.beginErrorCondition(recognizer)
        self._report(recognizer, recognizer.getCurrentToken(), None)

    def reportMissingToken(self, recognizer: Any) -> None:
        if self.inErrorRecoveryMode(recognizer):
            return
        self.beginErrorCondition(recognizer)
        self._report(recognizer, recognizer.getCurrentToken(), None)

    def _report(
        self, recognizer: Any, token: Any, e: Any, *, lookahead_failed: bool = False
    ) -> None:
        state, ctx = recognizer.state, recognizer._ctx
        if self.deferred is not None and self.deferred[0] == token.tokenIndex:
            state, ctx = self.deferred[1], self.deferred[2]
        site = error_site(recognizer, token, state, ctx, lookahead_failed)
        recognizer.notifyErrorListeners(messages.describe(site), token, e)


def _semi(recognizer: Any) -> int:
    """The token type of `;`."""
    return list(recognizer.symbolicNames).index("SEMI")


def _statement_end(recognizer: Any) -> IntervalSet:
    """The tokens that end a statement: `;` and the end of the script."""
    stop = IntervalSet()
    stop.addOne(Token.EOF)
    stop.addOne(_semi(recognizer))
    return stop


def error_site(
    parser: Any, token: Any, state: int, ctx: Any, lookahead_failed: bool = False
) -> messages.ErrorSite:
    """What `messages.describe` needs, read from the parser in ATN `state` with context `ctx`."""
    names = list(parser.symbolicNames)
    expected = expectations(parser, state, ctx)
    prev = previous_token(parser.getTokenStream(), token.tokenIndex)
    site = messages.ErrorSite(
        found=None if token.type == Token.EOF else token.text,
        kind=statement_kind(ctx),
        expected=messages.expected_words(expected, names),
        statement_start=messages.is_statement_start(expected, names),
        lookahead_failed=lookahead_failed,
    )
    if prev is not None:
        rules, kind = rules_covering(parser, prev.tokenIndex)
        site.previous = messages.previous_words(prev.text, names[prev.type], rules, kind)
    return site


def previous_token(stream: Any, index: int) -> Any | None:
    """The last default-channel token before token `index`, if any."""
    index -= 1
    while index >= 0:
        tok = stream.get(index)
        if tok.channel == Token.DEFAULT_CHANNEL:
            return tok
        index -= 1
    return None


def statement_kind(ctx: Any) -> str | None:
    """`load`, `train`, `command` …: the statement `ctx` is in, if any."""
    while ctx is not None:
        if _is_statement(ctx):
            text = ctx.start.text if ctx.start is not None else ""
            return "command" if text.startswith("!") else text.lower()
        ctx = ctx.parentCtx
    return None


def rules_covering(parser: Any, index: int) -> tuple[tuple[str, ...], str | None]:
    """Rule names of the parse-tree nodes holding token `index` (outermost first), and its statement kind."""
    root = parser._ctx
    while root.parentCtx is not None:
        root = root.parentCtx
    names: list[str] = []
    kind: str | None = None
    node: Any = root
    while node is not None:
        names.append(parser.ruleNames[node.getRuleIndex()])
        if kind is None and _is_statement(node):
            kind = statement_kind(node)
        node = next((c for c in node.children or [] if _covers(c, index)), None)
    return tuple(names), kind


def _is_statement(ctx: Any) -> bool:
    """Whether `ctx` is one statement form (`loadStatement` …), not the `statement` choice."""
    name = type(ctx).__name__
    return (
        isinstance(ctx, ParserRuleContext)
        and name.endswith("StatementContext")
        and name != "StatementContext"
    )


def _covers(node: Any, index: int) -> bool:
    if not isinstance(node, ParserRuleContext) or node.start is None:
        return False
    stop = node.stop.tokenIndex if node.stop is not None else float("inf")
    return bool(node.start.tokenIndex <= index <= stop)


class SyntaxErrorCollector(ErrorListener):  # type: ignore[misc]
    """Collects the syntax errors as `ErrorDetail`s: the first of each statement.

    Later errors of the same statement are most often echoes of the first one (recovery
    guessing wrong), so they are dropped; errors after an unterminated string or comment
    (`cutoff`, a token index) too.
    """

    def __init__(self, text: str, source: str | None, cutoff: int | None = None) -> None:
        self.text = text
        self.source = source
        self.cutoff = cutoff
        self.details: list[ErrorDetail] = []
        self.last_index: int | None = None

    def syntaxError(
        self, recognizer: Any, offendingSymbol: Any, line: int, column: int, msg: str, e: Any
    ) -> None:
        token = offendingSymbol
        stream = recognizer.getTokenStream()
        if self.cutoff is not None and token.tokenIndex >= self.cutoff:
            return
        if self.last_index is not None and not _semicolon_between(
            stream, self.last_index, token.tokenIndex
        ):
            return
        self.last_index = token.tokenIndex
        line, column = token_position(stream, token)
        eof = token.type == Token.EOF
        width = 1 if eof else len(token.text.splitlines()[0] or " ")
        self.details.append(self.detail(msg, line, column, None if eof else token.text, width))

    def detail(
        self, msg: str, line: int, column: int, offending: str | None, width: int
    ) -> ErrorDetail:
        """An `ErrorDetail` at `line`/`column` with `width` carets under it."""
        return ErrorDetail(
            message=msg,
            line=line,
            column=column,
            source=self.source,
            snippet=snippet(self.text, line, column, width),
            offending=offending,
        )


def _semicolon_between(stream: Any, first: int, last: int) -> bool:
    """Whether a `;` token lies in token range [first, last): a statement ended in between."""
    return any(stream.get(i).text == ";" and stream.get(i).channel == 0 for i in range(first, last))


def token_position(stream: Any, token: Any) -> tuple[int, int]:
    """Where to point for `token`; for the end of the script, just after the last token."""
    if token.type != Token.EOF:
        return token.line, token.column
    prev = previous_token(stream, token.tokenIndex)
    if prev is None:
        return 1, 0
    lines = prev.text.split("\n")
    if len(lines) == 1:
        return prev.line, prev.column + len(prev.text)
    return prev.line + len(lines) - 1, len(lines[-1])


def lexical_errors(
    tokens: list[Any], names: list[str], collector: SyntaxErrorCollector
) -> int | None:
    """Report unterminated strings, back-quotes and comments; the first one's token index."""
    first: int | None = None
    for tok in tokens:
        name = names[tok.type] if 0 < tok.type < len(names) else ""
        if name not in UNTERMINATED:
            continue
        opener = tok.text[: OPENERS.get(name, 1)]
        msg = UNTERMINATED[name].format(quote=opener)
        width = len(tok.text.splitlines()[0])
        collector.details.append(collector.detail(msg, tok.line, tok.column, opener, width))
        first = tok.tokenIndex if first is None else first
    return first
