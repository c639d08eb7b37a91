// A page that loaded the manifest of one build keeps searching after the site is rebuilt.
//
//   node tests/js/new_build.mjs SPEC.json
//
// SPEC.json: {"first": DIR, "second": DIR, "whole": DIR, "site": DIR, "before": "...",
//             "during": "...", "after": "..."}: two split builds of different catalogues, the
// whole index of the second, and an empty folder to serve from. The engine opens on the first
// build and runs "before"; "during" starts (its first files read from the first build), the
// site is replaced by the second build (the first build's files are gone), and "after" (which
// needs shards the engine has not loaded) runs. Both must give the second build's results, as
// the whole index of the second build gives them, documents included. Prints a JSON report;
// exit status 1 when it fails.

import { cpSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { openEngine, top } from "./engine_harness.mjs";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const publish = (from) => {
  rmSync(path.join(spec.site, "search"), { recursive: true, force: true });
  cpSync(path.join(from, "search"), path.join(spec.site, "search"), { recursive: true });
};

publish(spec.first);
const { engine, fetched } = await openEngine(spec.site, { index: "search/manifest.json" });
const before = await top(engine, spec.before);
const during = engine.search(spec.during, { documents: 10 });
publish(spec.second);
const after = await top(engine, spec.after, Infinity);
const duringResults = await during;
const whole = await openEngine(spec.whole, { index: "search/lunr-index.json" });
const expected = await top(whole.engine, spec.after, Infinity);
const expectedDuring = await whole.engine.search(spec.during);
const pairs = (results) => JSON.stringify(results.map((r) => [r.ref, r.score, r.doc.title]));
const duringOk = pairs(duringResults.slice(0, 10)) === pairs(expectedDuring.slice(0, 10));
const report = {
  before: Array.isArray(before) ? before.length : before,
  after: Array.isArray(after) ? after.length : after,
  during: duringResults.length,
  duringOk,
  missing: fetched.filter((f) => f.missing).map((f) => f.path),
  ok: duringOk && Array.isArray(after) && after.length > 0 && JSON.stringify(after) === JSON.stringify(expected),
};
process.stdout.write(JSON.stringify(report) + "\n");
process.exitCode = report.ok ? 0 : 1; // not process.exit(): a pipe would lose what stdout has not yet written
