// Accessibility check of a built site: every HTML page, in headless Chromium, at phone (390px)
// and desktop (1280px) widths, against axe-core's WCAG 2.0/2.1 A and AA rules.
// Also fails when a page requests anything from a third party.
//
//   node axe.mjs <public dir>            exit 0: no violation; 1: violations; 2: usage/setup
//   AXE_WIDTHS=1280 node axe.mjs public  only one width

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { htmlPages, isRedirect, openBrowser, publicDirArg } from './lib.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const dir = publicDirArg(process.argv[2], 'usage: node axe.mjs <public dir>');
const widths = (process.env.AXE_WIDTHS || '390,1280').split(',').map(Number);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const pages = htmlPages(dir).filter((p) => !isRedirect(dir, p));
let violations = 0;
let checked = 0;
for (const width of widths) {
  const browser = await openBrowser(dir, { width, height: width < 600 ? 844 : 800 });
  try {
    const page = await browser.context.newPage();
    for (const path of pages) {
      const before = browser.blocked.length;
      const resp = await page.goto(browser.origin + path, { waitUntil: 'load' });
      const expected = path === '/404.html' ? 404 : 200;
      if (resp && resp.status() !== 200 && resp.status() !== expected) {
        console.log(`${path} [${width}px]: HTTP ${resp.status()}`);
        violations += 1;
      }
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        TAGS,
      );
      checked += 1;
      for (const v of result.violations) {
        violations += 1;
        console.log(`${path} [${width}px]: ${v.id} (${v.impact}): ${v.help}`);
        console.log(`    ${v.helpUrl}`);
        for (const n of v.nodes.slice(0, 5)) {
          console.log(`    at ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 300)}`);
        }
        if (v.nodes.length > 5) console.log(`    ... and ${v.nodes.length - 5} more`);
      }
      for (const url of browser.blocked.slice(before)) {
        violations += 1;
        console.log(`${path} [${width}px]: third-party request blocked: ${url}`);
      }
    }
  } finally {
    await browser.close();
  }
}

console.log(`axe-core ${JSON.parse(readFileSync(createRequire(import.meta.url).resolve('axe-core/package.json'), 'utf8')).version}: ${checked} page views (${pages.length} pages x ${widths.length} widths), ${violations} violation(s)`);
process.exit(violations === 0 ? 0 : 1);
