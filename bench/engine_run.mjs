// Run a built site's own search engine (assets/js/search-engine.js) in Node, whatever the
// search layout, and time it: `fetch` reads the site's files and records each one, the few
// browser globals the engine touches are stubbed, and lunr.js 2.3.9 comes from node_modules.
//
//   node bench/engine_run.mjs SITE ENGINE_JS INDEX PAGE_SIZE REPEAT QUERY...
//
// INDEX is the file the engine starts from (search/lunr-index.json or search/manifest.json).
// For each query: the load time, the first search as the search page runs it ({tags: true,
// documents: PAGE_SIZE}) and the files fetched until then, then the median of REPEAT warm
// searches. With a manifest every query starts in a fresh engine (a new tab: no shard loaded
// yet); a whole index is loaded once, since loading it is the same work for every query.
// Prints one JSON object.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const lunr = require("lunr");
const BASE = "http://site.test/";

const [siteDir, enginePath, index, pageSizeArg, repeatArg, ...queries] = process.argv.slice(2);
const pageSize = Number(pageSizeArg);
const repeat = Math.max(1, Number(repeatArg) || 1);
const engineSource = readFileSync(enginePath, "utf8");

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

class Response {
  constructor(status, body) {
    this.status = status;
    this.ok = status >= 200 && status < 300;
    this.body = body;
  }

  async json() {
    return JSON.parse(this.body);
  }
}

async function openEngine() {
  const fetched = [];
  const fetch = async (url) => {
    const file = decodeURIComponent(new URL(url, BASE).pathname).replace(/^\/+/, "");
    try {
      const body = readFileSync(path.join(siteDir, file));
      fetched.push(file);
      return new Response(200, body.toString("utf8"));
    } catch {
      fetched.push(file);
      return new Response(404, "");
    }
  };
  const window = { lunr, fetch };
  window.window = window;
  window.document = { currentScript: null, head: { appendChild() {} }, createElement: () => ({}) };
  const globals = { console, URL, Promise, Set, Map, Object, Math, JSON };
  const context = vm.createContext(Object.assign(window, globals));
  vm.runInContext(engineSource, context, { filename: enginePath });
  const start = now();
  const engine = await context.SiteSearchEngine.load({ base: BASE, lunrUrl: "lunr.js", index: BASE + index });
  return { engine, fetched, loadMs: now() - start };
}

const fresh = /manifest\.json$/.test(index);
const results = [];
let opened = null;
for (const query of queries) {
  if (fresh || opened === null) opened = await openEngine();
  const { engine, fetched, loadMs } = opened;
  let start = now();
  const hits = await engine.search(query, { tags: true, documents: pageSize });
  const firstMs = now() - start;
  const firstFetched = [...new Set(fetched)];
  const warm = [];
  for (let i = 0; i < repeat; i += 1) {
    start = now();
    await engine.search(query, { documents: pageSize });
    warm.push(now() - start);
  }
  results.push({
    query,
    load_ms: loadMs,
    first_ms: firstMs,
    warm_median_ms: median(warm),
    hits: hits.length,
    top: hits.length ? hits[0].ref : null,
    fetched: firstFetched,
  });
}
process.stdout.write(JSON.stringify({ queries: results }) + "\n");
