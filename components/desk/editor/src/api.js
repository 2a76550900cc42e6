// Calls to the desk's JSON API (docs/DESK.md): every request that changes something carries
// the token of this server run; errors come back as DeskError with the server's words.

import { lang, t } from './i18n.js';

const TOKEN = document.querySelector('meta[name="bangtin-token"]')?.content || '';
const BASE = '/_bangtin/api/';

/** An error answer of the API: `message` and `hint` are in the teacher's language. */
export class DeskError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.hint = body?.hint || '';
  }
}

function url(path, query = {}) {
  const u = new URL(BASE + path, location.origin);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) u.searchParams.set(k, v);
  if (lang === 'en') u.searchParams.set('lang', 'en');
  return u.pathname + u.search;
}

async function answer(res) {
  const type = res.headers.get('content-type') || '';
  if (!res.ok) {
    let body = null;
    try {
      body = type.includes('json') ? await res.json() : { error: (await res.text()).slice(0, 500) };
    } catch {
      /* an empty or broken error body: the status says enough */
    }
    throw new DeskError(res.status, body);
  }
  return type.includes('json') ? res.json() : res.text();
}

/** One API call; `body` is sent as JSON unless it is a Blob/ArrayBuffer. */
export async function call(method, path, { query, body, headers = {} } = {}) {
  const h = { ...headers };
  if (method !== 'GET' && method !== 'HEAD') h['X-Bangtin-Token'] = TOKEN;
  let payload;
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) payload = body;
    else {
      payload = JSON.stringify(body);
      h['Content-Type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(url(path, query), { method, headers: h, body: payload, cache: 'no-store' });
  } catch (e) {
    throw new DeskError(0, { error: t('net_error', { e: e.message }) });
  }
  return answer(res);
}

/** Uploads a file's bytes with progress (fetch cannot report upload progress; XHR can). */
export function upload(path, file, query, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url(path, query));
    xhr.setRequestHeader('X-Bangtin-Token', TOKEN);
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new DeskError(0, { error: t('net_error', { e: 'upload' }) }));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { error: xhr.responseText.slice(0, 500) };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new DeskError(xhr.status, body));
    };
    xhr.send(file);
  });
}

/** The URL of the publish progress events of job `job` (Server-Sent Events, a GET). */
export function eventsUrl(job) {
  return url('publish/events', { job });
}
