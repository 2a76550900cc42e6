// Shared helpers of the browser checks: a tiny static server for a built public/ folder on a
// loopback port, the list of its HTML pages, and a headless Chromium that loads nothing from
// outside the site (every other request is blocked and reported).

import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
};

/** Exits with a usage message when the public folder is missing. */
export function publicDirArg(arg, usage) {
  if (!arg) {
    console.error(usage);
    process.exit(2);
  }
  const dir = resolve(arg);
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`${dir}: no index.html here; build the site first (bangtin build)`);
    process.exit(2);
  }
  return dir;
}

/** Every .html file under `dir`, as URL paths ("/", "/bien-dao/", "/404.html"), sorted. */
export function htmlPages(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.html')) {
        let rel = relative(dir, p).split(sep).join('/');
        rel = rel === 'index.html' ? '' : rel.replace(/(^|\/)index\.html$/, '$1');
        out.push('/' + rel);
      }
    }
  };
  walk(dir);
  return out;
}

/** True when the page is only a redirect (an alias): nothing for a reader to see. */
export function isRedirect(dir, urlPath) {
  const file = urlPath.endsWith('/') ? join(dir, urlPath, 'index.html') : join(dir, urlPath);
  const text = readFileSync(file, 'utf8');
  return /http-equiv=["']?refresh/i.test(text) && text.length < 2000;
}

/** Undoes the HTML escaping of an attribute value (Tera escapes "/" as "&#x2F;"). */
export function unescapeHtml(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The site's own origin, read from the canonical link of the home page (absolute URLs in the
 *  built pages point there). */
export function siteOrigin(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const m = html.match(/<link rel="canonical" href="([^"]+)"/);
  return m ? new URL(unescapeHtml(m[1])).origin : null;
}

/** Serves `dir` on 127.0.0.1 (a free port). Directory URLs serve index.html, unknown paths the
 *  site's 404.html with status 404; nothing outside `dir` is ever read. */
export function serve(dir) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      const nf = join(root, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(existsSync(nf) ? readFileSync(nf) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}`, close: () => new Promise((c) => server.close(c)) });
    });
  });
}

/** Headless Chromium (the Debian package; no browser download) with a fresh profile. Requests to
 *  the site's origin are answered by the local server; any other request is blocked and listed in
 *  `blocked` (a page of the site must not load anything from a third party). */
export async function openBrowser(dir, { width = 1280, height = 800 } = {}) {
  const server = await serve(dir);
  const origin = siteOrigin(dir) || server.url;
  const profile = mkdtempSync(join(tmpdir(), 'bangtin-chromium-'));
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    await server.close();
    throw new Error(`${executablePath} not found: install the Debian package chromium (.ci/browser-setup.sh)`);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width, height },
    locale: 'vi-VN',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  const blocked = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.url) return route.continue();
    if (url.origin === origin) {
      const response = await route.fetch({ url: server.url + url.pathname + url.search });
      return route.fulfill({ response });
    }
    // Browser-internal resources (the PDF viewer's chrome-extension://, data:, blob:) are no requests.
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  const close = async () => {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, origin, blocked, close, server };
}
