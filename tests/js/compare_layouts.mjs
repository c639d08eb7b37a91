// Checks the split search layout against the whole index, through the theme's engine.
//
//   node tests/js/compare_layouts.mjs SPEC.json
//
// SPEC.json: {"split": DIR, "whole": DIR, "queries": ["...", ...], "all": true,
//             "documents": 10, "documents_every": 1}
// DIR: a site folder with search/manifest.json (split) or search/lunr-index.json and
// search/documents.json (whole), built from the same papers.
//
// For each query, an engine that has loaded nothing yet (a fresh page) runs it on the split
// layout, and so does one engine that has run every query before it (a page that has been
// searched: its shards must not change the results), and one engine runs it on the whole index.
// The check passes when
//   1. all three give the same results: the same refs with the same scores in the same order
//      (all of them with "all", else the top ten), or the same query error;
//   2. on the whole layout, a query in lunr syntax gives lunr.js's own top ten
//      (lunr.Index.load of lunr-index.json, then index.search), unless the engine refused it:
//      a term of wildcards only (`*`), an empty term (a lone `\`), or an edit distance above
//      its limit (which would take lunr.js seconds, or all its memory). Where the engine reads
//      a colon as punctuation ("MossFormer2: Combining", "speech : model"), lunr.js must reject
//      the query as written, and the engine must give lunr.js's top ten of the query it made
//      (when that is still lunr syntax);
//   3. for every "documents_every"-th query (default: each), the first "documents" results of
//      the split engine, once documents(results) resolved, hold what documents.json holds for
//      them, and with {tags: true} every result holds its tags (in any order until its document
//      arrives).
// It prints a JSON report (per query: hits, files and bytes the split engine fetched) and exits
// with status 1 when a check fails.

import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { openEngine, top } from "./engine_harness.mjs";

const require = createRequire(import.meta.url);
const lunr = require("lunr");
const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const whole = await openEngine(spec.whole, { index: "search/lunr-index.json" });
const documents = JSON.parse(readFileSync(path.join(spec.whole, "search/documents.json"), "utf8"));
const lunrIndex = lunr.Index.load(JSON.parse(readFileSync(path.join(spec.whole, "search/lunr-index.json"), "utf8")));
const n = spec.all ? Infinity : 10;
const report = { failures: [], queries: [] };
const reused = await openEngine(spec.split, { index: "search/manifest.json" });

const every = spec.documents_every || 1;

// lunr.js's own top ten on the whole index, or its error.
function lunrTop(q) {
  try {
    return lunrIndex.search(q).slice(0, 10).map((r) => [r.ref, r.score]);
  } catch (error) {
    return { error: "QueryError: " + error.message };
  }
}

for (const [i, q] of spec.queries.entries()) {
  const split = await openEngine(spec.split, { index: "search/manifest.json" });
  const started = process.hrtime.bigint();
  const got = await top(split.engine, q, n);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const want = await top(whole.engine, q, n);
  const entry = {
    q,
    same: JSON.stringify(got) === JSON.stringify(want),
    hits: Array.isArray(got) ? got.length : got.error,
    first: Array.isArray(got) && got.length ? got[0][0] : null,
    files: split.fetched.length,
    bytes: split.fetched.reduce((sum, f) => sum + f.bytes, 0),
    ms: Math.round(ms),
  };
  if (!entry.same) {
    report.failures.push(`query ${JSON.stringify(q)}: split and whole layouts differ`);
    entry.split = Array.isArray(got) ? got.slice(0, 5) : got;
    entry.whole = Array.isArray(want) ? want.slice(0, 5) : want;
  }
  const again = await top(reused.engine, q, n);
  if (JSON.stringify(again) !== JSON.stringify(want)) {
    report.failures.push(`query ${JSON.stringify(q)}: an engine that ran the queries before it differs`);
    entry.reused = Array.isArray(again) ? again.slice(0, 5) : again;
  }
  // The engine refuses what lunr.js would take for every term of the index (`*`), an empty term
  // (a lone backslash), and edit distances that would take lunr.js seconds or all its memory.
  const refused = !Array.isArray(want)
    && /^QueryError: (a wildcard needs letters|a backslash needs|an edit distance of at most)/.test(want.error);
  // It reads "word: " after a word that is not a field, and a lone ":", as punctuation (pasted
  // titles): only where lunr.js cannot read the query as written.
  const text = whole.engine.prose(q.trim());
  const mine = Array.isArray(want) ? want.slice(0, 10) : want;
  if (refused) {
    // lunr.js is not asked: it might take minutes
  } else if (text !== q.trim() && !whole.api.identifier(q.trim()) && !("error" in lunrTop(q))) {
    report.failures.push(`query ${JSON.stringify(q)}: a colon lunr.js reads was taken for punctuation`);
  } else if (!whole.api.isPlain(text)) {
    if (JSON.stringify(lunrTop(text)) !== JSON.stringify(mine)) {
      report.failures.push(`query ${JSON.stringify(q)}: the engine's top ten is not lunr.js's`);
    }
  }
  if (spec.documents && Array.isArray(got) && i % every === 0) {
    const results = await split.engine.search(q, { tags: true });
    const shown = results.slice(0, spec.documents);
    await split.engine.documents(shown);
    for (const result of shown) {
      const expected = documents[result.ref];
      const actual = { title: result.doc.title, url: result.doc.url, date: result.doc.date, tags: result.doc.tags, snippet: result.doc.snippet, authors: result.doc.authors };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        report.failures.push(`query ${JSON.stringify(q)}: document ${result.ref} differs`);
        break;
      }
    }
    const sorted = (tags) => JSON.stringify([...tags].sort());
    const wrongTags = results.find((r) => sorted(r.doc.tags) !== sorted(documents[r.ref].tags));
    if (wrongTags) report.failures.push(`query ${JSON.stringify(q)}: tags of ${wrongTags.ref} differ`);
  }
  report.queries.push(entry);
}

report.ok = report.failures.length === 0;
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
process.exitCode = report.ok ? 0 : 1; // not process.exit(): a pipe would lose what stdout has not yet written
