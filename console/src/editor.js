// A CodeMirror 6 editor for MLSQL: highlighting, completion (statements, keywords, algorithms,
// the owner's tables and functions), error markers from the server's `check` as you type, and
// Ctrl/Cmd-Enter to run the selection (or the whole cell).
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  snippetCompletion,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput } from "@codemirror/language";
import { linter, lintGutter, lintKeymap } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState, Prec } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from "@codemirror/view";
import { api } from "./api.js";
import { KEYWORDS, mlsqlHighlight, mlsqlLanguage } from "./mlsql-lang.js";

// Completion words, fetched once per sign-in and refreshed after each run.
let words = { statements: [], algorithms: [], tables: [], functions: [] };
let loading = null;
export function refreshWords() {
  loading = api("/completions")
    .then((found) => (words = found))
    .catch(() => words); // completion is best effort
  return loading;
}

function options() {
  const out = [];
  for (const s of words.statements)
    out.push(snippetCompletion(s.template, { label: s.label, type: "text", detail: "statement", boost: 2 }));
  for (const k of KEYWORDS) out.push({ label: k, type: "keyword" });
  for (const a of words.algorithms) out.push({ label: a, type: "class", detail: "algorithm" });
  for (const t of words.tables) out.push({ label: t, type: "variable", detail: "table" });
  for (const f of words.functions) out.push({ label: f, type: "function", detail: "function" });
  return out;
}

async function completeMlsql(context) {
  const word = context.matchBefore(/!?[\p{L}0-9_]*/u);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  if (loading) await loading; // the first list may still be on its way
  return { from: word.from, options: options(), validFor: /^!?[\p{L}0-9_]*$/u };
}

// The server's syntax check, as lint diagnostics at the reported line and column.
async function checkDiagnostics(view) {
  const text = view.state.doc.toString();
  if (!text.trim()) return [];
  let result;
  try {
    result = await api("/check", { method: "POST", body: { sql: text } });
  } catch {
    return [];
  }
  if (view.state.doc.toString() !== text) return [];
  return result.errors.map((e) => diagnostic(view.state.doc, e));
}

export function diagnostic(doc, error) {
  const lineNo = Math.min(Math.max(error.line || 1, 1), doc.lines);
  const line = doc.line(lineNo);
  const from = Math.min(line.from + Math.max((error.column || 1) - 1, 0), line.to); // columns are 1-based
  const width = Math.max(1, (error.offending || "").length);
  const to = Math.min(from + width, line.to);
  return { from, to: Math.max(to, from), severity: "error", message: error.message, source: "mlsql" };
}

const theme = EditorView.theme({
  "&": { fontSize: "13.5px", backgroundColor: "#fff" },
  ".cm-content": { fontFamily: "var(--mono)", padding: "6px 0" },
  ".cm-gutters": { backgroundColor: "#f8fafc", color: "#94a3b8", borderRight: "1px solid #e2e8f0" },
  "&.cm-focused": { outline: "none" },
  ".cm-activeLine": { backgroundColor: "#f5f3ff80" },
  ".cm-activeLineGutter": { backgroundColor: "#ede9fe" },
});

/**
 * A new editor in `parent`.
 * @param {{doc: string, onRun: (text: string, isSelection: boolean) => void, onChange?: () => void}} opts
 */
export function createEditor(parent, { doc, onRun, onChange }) {
  const runKeys = Prec.highest(
    keymap.of([
      {
        key: "Mod-Enter",
        run: (view) => {
          onRun(...selectedOrAll(view));
          return true;
        },
      },
    ]),
  );
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        runKeys,
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        placeholder("-- write MLSQL here; Ctrl+Enter runs the selection or the cell"),
        mlsqlLanguage,
        mlsqlHighlight,
        autocompletion({ override: [completeMlsql], icons: true }),
        linter(checkDiagnostics, { delay: 400 }),
        lintGutter(),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
          indentWithTab,
        ]),
        theme,
        EditorView.updateListener.of((u) => u.docChanged && onChange && onChange()),
      ],
    }),
  });
  return view;
}

// [text, isSelection]: the selected text when there is a selection, else the whole document.
export function selectedOrAll(view) {
  const sel = view.state.selection.main;
  if (!sel.empty) return [view.state.sliceDoc(sel.from, sel.to), true];
  return [view.state.doc.toString(), false];
}
