// Checks a Python-built index against lunr.js 2.3.9 itself.
//
//   node tests/js/compare_index.mjs SPEC.json INDEX.json
//
// SPEC.json: {"ref": "id", "fields": [["title", 10], ...], "documents": [{...}, ...],
//             "queries": ["...", ...], "titleQueries": true}
// INDEX.json: the serialized index written by site_gen.lunr_index.dumps.
//
// lunr.js builds an index from the same documents, fields, boosts and ref (its pipeline with the
// engine's trimmer, which is lunr.trimmer on ASCII and keeps the letters of every script; empty
// metadata whitelist). The check passes when
//   1. JSON.stringify of both indexes is the same text (same terms, term indices, postings in
//      the same key order, field vectors with the same rounded scores);
//   2. every query gives the same top ten (refs and scores) on lunr.js's index and on ours
//      loaded with lunr.Index.load;
//   3. with "titleQueries", every document is in the top three of the query made of three
//      distinctive words of its title: the title's plain words (letters and digits, not stop
//      words) whose terms are in the fewest documents, ties broken by position in the title.
// It prints a JSON report and exits with status 1 when a check fails.

import { readFileSync } from "node:fs";
import lunr from "lunr";
import { engineApi, indexPipeline } from "./engine_harness.mjs";

const [specPath, indexPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const ourText = readFileSync(indexPath, "utf8");
const ours = lunr.Index.load(JSON.parse(ourText));

const { trim } = engineApi();
const reference = lunr(function () {
  this.pipeline.reset();
  this.pipeline.add(...indexPipeline());
  this.ref(spec.ref || "id");
  for (const [name, boost] of spec.fields) this.field(name, { boost });
  this.metadataWhitelist = [];
  for (const doc of spec.documents) this.add(doc);
});

const report = { lunrVersion: lunr.version, identical: false, failures: [] };
const expected = JSON.stringify(reference);
const actual = JSON.stringify(JSON.parse(ourText));
report.identical = expected === actual;
report.bytes = { lunr: expected.length, ours: ourText.length };
if (!report.identical) {
  report.failures.push("serialized indexes differ");
  report.diff = describeDiff(JSON.parse(expected), JSON.parse(actual));
}

// The top ten as [ref, score] pairs, or the error a query raises (both indexes must agree).
function top(index, q) {
  try {
    return index.search(q).slice(0, 10).map((r) => [r.ref, r.score]);
  } catch (error) {
    return { error: error.name + ": " + error.message };
  }
}

report.queries = (spec.queries || []).map((q) => {
  const want = top(reference, q);
  const got = top(ours, q);
  const same = JSON.stringify(want) === JSON.stringify(got);
  if (!same) report.failures.push(`query ${JSON.stringify(q)} ranks differently`);
  if (!Array.isArray(got)) return { q, same, error: got.error };
  return { q, same, hits: got.length, top: got.slice(0, 3) };
});

if (spec.titleQueries) report.titleQueries = titleQueries();

report.ok = report.failures.length === 0;
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
process.exitCode = report.ok ? 0 : 1; // not process.exit(): a pipe would lose what stdout has not yet written

function titleQueries() {
  const serialized = JSON.parse(ourText);
  const df = new Map();
  for (const [term, posting] of serialized.invertedIndex) {
    const docs = new Set();
    for (const field of serialized.fields) Object.keys(posting[field]).forEach((r) => docs.add(r));
    df.set(term, docs.size);
  }
  const refField = spec.ref || "id";
  return spec.documents.map((doc) => {
    const words = distinctiveWords(doc.title, df);
    const q = words.join(" ");
    const results = ours.search(q);
    const rank = results.findIndex((r) => r.ref === String(doc[refField])) + 1;
    if (JSON.stringify(top(reference, q)) !== JSON.stringify(top(ours, q))) {
      report.failures.push(`title query ${JSON.stringify(q)} ranks differently`);
    }
    if (rank < 1 || rank > 3) report.failures.push(`title query ${JSON.stringify(q)}: rank ${rank}`);
    return { ref: doc[refField], q, rank };
  });
}

function distinctiveWords(title, df) {
  const seen = new Set();
  const candidates = [];
  lunr.tokenizer(title).forEach((token, position) => {
    const word = trim(token.toString());
    if (!/^[a-z0-9]+$/.test(word) || lunr.stopWordFilter(token) === undefined) return;
    const term = lunr.stemmer(new lunr.Token(word)).toString();
    if (seen.has(term)) return;
    seen.add(term);
    candidates.push({ word, position, df: df.get(term) ?? Infinity });
  });
  candidates.sort((a, b) => a.df - b.df || a.position - b.position);
  return candidates.slice(0, 3).sort((a, b) => a.position - b.position).map((c) => c.word);
}

function describeDiff(want, got) {
  const diff = {};
  for (const key of ["version", "fields", "pipeline"]) {
    if (JSON.stringify(want[key]) !== JSON.stringify(got[key])) diff[key] = { lunr: want[key], ours: got[key] };
  }
  const wantTerms = new Map(want.invertedIndex);
  const gotTerms = new Map(got.invertedIndex);
  diff.termsOnlyInLunr = [...wantTerms.keys()].filter((t) => !gotTerms.has(t)).slice(0, 20);
  diff.termsOnlyInOurs = [...gotTerms.keys()].filter((t) => !wantTerms.has(t)).slice(0, 20);
  diff.postingsDiffer = [...wantTerms.keys()]
    .filter((t) => gotTerms.has(t) && JSON.stringify(wantTerms.get(t)) !== JSON.stringify(gotTerms.get(t)))
    .slice(0, 10)
    .map((t) => ({ term: t, lunr: wantTerms.get(t), ours: gotTerms.get(t) }));
  const gotVectors = new Map(got.fieldVectors);
  diff.vectorsDiffer = want.fieldVectors
    .filter(([ref, v]) => JSON.stringify(v) !== JSON.stringify(gotVectors.get(ref)))
    .slice(0, 5)
    .map(([ref, v]) => ({ ref, lunr: v, ours: gotVectors.get(ref) }));
  diff.termOrderSame =
    JSON.stringify(want.invertedIndex.map((e) => e[0])) === JSON.stringify(got.invertedIndex.map((e) => e[0]));
  diff.vectorOrderSame =
    JSON.stringify(want.fieldVectors.map((e) => e[0])) === JSON.stringify(got.fieldVectors.map((e) => e[0]));
  return diff;
}
