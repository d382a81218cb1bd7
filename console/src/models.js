// The models page: the stores the owner trained, and for one store its versions with metrics
// and the charts the recorded data allows (metrics per version/group, loss per epoch, per-round
// scores for searches that record rounds).
import { api } from "./api.js";
import { clear, fmtNumber, h } from "./dom.js";
import { barChart, lineChart, xyChart } from "./charts.js";

function metricNames(versions) {
  return [...new Set(versions.flatMap((v) => Object.keys(v.metrics || {})))];
}

function versionLabel(v) {
  return `v${v.version}`;
}

function versionsTable(view) {
  const names = metricNames(view.versions);
  return h(
    "table.list.versions",
    h("thead", h("tr", h("th", "Version"), h("th", "Group"), h("th", "Algorithm"), h("th", "Created"), names.map((n) => h("th.num", n)))),
    h(
      "tbody",
      view.versions.map((v) =>
        h(
          `tr${v.version === view.best ? ".best" : ""}`,
          h("td", `v${v.version}`, v.version === view.best ? h("span.tag", "best") : null),
          h("td", v.group ?? ""),
          h("td", v.algorithm || v.error || ""),
          h("td", v.created ? new Date(v.created).toLocaleString() : ""),
          names.map((n) => h("td.num", v.metrics?.[n] !== undefined ? fmtNumber(v.metrics[n]) : "")),
        ),
      ),
    ),
  );
}

function metricsChart(view, area) {
  const names = metricNames(view.versions);
  if (!names.length) return null;
  const primary = view.versions.at(-1).primaryMetric;
  const select = h("select.metric-select", { "aria-label": "metric" }, names.map((n) => h("option", { value: n, selected: n === primary }, n)));
  const slot = h("div");
  const draw = () => {
    const metric = select.value;
    const rows = view.versions.filter((v) => typeof v.metrics?.[metric] === "number");
    clear(slot, barChart(`${metric} per version (one per parameter group or trial)`, rows.map(versionLabel), rows.map((v) => v.metrics[metric]), { yLabel: metric, parent: area }));
  };
  select.addEventListener("change", draw);
  draw();
  return h("div.chart-block.metrics-chart", h("label.chart-pick", "metric ", select), slot);
}

function lossChart(view, area) {
  const groups = view.curves?.loss;
  if (!groups || !Object.keys(groups).length) return null;
  const series = Object.entries(groups).map(([g, points]) => ({ label: `group ${g}`, points }));
  return h("div.chart-block.loss-chart", lineChart("loss per epoch", series, { xLabel: "epoch", yLabel: "loss", parent: area }));
}

function roundsChart(view, area) {
  const rounds = view.curves?.rounds;
  if (!rounds || !rounds.length) return null;
  const metric = rounds[0].metric || "score";
  const series = rounds.map((r) => ({ label: `config ${r.config}${r.bracket != null ? ` (s=${r.bracket})` : ""}`, points: r.points }));
  return h("div.chart-block.rounds-chart", lineChart(`${metric} per round`, series, { xLabel: "units trained", yLabel: metric, parent: area }));
}

function confusionTable(conf) {
  const max = Math.max(1, ...conf.matrix.flat());
  return h(
    "figure.chart.confusion",
    h("figcaption", "confusion matrix (rows: true class, columns: predicted)"),
    h(
      "table.confusion-matrix",
      h("thead", h("tr", h("th", ""), conf.classes.map((c) => h("th", c)))),
      h(
        "tbody",
        conf.matrix.map((row, i) =>
          h("tr", h("th", conf.classes[i]), row.map((n, j) => h(`td${n / max > 0.5 ? ".hot" : ""}`, { style: `--heat:${(n / max).toFixed(3)}` }, n))),
        ),
      ),
    ),
  );
}

function evaluationCharts(result, area) {
  const blocks = [];
  if (result.confusion) blocks.push(h("div.chart-block.confusion-chart", confusionTable(result.confusion)));
  if (result.roc) {
    const series = [
      { label: `ROC (AUC ${fmtNumber(result.roc.auc)})`, points: result.roc.points },
      { label: "chance", points: [[0, 0], [1, 1]], dash: [5, 5], color: "#94a3b8" },
    ];
    blocks.push(h("div.chart-block.roc-chart", xyChart(`ROC curve (positive class ${result.roc.positive})`, series, { kind: "lines", xLabel: "false positive rate", yLabel: "true positive rate", parent: area, range: [0, 1] })));
  }
  if (result.scatter) {
    const byCluster = {};
    for (const [x, y, c] of result.scatter.points) (byCluster[c] ||= []).push([x, y]);
    const series = Object.entries(byCluster).map(([c, points]) => ({ label: `cluster ${c}`, points }));
    blocks.push(h("div.chart-block.scatter-chart", xyChart("clusters on the first two principal components", series, { xLabel: "PC 1", yLabel: "PC 2", parent: area })));
  }
  if (!blocks.length) blocks.push(h("div.empty", "Nothing to chart for this task."));
  return blocks;
}

function evaluatePanel(view, area) {
  const choices = view.versions.filter((v) => !v.error);
  if (!choices.some((v) => v.task === "classification" || v.task === "clustering")) return null;
  const pick = h("select.version-select", { "aria-label": "version" }, choices.map((v) => h("option", { value: v.version, selected: v.version === (view.best ?? choices.at(-1).version) }, `v${v.version}`)));
  const status = h("span.eval-status");
  const out = h("div.charts.eval-charts");
  const button = h(
    "button.evaluate",
    {
      onclick: async () => {
        button.disabled = true;
        status.textContent = "predicting…";
        clear(out);
        try {
          const result = await api("/models/evaluate", { method: "POST", body: { path: view.path, version: Number(pick.value) } });
          status.textContent = `v${result.version} on ${result.table}: ${result.rows} rows`;
          out.append(...evaluationCharts(result, area));
        } catch (err) {
          status.textContent = `${err.message}${err.body?.hint ? ` (${err.body.hint})` : ""}`;
          status.classList.add("bad");
        } finally {
          button.disabled = false;
        }
      },
    },
    "Predict and chart",
  );
  return h(
    "div.evaluate-panel",
    h("h4", "Predictions"),
    h("p.sub", "Confusion matrix and ROC curve (classification) or a 2-D view of the clusters: predicts again on the table the training evaluated on, which must still be in your session."),
    h("div.eval-bar", "version ", pick, button, status),
    out,
  );
}

async function showStore(path, area) {
  clear(area, h("div.empty", "loading…"));
  const view = await api("/models/detail", { params: { path } });
  const latest = view.versions.at(-1);
  const charts = h("div.charts");
  clear(
    area,
    h("h3.store-path", path),
    h("p.sub", `${latest.algorithm} · ${latest.task} · ${view.versions.length} version(s)`, view.best != null ? ` · best v${view.best}` : ""),
    versionsTable(view),
    charts,
  );
  const blocks = [metricsChart(view, area), lossChart(view, area), roundsChart(view, area)].filter(Boolean);
  if (!blocks.length) charts.append(h("div.empty", "No metrics were recorded for this model."));
  charts.append(...blocks);
  const panel = evaluatePanel(view, area);
  if (panel) area.append(panel);
}

export function modelsView() {
  const list = h("ul.store-list");
  const detail = h("div.store-detail", h("div.empty", "Pick a model store on the left."));
  const el = h("section.page.models-page", h("h2", "Models"), h("p.sub", "Model stores your jobs trained, with their versions and metrics."), h("div.models-layout", list, detail));
  (async () => {
    const { models } = await api("/models");
    if (!models.length) clear(list, h("li.empty", "No trained models yet: a train statement creates one."));
    else
      clear(
        list,
        models.map((m) => {
          const metric = Object.entries(m.metrics || {})[0];
          const item = h(
            "li.store",
            { dataset: { path: m.path }, onclick: () => (list.querySelectorAll(".store").forEach((x) => x.classList.toggle("active", x === item)), showStore(m.path, detail)) },
            h("div.store-name", m.path.split("/").filter(Boolean).at(-1)),
            h("div.store-meta", `${m.algorithm} · ${m.versions} version(s)${metric ? ` · ${metric[0]} ${fmtNumber(metric[1])}` : ""}`),
          );
          return item;
        }),
      );
  })();
  return { el, dispose() {} };
}
