// Builds the console into server/console/static/ (run by `make console`; needs `npm ci` first).
//
// - console.js / console.css: src/main.js and everything it imports (CodeMirror 6, uPlot),
//   bundled and minified by esbuild;
// - index.html: copied from this folder;
// - build-info.json: the keywords taken from grammar/MLSQL.g4 and a digest of every input, which
//   tests/console/test_bundle.py compares with the sources to fail when the bundle is stale.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const out = join(root, "server", "console", "static");

// The grammar's keywords: lexer rules whose body is one quoted word, e.g. `TRAIN : 'train';`.
export function grammarKeywords(text) {
  const found = [...text.matchAll(/^([A-Z_]+)\s*:\s*'([A-Za-z]+)'\s*;/gm)].map((m) => m[2]);
  return [...new Set(found)].sort((a, b) => a.localeCompare(b));
}

// The inputs whose digest build-info.json records (sorted, relative to the repository).
function inputs() {
  const src = readdirSync(join(here, "src")).sort().map((f) => `console/src/${f}`);
  return ["console/build.mjs", "console/index.html", "console/package-lock.json", ...src, "grammar/MLSQL.g4"];
}

function digest(files) {
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file + "\0");
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const keywords = grammarKeywords(readFileSync(join(root, "grammar", "MLSQL.g4"), "utf8"));
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { console: join(here, "src", "main.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  outdir: out,
  define: { MLSQL_KEYWORDS: JSON.stringify(keywords) },
  legalComments: "eof",
  logLevel: "info",
});
copyFileSync(join(here, "index.html"), join(out, "index.html"));
const files = inputs();
const info = { keywords, inputs: files, digest: digest(files) };
writeFileSync(join(out, "build-info.json"), JSON.stringify(info, null, 2) + "\n");
console.log(`console: ${keywords.length} keywords, digest ${info.digest.slice(0, 12)}`);
