"""Tab completion: keywords (the grammar's), tables and functions of the shell's session,
algorithms (the registry) and option names (framework keys and Spark-ML parameter aliases).

Names come from a `Vocabulary` the loop refreshes after each statement; algorithms and options
are loaded once, in a background thread, since the model registry imports scikit-learn.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

WORD = re.compile(r"[\w.`]*$")
OPTION_CONTEXT = re.compile(r"\b(options|where|and)\s+(\S+\s*=\s*(\S+|'[^']*'|\"[^\"]*\")\s+)*$")
ALGORITHM_CONTEXT = re.compile(r"\b(as|into)\s+$")


@dataclass
class Vocabulary:
    """Everything the completer offers, by kind."""

    keywords: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    algorithms: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)

    def load_registries(self) -> threading.Thread:
        """Fill keywords now, algorithms and options in a background thread (returned)."""
        from mlsql.parser import keywords

        self.keywords = keywords()
        thread = threading.Thread(target=self._load_models, name="mlsql-shell-vocab", daemon=True)
        thread.start()
        return thread

    def _load_models(self) -> None:
        from mlsql.models.algorithms import algorithm_names
        from mlsql.models.options import EXTRA_KEYS, VECTOR_KEYS
        from mlsql.models.params import ALGORITHM_ALIASES, COMMON_ALIASES, FRAMEWORK_KEYS

        names = {*FRAMEWORK_KEYS, *COMMON_ALIASES, *EXTRA_KEYS, *VECTOR_KEYS}
        for aliases in ALGORITHM_ALIASES.values():
            names.update(aliases)
        self.options = sorted(names)
        self.algorithms = algorithm_names()


class ShellCompleter(Completer):
    """Completes the word before the cursor from a `Vocabulary`."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        before = document.text_before_cursor
        word = WORD.search(before)
        prefix = word.group(0) if word else ""
        head = before[: len(before) - len(prefix)]
        for text, meta in self._candidates(head):
            if text.lower().startswith(prefix.lower()) and text != prefix:
                yield Completion(text, start_position=-len(prefix), display_meta=meta)

    def _candidates(self, head: str) -> Iterable[tuple[str, str]]:
        v = self.vocabulary
        lowered = head.lower()
        if OPTION_CONTEXT.search(lowered):
            yield from ((name, "option") for name in v.options)
            return
        if ALGORITHM_CONTEXT.search(lowered) and re.search(r"\b(train|run|predict)\b", lowered):
            yield from ((name, "algorithm") for name in v.algorithms)
            return
        yield from ((name, "table") for name in v.tables)
        yield from ((name, "function") for name in v.functions)
        yield from ((name, "keyword") for name in v.keywords)
        yield from ((name, "algorithm") for name in v.algorithms)
