// The owner's jobs: one server-sent event stream feeds a store; the Jobs page shows them live
// (statement i of n; per training group: stage, rows read, epoch, loss) with a kill button.
import { api, jobEvents } from "./api.js";
import { clear, fmtNumber, fmtTime, h } from "./dom.js";

export const jobStore = {
  jobs: [],
  listeners: new Set(),
  source: null,
  start() {
    this.stop();
    this.source = jobEvents((jobs) => {
      this.jobs = jobs;
      for (const fn of this.listeners) fn(jobs);
    });
  },
  stop() {
    if (this.source) this.source.close();
    this.source = null;
  },
  subscribe(fn) {
    this.listeners.add(fn);
    fn(this.jobs);
    return () => this.listeners.delete(fn);
  },
};

const LIVE = new Set(["queued", "running"]);

function groupRows(training) {
  const groups = training?.groups || {};
  return Object.entries(groups).map(([g, info]) => {
    const bits = [`group ${g}`, info.status || info.stage || ""];
    if (info.rows !== undefined) bits.push(`${info.rows} rows read`);
    if (info.epoch !== undefined) bits.push(`epoch ${info.epoch}/${info.epochs ?? "?"}`);
    if (info.loss !== undefined) bits.push(`loss ${fmtNumber(info.loss)}`);
    const fraction = info.epochs ? info.epoch / info.epochs : info.status === "done" || info.status === "saved" ? 1 : null;
    return h(
      "div.group-progress",
      { dataset: { group: g } },
      h("span.group-text", bits.filter(Boolean).join(" · ")),
      fraction !== null ? h("span.bar", h("span.fill", { style: `width:${Math.round(fraction * 100)}%` })) : null,
    );
  });
}

function progressCell(job) {
  const p = job.progress || {};
  const head = job.statements ? `statement ${job.statement}/${job.statements}${p.kind ? ` (${p.kind})` : ""}` : "";
  return h("div.progress", head ? h("div", head) : null, groupRows(p.training));
}

function jobRow(job) {
  const live = LIVE.has(job.status);
  const kill = live
    ? h("button.danger.kill", {
        onclick: async (e) => {
          e.target.disabled = true;
          e.target.textContent = "killing…";
          try {
            await api(`/jobs/${job.jobId}/kill`, { method: "POST" });
          } catch (err) {
            e.target.textContent = err.message;
          }
        },
      }, "Kill")
    : null;
  const seconds = job.runMs != null ? `${(job.runMs / 1000).toFixed(1)} s` : live && job.progress?.elapsedSeconds ? `${job.progress.elapsedSeconds.toFixed(0)} s…` : "";
  return h(
    "tr",
    { dataset: { job: job.jobId, status: job.status } },
    h("td", h(`span.status.${job.status}`, job.status)),
    h("td", h("div.job-name", job.jobName), h("div.job-sql", { title: job.sql }, job.sql.slice(0, 120))),
    h("td", fmtTime(job.submittedAt)),
    h("td", seconds),
    h("td", progressCell(job), job.error ? h("div.job-error", job.error.message) : null),
    h("td", kill),
  );
}

export function jobsView() {
  const body = h("tbody");
  const table = h(
    "table.jobs",
    h("thead", h("tr", h("th", "Status"), h("th", "Job"), h("th", "Submitted"), h("th", "Time"), h("th", "Progress"), h("th", ""))),
    body,
  );
  const empty = h("div.empty", "No jobs yet: run a script from the editor.");
  const el = h("section.page.jobs-page", h("h2", "Jobs"), h("p.sub", "Your running and past jobs; progress is pushed live by the server."), table, empty);
  const unsubscribe = jobStore.subscribe((jobs) => {
    clear(body, jobs.map(jobRow));
    empty.hidden = jobs.length > 0;
    table.hidden = jobs.length === 0;
  });
  return { el, dispose: unsubscribe };
}

// Resolves with the job once it has ended (seen on the event stream).
export function whenFinished(jobId, onProgress) {
  return new Promise((resolve) => {
    const off = jobStore.subscribe((jobs) => {
      const job = jobs.find((j) => j.jobId === jobId);
      if (!job) return;
      if (LIVE.has(job.status)) {
        if (onProgress) onProgress(job);
        return;
      }
      queueMicrotask(() => off());
      resolve(job);
    });
  });
}
