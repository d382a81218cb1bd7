// The console's shell: sign-in with the server's token, then four pages (Editor, Jobs, Models,
// Notebooks) under one header. Jobs are pushed by the server while signed in.
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { ApiError, api, auth } from "./api.js";
import { clear, h } from "./dom.js";
import { refreshWords } from "./editor.js";
import { jobStore, jobsView } from "./jobs.js";
import { modelsView } from "./models.js";
import { NotebookPage, notebooksView } from "./notebook.js";

const app = document.getElementById("app");
let editor = null;
let current = null;

const PAGES = {
  editor: () => ({ el: editor.el, dispose() {} }),
  jobs: jobsView,
  models: modelsView,
  notebooks: () => notebooksView(openNotebook),
};

async function openNotebook(id) {
  editor.load(await api(`/notebooks/${id}`));
  location.hash = "#editor";
}

function signInView(message = "") {
  const saved = auth.get() || {};
  const token = h("input", { type: "password", id: "token", placeholder: "your access token", value: saved.token || "" });
  const owner = h("input", { id: "owner", placeholder: "the token's owner", value: "" });
  const error = h("div.signin-error", message);
  const form = h(
    "form.signin",
    {
      onsubmit: async (e) => {
        e.preventDefault();
        auth.set({ token: token.value.trim(), owner: owner.value.trim() });
        try {
          const me = await api("/me");
          auth.set({ token: token.value.trim(), owner: me.owner });
          start();
        } catch (err) {
          auth.clear();
          error.textContent = err instanceof ApiError && err.status === 401 ? "That token is not valid." : err.message;
        }
      },
    },
    h("h1", h("span.logo", "ML"), "SQL console"),
    h("p.sub", "Sign in with your token for this server."),
    h("label", "Token", token),
    h("label", "Act as owner (admins only; empty: the token's own)", owner),
    error,
    h("button.primary", { type: "submit" }, "Sign in"),
  );
  clear(app, h("div.signin-wrap", form));
}

function shell(owner) {
  const nav = h(
    "nav",
    Object.keys(PAGES).map((name) => h("a", { href: `#${name}`, dataset: { page: name } }, name[0].toUpperCase() + name.slice(1))),
  );
  const main = h("main");
  const header = h(
    "header",
    h("div.brand", h("span.logo", "ML"), "SQL"),
    nav,
    h("span.spacer"),
    h("span.who", { title: "signed in as" }, owner),
    h("button.ghost.signout", { onclick: signOut }, "Sign out"),
  );
  clear(app, header, main);
  return { nav, main };
}

let layout = null;

function route() {
  if (!layout) return;
  const name = (location.hash || "#editor").slice(1);
  const make = PAGES[name] || PAGES.editor;
  if (current) current.dispose();
  current = make();
  clear(layout.main, current.el);
  for (const a of layout.nav.querySelectorAll("a")) a.classList.toggle("active", a.dataset.page === name);
}

function start() {
  const { owner } = auth.get();
  layout = shell(owner);
  editor = editor || new NotebookPage();
  jobStore.start();
  refreshWords();
  route();
}

function signOut() {
  jobStore.stop();
  auth.clear();
  layout = null;
  editor = null;
  signInView();
}

window.addEventListener("hashchange", route);

(async () => {
  if (!auth.get()) {
    // A server without a token lets everyone in: try it before asking.
    auth.set({ token: "", owner: "" });
    try {
      await api("/me");
      return start();
    } catch {
      auth.clear();
      return signInView();
    }
  }
  try {
    await api("/me");
    start();
  } catch (err) {
    signInView(err.message);
  }
})();
