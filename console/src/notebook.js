// The editor page: a notebook of cells (each a CodeMirror editor), run sync or async, with the
// results in tabs below; notebooks are saved per owner on the server and re-opened later.
import { ApiError, api } from "./api.js";
import { clear, h } from "./dom.js";
import { createEditor, refreshWords, selectedOrAll } from "./editor.js";
import { whenFinished } from "./jobs.js";
import { ResultTabs } from "./results.js";

const EXAMPLE = `-- A first script: a table from text, a query over it.
set rows='''{"name": "a", "x": 1}
{"name": "b", "x": 2}''';
load jsonStr.\`rows\` as data;
select name, x * 10 as x10 from data as out;`;

export class NotebookPage {
  constructor() {
    this.id = null;
    this.cells = [];
    this.dirty = false;
    this.results = new ResultTabs();
    this.nameInput = h("input.nb-name", { value: "Untitled", "aria-label": "notebook name", oninput: () => this.touch() });
    this.asyncBox = h("input", { type: "checkbox", id: "run-async" });
    this.limit = h("select", { "aria-label": "row limit" }, [100, 1000, 10000].map((n) => h("option", { value: n, selected: n === 1000 }, `${n} rows`)));
    this.saveState = h("span.save-state");
    this.cellsEl = h("div.cells");
    this.el = h(
      "section.page.editor-page",
      h(
        "div.toolbar",
        this.nameInput,
        h("button", { onclick: () => this.save(), id: "save-notebook" }, "Save"),
        h("button.ghost", { onclick: () => this.reset() }, "New"),
        this.saveState,
        h("span.spacer"),
        h("label.check", this.asyncBox, " async"),
        this.limit,
        h("button.primary", { onclick: () => this.runAll(), id: "run-all" }, "▶ Run all"),
      ),
      this.cellsEl,
      h("button.add-cell.ghost", { onclick: () => this.addCell("", true) }, "+ Add cell"),
      this.results.el,
    );
    this.addCell(EXAMPLE);
  }

  touch() {
    this.dirty = true;
    this.saveState.textContent = "unsaved";
  }

  addCell(source, focus = false) {
    const holder = h("div.cell-editor");
    const cell = { view: null };
    const runBtn = h("button.primary.run-cell", { title: "Run the selection, or the whole cell (Ctrl+Enter)", onclick: () => this.runCell(cell) }, "▶ Run");
    const label = h("span.cell-label");
    cell.el = h(
      "div.cell",
      h("div.cell-head", label, h("span.spacer"), runBtn, h("button.ghost.del-cell", { title: "delete cell", onclick: () => this.removeCell(cell) }, "✕")),
      holder,
    );
    cell.label = label;
    this.cellsEl.append(cell.el);
    cell.view = createEditor(holder, {
      doc: source,
      onRun: (text, isSelection) => this.run(cell, text, isSelection),
      onChange: () => this.touch(),
    });
    this.cells.push(cell);
    this.renumber();
    if (focus) cell.view.focus();
    return cell;
  }

  removeCell(cell) {
    if (this.cells.length === 1) return;
    this.cells.splice(this.cells.indexOf(cell), 1);
    cell.view.destroy();
    cell.el.remove();
    this.renumber();
    this.touch();
  }

  renumber() {
    this.cells.forEach((c, i) => (c.label.textContent = `Cell ${i + 1}`));
  }

  runCell(cell) {
    this.run(cell, ...selectedOrAll(cell.view));
  }

  runAll() {
    const text = this.cells.map((c) => c.view.state.doc.toString()).join("\n");
    this.run(null, text, false);
  }

  async run(cell, text, isSelection) {
    if (!text.trim()) return;
    const n = cell ? this.cells.indexOf(cell) + 1 : 0;
    const title = cell ? `cell ${n}${isSelection ? " (selection)" : ""}` : "all cells";
    const offset = cell && isSelection ? cell.view.state.doc.lineAt(cell.view.state.selection.main.from).number - 1 : 0;
    const tab = this.results.add(title);
    const asyncRun = this.asyncBox.checked;
    const limit = Number(this.limit.value);
    tab.running(asyncRun ? "submitting…" : "running…");
    try {
      if (!asyncRun) {
        tab.showResult(await api("/run", { method: "POST", body: { sql: text, async: false, limit, name: `console ${title}` } }));
      } else {
        const { jobId } = await api("/run", { method: "POST", body: { sql: text, async: true, limit, name: `console ${title}` } });
        tab.running(`job ${jobId} runs in the background (see Jobs)`);
        const job = await whenFinished(jobId, (j) => tab.running(`job ${jobId}: ${j.status}, statement ${j.statement}/${j.statements}`));
        if (job.status !== "succeeded") tab.showError(job.error || { message: job.status }, offset);
        else tab.showResult(await api(`/jobs/${jobId}/result`), ` · job ${jobId}`);
      }
    } catch (err) {
      tab.showError(err instanceof ApiError ? err.body : { message: String(err) }, offset);
    }
    refreshWords();
  }

  document() {
    return { name: this.nameInput.value.trim() || "Untitled", cells: this.cells.map((c) => ({ source: c.view.state.doc.toString() })) };
  }

  async save() {
    const body = this.document();
    try {
      const saved = this.id
        ? await api(`/notebooks/${this.id}`, { method: "PUT", body })
        : await api("/notebooks", { method: "POST", body });
      this.id = saved.id;
      this.dirty = false;
      this.saveState.textContent = `saved ${new Date(saved.updatedAt).toLocaleTimeString()}`;
    } catch (err) {
      this.saveState.textContent = `not saved: ${err.message}`;
    }
  }

  load(notebook) {
    for (const c of this.cells) c.view.destroy();
    this.cells = [];
    clear(this.cellsEl);
    this.id = notebook.id;
    this.nameInput.value = notebook.name;
    for (const cell of notebook.cells.length ? notebook.cells : [{ source: "" }]) this.addCell(cell.source || "");
    this.dirty = false;
    this.saveState.textContent = "opened";
  }

  reset() {
    this.load({ id: null, name: "Untitled", cells: [{ source: "" }] });
    this.saveState.textContent = "";
  }
}

export function notebooksView(openNotebook) {
  const list = h("tbody");
  const empty = h("div.empty", "No saved notebooks yet: write cells in the editor and press Save.");
  const table = h("table.list", h("thead", h("tr", h("th", "Name"), h("th", "Cells"), h("th", "Saved"), h("th", ""))), list);
  const el = h("section.page.notebooks-page", h("h2", "Notebooks"), h("p.sub", "Your saved notebooks."), table, empty);
  async function load() {
    const { notebooks } = await api("/notebooks");
    empty.hidden = notebooks.length > 0;
    table.hidden = notebooks.length === 0;
    clear(
      list,
      notebooks.map((nb) =>
        h(
          "tr",
          { dataset: { notebook: nb.id } },
          h("td", h("a", { href: "#", onclick: (e) => (e.preventDefault(), openNotebook(nb.id)) }, nb.name)),
          h("td", nb.cells),
          h("td", new Date(nb.updatedAt).toLocaleString()),
          h("td", h("button.ghost", { onclick: async () => (await api(`/notebooks/${nb.id}`, { method: "DELETE" }), load()) }, "Delete")),
        ),
      ),
    );
  }
  load();
  return { el, dispose() {} };
}
