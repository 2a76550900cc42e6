// The text of a post (TOML front matter between +++ lines, then Markdown) as the desk autosaves
// it, and back: the server keeps autosaves as plain text (docs/DESK.md), so the desk writes the
// front matter itself and reads back what it wrote. The real .md is written by the server.

const DATE = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/;
const BARE = /^[A-Za-z0-9_-]+$/;

function key(k) {
  return BARE.test(k) ? k : JSON.stringify(k);
}

/** One TOML value: strings, numbers, booleans, dates, arrays and inline tables. */
function value(v) {
  if (typeof v === 'string') return DATE.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(value).join(', ')}]`;
  if (v && typeof v === 'object') {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${key(k)} = ${value(x)}`)
      .join(', ')} }`;
  }
  return '""';
}

/** The whole text of a post from the desk's front matter object and the Markdown body. */
export function toText(front, body) {
  const lines = ['+++', `title = ${value(front.title || '')}`];
  if (front.date) lines.push(`date = ${value(front.date)}`);
  if (front.description) lines.push(`description = ${value(front.description)}`);
  lines.push(`draft = ${front.draft ? 'true' : 'false'}`);
  const tax = { tags: front.tags || [], chuyen_de: front.chuyen_de || [] };
  if (tax.tags.length || tax.chuyen_de.length) {
    lines.push('', '[taxonomies]');
    for (const [k, v] of Object.entries(tax)) if (v.length) lines.push(`${k} = ${value(v)}`);
  }
  const extra = { ...(front.extra || {}) };
  if (front.cover) extra.image = front.cover;
  if (front.cover_alt) extra.image_alt = front.cover_alt;
  if (Object.keys(extra).length) {
    lines.push('', '[extra]');
    for (const [k, v] of Object.entries(extra)) lines.push(`${key(k)} = ${value(v)}`);
  }
  lines.push('+++', '');
  return lines.join('\n') + body;
}

/** Reads one value at `s[i]`; returns [value, next index]. Only what `value` writes. */
function read(s, i) {
  while (s[i] === ' ') i++;
  if (s[i] === '"') {
    let j = i + 1;
    while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
    return [JSON.parse(s.slice(i, j + 1)), j + 1];
  }
  if (s[i] === '[' || s[i] === '{') {
    const arr = s[i] === '[';
    const out = arr ? [] : {};
    i++;
    for (;;) {
      while (s[i] === ' ' || s[i] === ',') i++;
      if (s[i] === (arr ? ']' : '}') || i >= s.length) return [out, i + 1];
      if (arr) {
        const [v, n] = read(s, i);
        out.push(v);
        i = n;
      } else {
        const eq = s.indexOf('=', i);
        let k = s.slice(i, eq).trim();
        if (k.startsWith('"')) k = JSON.parse(k);
        const [v, n] = read(s, eq + 1);
        out[k] = v;
        i = n;
      }
    }
  }
  const m = /^[^,\]}]+/.exec(s.slice(i));
  const raw = (m ? m[0] : '').trim();
  i += m ? m[0].length : 0;
  if (raw === 'true' || raw === 'false') return [raw === 'true', i];
  if (/^-?\d+(\.\d+)?$/.test(raw)) return [Number(raw), i];
  return [raw, i];
}

/** The desk's front matter object and body from a text written by `toText`, or null. */
export function fromText(text) {
  const m = /^\+\+\+\r?\n([\s\S]*?)\r?\n\+\+\+\r?\n?/.exec(text);
  if (!m) return null;
  const tables = { '': {}, taxonomies: {}, extra: {} };
  let table = '';
  for (const line of m[1].split(/\r?\n/)) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const h = /^\[([^\]]+)\]$/.exec(l);
    if (h) {
      table = h[1].trim();
      tables[table] ??= {};
      continue;
    }
    const eq = l.indexOf('=');
    if (eq < 0) continue;
    let k = l.slice(0, eq).trim();
    if (k.startsWith('"')) k = JSON.parse(k);
    tables[table][k] = read(l, eq + 1)[0];
  }
  const top = tables[''];
  const extra = { ...tables.extra };
  const front = {
    title: top.title || '',
    date: top.date ? String(top.date) : '',
    description: top.description || '',
    draft: top.draft === true,
    tags: tables.taxonomies.tags || [],
    chuyen_de: tables.taxonomies.chuyen_de || [],
    cover: extra.image || '',
    cover_alt: extra.image_alt || '',
  };
  delete extra.image;
  delete extra.image_alt;
  front.extra = extra;
  return { front, body: text.slice(m[0].length) };
}
