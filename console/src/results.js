// Result tabs: one per run, each a table with paging, column types and CSV download, or the
// error with its line and column.
import { clear, fmtNumber, h } from "./dom.js";

const PAGE = 50;

function typeName(type) {
  if (typeof type === "string") return type;
  if (type && type.type === "array") return `array<${typeName(type.elementType)}>`;
  if (type && type.type === "map") return `map<${typeName(type.keyType)},${typeName(type.valueType)}>`;
  if (type && type.type) return type.type;
  return "?";
}

function cellText(v) {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return fmtNumber(v);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function csvField(v) {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(columns, rows) {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(","));
  return lines.join("\n") + "\n";
}

class ResultTab {
  constructor(tabs, title) {
    this.tabs = tabs;
    this.title = title;
    this.page = 0;
    this.label = h("span.tab-label", title);
    this.badge = h("span.tab-state.running", "…");
    this.head = h(
      "button.result-tab",
      { onclick: () => tabs.select(this), title },
      this.badge,
      this.label,
      h("span.tab-close", { title: "close", onclick: (e) => (e.stopPropagation(), tabs.close(this)) }, "×"),
    );
    this.body = h("div.result-body", h("div.result-status", "running…"));
    this.started = performance.now();
  }

  setState(state, text) {
    this.badge.className = `tab-state ${state}`;
    this.badge.textContent = { running: "…", ok: "✓", error: "!" }[state];
    if (text) this.label.textContent = text;
  }

  running(message) {
    this.setState("running");
    clear(this.body, h("div.result-status", h("span.spinner"), message));
  }

  showResult(result, extra = "") {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(2);
    this.fields = (result?.schema?.fields || []).map((f) => ({ name: f.name, type: typeName(f.type) }));
    this.rows = Array.isArray(result?.data) ? result.data : Array.isArray(result) ? result : [];
    if (!this.fields.length && this.rows.length) this.fields = Object.keys(this.rows[0]).map((name) => ({ name, type: "" }));
    this.summary = `${this.rows.length} row${this.rows.length === 1 ? "" : "s"} · ${seconds} s${extra}`;
    this.setState("ok");
    this.page = 0;
    this.render();
  }

  showError(error, lineOffset = 0) {
    this.setState("error");
    const where = error.line ? `line ${error.line + lineOffset}, column ${error.column ?? 1}: ` : "";
    const more = (error.errors || []).slice(1).map((e) => h("li", `line ${e.line + lineOffset}, column ${e.column ?? 1}: ${e.message}`));
    clear(
      this.body,
      h(
        "div.result-error",
        h("div.error-code", error.code || "error"),
        h("div.error-message", where + (error.message || "failed")),
        error.hint ? h("div.error-hint", error.hint) : null,
        more.length ? h("ul", more) : null,
      ),
    );
  }

  render() {
    const pages = Math.max(1, Math.ceil(this.rows.length / PAGE));
    const start = this.page * PAGE;
    const slice = this.rows.slice(start, start + PAGE);
    const columns = this.fields.map((f) => f.name);
    const table = h(
      "table.grid",
      h("thead", h("tr", h("th.rownum", "#"), this.fields.map((f) => h("th", h("div.col-name", f.name), h("div.col-type", f.type))))),
      h(
        "tbody",
        slice.map((row, i) =>
          h("tr", h("td.rownum", start + i + 1), columns.map((c) => {
            const v = row[c];
            return h(`td${typeof v === "number" ? ".num" : v === null ? ".null" : ""}`, cellText(v));
          })),
        ),
      ),
    );
    const pager = h(
      "div.pager",
      h("button", { disabled: this.page === 0, onclick: () => this.go(this.page - 1) }, "‹ Prev"),
      h("span.page-info", `page ${this.page + 1} of ${pages}`),
      h("button", { disabled: this.page >= pages - 1, onclick: () => this.go(this.page + 1) }, "Next ›"),
    );
    clear(
      this.body,
      h(
        "div.result-toolbar",
        h("span.result-status", this.summary),
        pager,
        h("button.csv", { onclick: () => this.download(columns) }, "Download CSV"),
      ),
      this.fields.length ? h("div.grid-wrap", table) : h("div.result-status", "no table (the script's last statement returned none)"),
    );
  }

  go(page) {
    this.page = page;
    this.render();
  }

  download(columns) {
    const blob = new Blob([toCsv(columns, this.rows)], { type: "text/csv" });
    const a = h("a", { href: URL.createObjectURL(blob), download: `${this.title.replace(/[^\w.-]+/g, "_") || "result"}.csv` });
    document.body.append(a);
    a.click();
    setTimeout(() => (URL.revokeObjectURL(a.href), a.remove()), 1000);
  }
}

export class ResultTabs {
  constructor() {
    this.tabs = [];
    this.bar = h("div.result-tabs");
    this.content = h("div.result-content", h("div.empty", "Results of your runs appear here, one tab per run."));
    this.el = h("section.results", this.bar, this.content);
    this.count = 0;
  }

  add(title) {
    this.count += 1;
    const tab = new ResultTab(this, `${this.count}: ${title}`);
    this.tabs.push(tab);
    this.bar.append(tab.head);
    this.select(tab);
    return tab;
  }

  select(tab) {
    for (const t of this.tabs) t.head.classList.toggle("active", t === tab);
    clear(this.content, tab ? tab.body : h("div.empty", "No results."));
    this.current = tab;
  }

  close(tab) {
    const i = this.tabs.indexOf(tab);
    this.tabs.splice(i, 1);
    tab.head.remove();
    if (this.current === tab) this.select(this.tabs[Math.min(i, this.tabs.length - 1)]);
  }
}
