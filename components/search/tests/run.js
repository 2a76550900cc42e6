// Runs the browser script's own code under node, without a browser.
// Usage: node run.js [INDEX_DIR] < requests.json > answers.json
// Requests (a JSON array):
//   {"norm": "text"}          -> {"lower": .., "fold": .., "fold_lower": .., "words": [..]}
//   {"snippet": "text", "q": "query"} -> {"snippet": .., "title": .. (all of the text, marked)}
//   {"q": "query", "n": 10}   -> {"ids": [..], "hits": [{"url","title","snippet","date","section"}],
//                                 "ms": time of the search (ranking), "loaded": [files read for it]}
// Marked words come back as <mark>..</mark> inside title and snippet.
"use strict";
const fs = require("fs");
const path = require("path");
// SEARCH_NO_SEGMENTER=1: act like a browser without Intl.Segmenter (the regex fallback).
if (process.env.SEARCH_NO_SEGMENTER) delete Intl.Segmenter;
const S = require("../assets/search.js");

const dir = process.argv[2];
let loaded = [];
const index = new S.Index("", (name) => {
  loaded.push(name);
  return fs.promises.readFile(path.join(dir, name), "utf8").then(JSON.parse);
});
const show = (parts) => parts.map(([t, m]) => (m ? "<mark>" + t + "</mark>" : t)).join("");

async function answer(r) {
  if (r.snippet !== undefined) {
    return { snippet: show(S.snippet(S.parse(r.q), r.snippet)), title: show(S.mark(S.parse(r.q), r.snippet)) };
  }
  if (r.norm !== undefined) {
    const lower = S.lower(r.norm);
    return { lower, fold: S.fold(r.norm), fold_lower: S.fold(lower), words: [...S.words(r.norm)].map((w) => w[0]) };
  }
  loaded = [];
  const t0 = process.hrtime.bigint();
  const res = await index.search(r.q);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const docs = await index.docs(res.ids.slice(0, r.n || 10));
  const hits = docs.map((d) => ({
    url: d.url,
    title: show(S.mark(S.forDoc(res, d.id), d.title)),
    snippet: show(S.snippet(S.forDoc(res, d.id), d.text)),
    date: d.date,
    section: d.section,
  }));
  return { ids: res.ids, hits, ms, loaded };
}

(async () => {
  const reqs = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  // One at a time: the timing of the first query includes loading its shards.
  for (const r of reqs) out.push(await answer(r));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
