// Run a built site's own search engine (assets/js/search-engine.js) in Node, whatever the
// search layout, and time it, through the tests' harness (tests/js/engine_harness.mjs): `fetch`
// reads the site's files and records each one, the few browser globals the engine touches are
// stubbed, and lunr.js 2.3.9 comes from node_modules.
//
//   node bench/engine_run.mjs SITE ENGINE_JS INDEX FIRST_SHOWN REPEAT QUERY...
//
// INDEX is the file the engine starts from (search/lunr-index.json or search/manifest.json).
// For each query: the load time, the first search as the search page runs it ({tags: true,
// documents: FIRST_SHOWN}, the results it shows at once) and the files fetched until then (what
// a reader's browser fetches before the first result), then the median of REPEAT warm
// searches. With a manifest every query starts in a fresh engine (a new tab: no shard loaded
// yet); a whole index is loaded once, since loading it is the same work for every query.
// Prints one JSON object.
import { openEngine } from "../tests/js/engine_harness.mjs";

const [siteDir, enginePath, index, firstShownArg, repeatArg, ...queries] = process.argv.slice(2);
const firstShown = Number(firstShownArg);
const repeat = Math.max(1, Number(repeatArg) || 1);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const fresh = /manifest\.json$/.test(index);
const results = [];
let opened = null;
for (const query of queries) {
  if (fresh || opened === null) opened = await openEngine(siteDir, { index, engine: enginePath });
  const { engine, fetched, loadMs } = opened;
  let start = now();
  const hits = await engine.search(query, { tags: true, documents: firstShown });
  const firstMs = now() - start;
  const firstFetched = [...new Set(fetched.map((file) => file.path))];
  const warm = [];
  for (let i = 0; i < repeat; i += 1) {
    start = now();
    await engine.search(query, { documents: firstShown });
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
