// Figures of the teacher's desk as a teacher sees them, in headless Chromium against a running
// `bangtin serve` (BENCHMARKS.md, "The desk in the browser"):
//   - opening the desk: from navigation start until the post list is shown (the page, its one
//     script and stylesheet, GET site and GET posts, the list drawn), and GET posts alone;
//   - keystroke to preview: from a key press until the preview frame has loaded the new page
//     (the desk's 150 ms pause after typing stops, POST preview, the frame's load), and the
//     same without the pause (request to shown).
//
//   node desk-bench.mjs <desk url> <content path of a post> [runs]
// Prints one JSON line: medians, p90 and max in ms. Nothing is saved (the post is not changed
// on disk; the desk's autosave may keep the typed text in .bangtin/desk/autosave/).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [deskUrl, post, runsArg] = process.argv.slice(2);
if (!deskUrl || !post) {
  console.error('usage: node desk-bench.mjs <desk url> <content path of a post> [runs]');
  process.exit(2);
}
const runs = Number(runsArg || 20);

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: Math.round(at(0.5)), p90: Math.round(at(0.9)), max: Math.round(s[s.length - 1]), n: s.length };
}

const profile = mkdtempSync(join(tmpdir(), 'bangtin-desk-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  locale: 'vi-VN',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on('dialog', (d) => d.accept());
  const open = [];
  const posts = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('about:blank');
    await page.goto(deskUrl, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-ready="true"] #post-list li', { timeout: 60000 });
    open.push(await page.evaluate(() => performance.now()));
    posts.push(await page.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.includes('/api/posts'))?.duration ?? 0));
  }
  await page.goto(`${deskUrl}#/bai?path=${encodeURIComponent(post)}`);
  await page.waitForSelector('body[data-ready="true"]');
  // A previous run's typing was kept as an autosave: open the saved post instead.
  const offer = page.getByRole('button', { name: 'Mở bản đã lưu' });
  if (await offer.waitFor({ timeout: 3000 }).then(() => true, () => false)) await offer.click();
  await page.waitForFunction(() => window.deskStats.previews.length > 0, null, { timeout: 60000 });
  const keys = [];
  const requests = [];
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  for (let i = 0; i < runs; i++) {
    const before = await page.evaluate(() => window.deskStats.previews.length);
    await page.keyboard.type(i % 2 ? 'a' : ' ');
    await page.waitForFunction((n) => window.deskStats.previews.length > n, before, { timeout: 60000 });
    const last = await page.evaluate(() => window.deskStats.previews.at(-1));
    keys.push(last.keystroke_to_shown_ms);
    requests.push(last.request_to_shown_ms);
    await page.waitForTimeout(200);
  }
  console.log(JSON.stringify({ open_desk_ms: stats(open), get_posts_ms: stats(posts), keystroke_to_preview_ms: stats(keys), request_to_preview_ms: stats(requests), debounce_ms: 150 }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
