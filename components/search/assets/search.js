/* bangtin site search, no dependencies. Index format and HTML contract: components/search/README.md */
(() => {
  "use strict";
  // ---- Normal forms: the same rules as the vi crate (a Rust test compares them) ----
  const TONES = "\u0300\u0301\u0303\u0309\u0323", COMB = /[\u0300-\u036f]/g;
  const QUAL = { a: "\u0306\u0302", e: "\u0302", o: "\u0302\u031b", u: "\u031b", i: "", y: "" };
  const isVowel = (c) => {
    const [b, ...m] = (c || "").normalize("NFD");
    const q = QUAL[(b || "").toLowerCase()];
    return q != null && m.every((x) => q.includes(x) || TONES.includes(x));
  };
  // Page words repeat a lot: remember the forms of the last few thousand.
  const memo = (fn) => {
    const m = new Map();
    return (s) => {
      let r = m.get(s);
      if (r === undefined) m.size > 5000 && m.clear(), m.set(s, (r = fn(s)));
      return r;
    };
  };
  // Exact form: NFC; the tone of an open oa/oe/uy syllable on the first vowel ("hoà" ->
  // "hòa", "thuỷ" -> "thủy"); lower case.
  const lower = memo((s) => {
    const c = [...s.normalize("NFC")];
    for (let i = 1; i < c.length; i++) {
      const p = c[i - 1], d = c[i].normalize("NFD"), b = d[0].toLowerCase();
      if (
        ((/[oO]/.test(p) && /[ae]/.test(b)) || (/[uU]/.test(p) && b == "y")) &&
        d.length == 2 && TONES.includes(d[1]) &&
        !/[\p{Alphabetic}\p{N}\p{M}]/u.test(c[i + 1] || " ") &&
        !(i > 1 && (/[qQ]/.test(c[i - 2]) || isVowel(c[i - 2])))
      )
        (c[i - 1] = (p + d[1]).normalize("NFC")), (c[i] = d[0]);
    }
    return c.join("").toLowerCase().normalize("NFC");
  });
  // Folded form: no diacritics, đ -> d, lower case.
  const fold = memo((s) => {
    if (!/[^\0-\x7f]/.test(s)) return s.toLowerCase();
    let o = "";
    for (const c of s.normalize("NFC")) {
      const p = c.codePointAt(0), b = c.normalize("NFD")[0].toLowerCase();
      if (c == "đ" || c == "Đ") o += "d";
      else if (((p >= 0xc0 && p <= 0x24f) || (p >= 0x1e00 && p <= 0x1eff)) && b.length == 1) o += b;
      else o += c.toLowerCase().replace(COMB, "");
    }
    return o;
  });

  // Words with their offsets, on Unicode word boundaries like the index (UAX #29). ICU's
  // segmenter joins Chinese/Japanese characters by dictionary; UAX #29 keeps them apart.
  const SEG = typeof Intl == "object" && Intl.Segmenter && new Intl.Segmenter("und", { granularity: "word" });
  const RE = /[\p{L}\p{N}\p{M}_]+(?:[':.’·][\p{L}\p{M}_]+|[.,;'’][\p{N}_]+)*/gu;
  const IDEO = /([\p{Ideographic}\p{sc=Hiragana}])/u;
  function* raw(s) {
    if (SEG) {
      for (const x of SEG.segment(s)) if (x.isWordLike) yield [x.segment, x.index];
    } else for (const m of s.matchAll(RE)) yield [m[0], m.index];
  }
  function* words(s) {
    for (const [w, i] of raw(s)) {
      let at = i;
      for (const p of IDEO.test(w) ? w.split(IDEO) : [w]) p && (yield [p, at]), (at += p.length);
    }
  }

  // A query: distinct words, exact (e) and folded (f) forms; the last one is a prefix (p)
  // while the reader is still typing it (no space after it).
  const parse = (q) => {
    const out = [], seen = new Set();
    for (const [w] of words(q)) {
      const e = lower(w);
      if (!seen.has(e) && out.length < 8) seen.add(e), out.push({ e, f: fold(e), p: false });
    }
    if (out.length && /[\p{L}\p{N}\p{M}]$/u.test(q)) out[out.length - 1].p = true;
    return out;
  };
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  // ---- The index: meta.json, term shards t-<i>-<hash>.json, document shards d-<j>-<hash>.json ----
  // A word's postings come as a string: each number in groups of 5 bits, lowest first, each
  // group a character of B64 with 32 added when another group follows.
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", DEC = new Int8Array(128);
  for (let i = 0; i < 64; i++) DEC[B64.charCodeAt(i)] = i;
  const postings = (s) => {
    const out = [];
    for (let i = 0, n = 0, m = 1; i < s.length; i++) {
      const c = DEC[s.charCodeAt(i) & 127];
      n += (c & 31) * m;
      if (c & 32) m *= 32;
      else out.push(n), (n = 0), (m = 1);
    }
    return out;
  };
  class Index {
    // get(url) resolves to the parsed JSON of a file under base.
    constructor(base, get) {
      this.base = base;
      this.get = get;
      this.files = new Map();
    }
    load(name) {
      let p = this.files.get(name);
      if (!p) {
        p = this.get(this.base + name);
        this.files.set(name, p);
        p.catch(() => this.files.delete(name));
      }
      return p;
    }
    async meta() {
      if (!this.m) {
        const m = await this.load("meta.json");
        if (m.v != 2) throw new Error("search index version " + m.v);
        this.m = m;
      }
      return this.m;
    }
    // Term shards holding folded word f (and, for a prefix, a few following ones).
    shards(w) {
      const t = this.m.t;
      let lo = 0, hi = t.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        t[mid] <= w.f ? (lo = mid + 1) : (hi = mid);
      }
      const out = [Math.max(0, lo - 1)];
      // A short prefix may span many shards: take at most 3, the reader will type on.
      while (w.p && lo < t.length && out.length < 3 && t[lo].startsWith(w.f)) out.push(lo++);
      return out;
    }
    // Ranked document ids: all words first, then more exact-diacritic words, then more
    // words in the title, then the BM25-like score.
    async search(q) {
      const m = await this.meta(), ws = parse(q), N = m.n;
      if (!ws.length || !N) return { ws, ids: [], xm: [] };
      const shards = await Promise.all(ws.map((w) => Promise.all(this.shards(w).map((i) => this.load("t-" + i + "-" + this.m.th[i] + ".json")))));
      const cnt = new Uint8Array(N), ex = new Uint8Array(N), ti = new Uint8Array(N), sc = new Float32Array(N);
      const xm = new Uint8Array(N); // bit k: word k matched exactly (for marking)
      ws.forEach((w, k) => {
        const fl = new Uint8Array(N), s = new Float32Array(N);
        let df = 0;
        for (const sh of shards[k]) {
          for (const f of w.p ? Object.keys(sh) : own(sh, w.f) ? [w.f] : []) {
            if (!f.startsWith(w.f)) continue;
            const full = f == w.f, g = sh[f];
            // Decoded once; the shard stays loaded for the next queries.
            for (const v in g) if (own(g, v) && typeof g[v] == "string") g[v] = postings(g[v]);
            // Typed without diacritics, a word most likely means its most frequent form in
            // the site ("bien" -> "biển"): that one counts as exact (so do completions).
            let top = "";
            for (const v in g) if (own(g, v) && (!top || g[v].length > g[top].length)) top = v;
            for (const v in g) {
              if (!own(g, v)) continue;
              const exact = w.e == w.f ? !full || v == top || v == w.e : w.p ? v.startsWith(w.e) : v == w.e;
              const mult = (exact ? 1 : 0.5) * (full ? 1 : 0.6), a = g[v];
              for (let i = 0, d = 0; i < a.length; i += 2) {
                d += a[i];
                const x = a[i + 1], y = ((x >> 1) / 15 + (x & 1)) * mult;
                if (!fl[d]) df++;
                fl[d] |= 1 | (exact << 1) | ((x & 1) << 2);
                if (y > s[d]) s[d] = y;
              }
            }
          }
        }
        const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        for (let d = 0; d < N; d++)
          if (fl[d]) cnt[d]++, (ex[d] += (fl[d] >> 1) & 1), (ti[d] += fl[d] >> 2), (sc[d] += idf * s[d]), (xm[d] |= ((fl[d] >> 1) & 1) << k);
      });
      const ids = [];
      for (let d = 0; d < N; d++) if (cnt[d]) ids.push(d);
      ids.sort((a, b) => cnt[b] - cnt[a] || ex[b] - ex[a] || ti[b] - ti[a] || sc[b] - sc[a] || a - b);
      return { ws, ids, xm };
    }
    // Documents as {url, title, date, section, text}.
    async docs(ids) {
      const m = this.m;
      return Promise.all(
        ids.map(async (id) => {
          const j = Math.floor(id / m.per), r = (await this.load("d-" + j + "-" + m.dh[j] + ".json"))[id % m.per];
          return { id, url: r[0], title: r[1], date: r[2], section: m.sec[r[3]], text: r[4] };
        })
      );
    }
  }

  // ---- Marking matched words: text -> [[piece, marked], ...] ----
  // The query words as one result should mark them: where the page has a word with the
  // query's diacritics (x), only those are marked, else every accent-folded match.
  const forDoc = (res, id) => res.ws.map((w, k) => ({ ...w, x: w.e != w.f && (res.xm[id] >> k) & 1 }));
  // The query word a word of the text matches: [k, 2] when it is that word itself, [k, 1]
  // when it only begins like it (the last word, still being typed); null for none.
  const matchOf = (ws, word) => {
    let best = null;
    for (const x of [word, ...(word.match(/[\p{L}\p{N}\p{M}]+/gu) || [])]) {
      const f = fold(x);
      ws.forEach((w, k) => {
        if (!(w.p ? f.startsWith(w.f) : f == w.f)) return;
        if (w.x && !(w.p ? lower(x).startsWith(w.e) : lower(x) == w.e)) return;
        const g = f == w.f ? 2 : 1;
        if (!best || g > best[1]) best = [k, g];
      });
    }
    return best;
  };
  const matches = (ws, word) => matchOf(ws, word) != null;
  const mark = (ws, text) => {
    const out = [];
    let at = 0;
    for (const [w, i] of words(text))
      if (matches(ws, w)) {
        if (i > at) out.push([text.slice(at, i), false]);
        out.push([w, true]);
        at = i + w.length;
      }
    if (at < text.length) out.push([text.slice(at), false]);
    return out;
  };
  // About `len` characters, cut at spaces, around the first place where the most query
  // words come together ("Hoàng Sa" before a lone "sau" for "hoàng sa"). The text is read
  // only until a place has them all.
  const snippet = (ws, text, len = 180) => {
    const span = len - (len >> 2), all = 2 * ws.length, found = [];
    let first = 0, best = 0;
    for (const [w, i] of words(text)) {
      const m = matchOf(ws, w);
      if (!m) continue;
      found.push([i, m[0], m[1]]);
      // The place that ends with this match: the matches less than `span` before it that
      // add a query word (or a better match of one), from the earliest of those.
      const got = ws.map(() => 0);
      let score = 0, start = i;
      for (let j = found.length - 1; j >= 0 && found[j][0] > i - span; j--) {
        const [at, k, g] = found[j];
        if (g > got[k]) (score += g - got[k]), (got[k] = g), (start = at);
      }
      if (score > best) (best = score), (first = start);
      if (best == all) break;
    }
    let a = Math.max(0, first - (len >> 2));
    // Start at a word, never after the match itself.
    if (a > 0) a = Math.min(first, text.indexOf(" ", a) + 1 || a);
    let b = a + len;
    if (b < text.length) b = text.lastIndexOf(" ", b) > a ? text.lastIndexOf(" ", b) : b;
    else b = text.length;
    const out = mark(ws, text.slice(a, b));
    if (a > 0) out.unshift(["… ", false]);
    if (b < text.length) out.push([" …", false]);
    return out;
  };

  const MSG = {
    vi: { n: (n) => n + " kết quả", none: (q) => "Không tìm thấy kết quả cho “" + q + "”", more: "Xem thêm kết quả", err: "Không tải được dữ liệu tìm kiếm." },
    en: { n: (n) => n + (n == 1 ? " result" : " results"), none: (q) => "No results for “" + q + "”", more: "More results", err: "The search index could not be loaded." },
  };

  // ---- The page: every form[data-search-index] ----
  function setup(form, main) {
    const input = form.querySelector("[data-search-input]"), box = form.querySelector("[data-search-results]");
    if (!input || !box) return;
    const msg = MSG[form.dataset.searchLang] || MSG.vi;
    const index = new Index(form.dataset.searchIndex.replace(/\/?$/, "/"), (u) =>
      // meta.json is revalidated on every load: it names the build the shards belong to.
      fetch(u, { cache: /meta\.json$/.test(u) ? "no-cache" : "default" }).then((r) =>
        r.ok ? r.json() : Promise.reject(new Error(r.status + " " + u))
      )
    );
    const el = (tag, cls, parts) => {
      const e = document.createElement(tag);
      if (cls) e.className = cls;
      for (const [t, m] of parts || []) {
        if (m) e.appendChild(document.createElement("mark")).textContent = t;
        else e.appendChild(document.createTextNode(t));
      }
      return e;
    };
    // Only the count is announced, through a status line that stays in place (a live region
    // must exist before it changes); the list itself would be too much to hear on each key.
    box.setAttribute("aria-live", "off");
    const status = el("p", "search-status");
    status.setAttribute("role", "status");
    box.textContent = "";
    box.append(status);
    const show = (text, ...nodes) => {
      while (status.nextSibling) status.nextSibling.remove();
      status.textContent = text;
      box.append(...nodes);
      text ? (form.dataset.searchState = "results") : delete form.dataset.searchState;
    };
    let seq = 0, timer;
    const clear = () => (seq++, show(""));
    const run = async () => {
      const q = input.value, my = ++seq;
      if (!q.trim()) return clear();
      let res;
      try {
        res = await index.search(q);
      } catch (e) {
        if (my == seq) show(msg.err);
        return;
      }
      if (my != seq) return;
      const list = el("ol", "search-results"), more = el("button", "search-more", [[msg.more]]);
      let shown = 0;
      more.type = "button";
      const page = async () => {
        const docs = await index.docs(res.ids.slice(shown, shown + 10)).catch(() => []);
        if (my != seq) return;
        for (const d of docs) {
          const li = list.appendChild(el("li", "search-result"));
          const ws = forDoc(res, d.id);
          const a = li.appendChild(el("a", "search-title", mark(ws, d.title)));
          a.href = d.url;
          li.appendChild(el("p", "search-meta", [[[d.date, d.section].filter(Boolean).join(" · ")]]));
          li.appendChild(el("p", "search-snippet", snippet(ws, d.text)));
        }
        shown += docs.length;
        if (shown >= res.ids.length) more.remove();
      };
      await page();
      if (my != seq) return;
      more.onclick = page;
      const n = res.ids.length;
      show(n ? msg.n(n) : msg.none(q.trim()), list, ...(shown < n ? [more] : []));
    };
    const start = () => index.meta().catch(() => {});
    input.addEventListener("focus", start, { once: true });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    form.addEventListener("keydown", (e) => {
      const links = [...box.querySelectorAll("a")], at = links.indexOf(document.activeElement);
      if (e.key == "Escape") {
        input.value = "";
        clear();
        input.focus();
      } else if (e.key == "ArrowDown" && links.length) {
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (e.key == "ArrowUp" && at >= 0) {
        (at ? links[at - 1] : input).focus();
      } else return;
      e.preventDefault();
    });
    const q = new URLSearchParams(location.search).get("q");
    if (q && main) {
      input.value = q;
      run();
    }
  }

  if (typeof module == "object" && module.exports) module.exports = { lower, fold, words, parse, Index, forDoc, mark, snippet };
  else if (typeof document == "object") {
    // With ?q= in the URL only one form shows the results: the one marked
    // data-search-main (the /tim-kiem/ page's), else the first.
    const init = () => {
      const forms = [...document.querySelectorAll("form[data-search-index]")];
      const main = forms.find((f) => f.hasAttribute("data-search-main")) || forms[0];
      forms.forEach((f) => setup(f, f == main));
    };
    document.readyState == "loading" ? document.addEventListener("DOMContentLoaded", init) : init();
  }
})();
