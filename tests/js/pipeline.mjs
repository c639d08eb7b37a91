// Answers questions about lunr.js 2.3.9's text pipeline and arithmetic, for the Python tests.
//
//   node tests/js/pipeline.mjs REQUEST.json
//
// REQUEST.json: {"texts": ["...", ...], "idf": [[documentsWithTerm, documentCount], ...],
//                "log": [x, ...], "numbers": [x, ...]}
// Prints {"version", "stopWords", "terms", "idf", "log", "numbers"}: for each text the terms the
// builder's pipeline makes of it (lunr.tokenizer, then the engine's trimmer, which is lunr.trimmer
// on ASCII and keeps the letters of every script, stopWordFilter, stemmer), lunr.idf of
// each pair, Math.log of each x, and each x rounded as lunr rounds scores and printed as
// JSON.stringify prints it.

import { readFileSync } from "node:fs";
import lunr from "lunr";
import { indexPipeline } from "./engine_harness.mjs";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const pipeline = new lunr.Pipeline();
pipeline.add(...indexPipeline());

const idf = ([withTerm, count]) => {
  const posting = { _index: 0, field: {} };
  for (let i = 0; i < withTerm; i++) posting.field["d" + i] = {};
  return lunr.idf(posting, count);
};

const stopWords = [];
for (const word of request.stopWordCandidates || []) {
  if (lunr.stopWordFilter(new lunr.Token(word)) === undefined) stopWords.push(word);
}

process.stdout.write(
  JSON.stringify({
    version: lunr.version,
    stopWords,
    terms: (request.texts || []).map((text) => pipeline.run(lunr.tokenizer(text)).map(String)),
    idf: (request.idf || []).map(idf),
    log: (request.log || []).map(Math.log),
    numbers: (request.numbers || []).map((x) => JSON.stringify(Math.round(x * 1000) / 1000)),
  }) + "\n",
);
