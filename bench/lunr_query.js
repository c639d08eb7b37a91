// Load a prebuilt lunr index with lunr.js 2.3.9 and time typical queries.
//
//   node bench/lunr_query.js INDEX.json REPEAT QUERY...
//
// Prints one JSON object: read, parse and load times (ms), and per query the median time
// over REPEAT runs, the number of hits and the top ref.
"use strict";

const fs = require("fs");
const lunr = require("lunr");

function ms(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const [indexPath, repeatArg, ...queries] = process.argv.slice(2);
const repeat = Math.max(1, Number(repeatArg) || 1);

let start = process.hrtime.bigint();
const text = fs.readFileSync(indexPath, "utf8");
const readMs = ms(start);
start = process.hrtime.bigint();
const data = JSON.parse(text);
const parseMs = ms(start);
start = process.hrtime.bigint();
const index = lunr.Index.load(data);
const loadMs = ms(start);

const results = queries.map((query) => {
  const times = [];
  let hits = [];
  for (let i = 0; i < repeat; i += 1) {
    const t = process.hrtime.bigint();
    hits = index.search(query);
    times.push(ms(t));
  }
  return {
    query,
    median_ms: median(times),
    first_ms: times[0],
    hits: hits.length,
    top: hits.length ? hits[0].ref : null,
  };
});

process.stdout.write(
  JSON.stringify({
    read_ms: readMs,
    parse_ms: parseMs,
    load_ms: loadMs,
    heap_mib: process.memoryUsage().heapUsed / 1048576,
    queries: results,
  }) + "\n"
);
