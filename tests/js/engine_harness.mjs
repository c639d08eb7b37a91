// Runs the theme's search engine (themes/default/static/js/search-engine.js) in Node against a
// built site folder: the browser globals it touches are stubbed, `fetch` reads the site's files
// and every fetched file is recorded (path and bytes), and lunr.js 2.3.9 comes from
// node_modules as the page's lunr.min.js would. The benchmark (bench/engine_run.mjs) runs the
// engine through it too.
//
//   const { engine, fetched, loadMs } = await openEngine(siteDir, { index: "search/manifest.json" });

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const ENGINE = path.resolve(here, "../../themes/default/static/js/search-engine.js");
const lunr = require("lunr");

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

// A fresh engine context: nothing cached between two calls, as in a new browser tab.
// options.index: the file the engine starts from; options.engine: another copy of the engine
// (a built site's own); loadMs: how long SiteSearchEngine.load took.
export async function openEngine(siteDir, options = {}) {
  const { context, fetched } = engineContext(siteDir, options);
  const index = options.index === undefined ? undefined : "http://site.test/" + options.index;
  const start = process.hrtime.bigint();
  const engine = await context.SiteSearchEngine.load({ base: "http://site.test/", lunrUrl: "lunr.js", index });
  const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { engine, fetched, api: context.SiteSearchEngine, loadMs };
}

// The engine's functions (SiteSearchEngine: load, isPlain, trim, ...) without a site.
export function engineApi() {
  return engineContext("", {}).context.SiteSearchEngine;
}

// The builder pipeline of the site's index: lunr.js's, with the engine's trimmer (which keeps
// the letters of every script) in place of lunr.trimmer.
export function indexPipeline() {
  const { trim } = engineApi();
  const trimmer = (token) => token.update((s) => trim(s));
  return [trimmer, lunr.stopWordFilter, lunr.stemmer];
}

function engineContext(siteDir, options) {
  const fetched = [];
  const fetch = async (url) => {
    const file = decodeURIComponent(new URL(url, "http://site.test/").pathname).replace(/^\/+/, "");
    try {
      const body = readFileSync(path.join(siteDir, file));
      fetched.push({ path: file, bytes: body.length });
      return new Response(200, body.toString("utf8"));
    } catch (error) {
      fetched.push({ path: file, bytes: 0, missing: true });
      return new Response(404, "");
    }
  };
  const window = { lunr, fetch };
  window.window = window;
  window.document = { currentScript: null, head: { appendChild() {} }, createElement() { return {}; } };
  const context = vm.createContext(Object.assign(window, { console, URL, Promise, Set, Map, Object, Math, JSON }));
  const enginePath = options.engine || ENGINE;
  vm.runInContext(readFileSync(enginePath, "utf8"), context, { filename: enginePath });
  return { context, fetched };
}

// The top `n` results as [ref, score] pairs, or the query's error (name: message).
export async function top(engine, query, n = 10, options = {}) {
  try {
    const results = await engine.search(query, options);
    return n === Infinity ? results.map((r) => [r.ref, r.score]) : results.slice(0, n).map((r) => [r.ref, r.score]);
  } catch (error) {
    return { error: error.name + ": " + error.message };
  }
}
