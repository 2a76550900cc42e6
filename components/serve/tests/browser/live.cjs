// Drives a real headless Chromium against a running `bangtin serve` (started by the Rust test
// tests/browser.rs, which edits the files on disk). This script never reloads or navigates
// after the first page load: every change it sees must come from the live-reload script.
//
// Protocol: one line per step on stdout ("opened", "edited", "css", "overlay <json>",
// "fixed"); the Rust side makes the next edit when it reads a step. "FAIL <why>" on failure.
'use strict';

const { chromium } = require('playwright-core');

const base = process.argv[2];
const TIMEOUT = 60000;
const say = (line) => process.stdout.write(line + '\n');

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    let loads = 0;
    page.on('load', () => { loads += 1; });
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e}\n`));
    const connected = () => page.waitForFunction(() => typeof window.__bangtinVersion === 'string');
    // Wait for the element: on a busy machine the tab may still be reloading.
    const text = async () => {
      await page.waitForSelector('#noi-dung');
      return page.$eval('#noi-dung', (e) => e.textContent);
    };

    await page.goto(base + 'tin-tuc/bai-mot/', { waitUntil: 'load' });
    await connected();
    if (!(await text()).includes('Nội dung ban đầu.')) throw new Error('first text missing');
    say('opened');

    // 1. The body is edited on disk: the tab reloads by itself and shows the new text.
    await page.waitForFunction(() => {
      const e = document.querySelector('#noi-dung');
      return e && e.textContent.includes('Nội dung đã sửa.');
    });
    if (loads < 2) throw new Error(`expected a reload, saw ${loads} load(s)`);
    await connected();
    await page.evaluate(() => { window.__stillHere = 42; });
    say('edited');

    // 2. Only the stylesheet changes: styles apply without reloading the page.
    await page.waitForFunction(() => getComputedStyle(document.body).color === 'rgb(200, 0, 0)');
    const kept = await page.evaluate(() => window.__stillHere);
    if (kept !== 42) throw new Error('the page reloaded for a stylesheet change');
    say('css');

    // 3. The front matter breaks: the overlay appears over the last good page.
    const overlay = await page.waitForSelector('#bangtin-error-overlay', { state: 'visible' });
    const overlayText = await overlay.textContent();
    const items = await page.$$eval('#bangtin-error-overlay .bangtin-error', (l) => l.length);
    if (items < 1) throw new Error('overlay lists no error');
    if (!(await text()).includes('Nội dung đã sửa.')) throw new Error('last good page not kept');
    const injected = await page.$$eval('#bangtin-error-overlay script, #bangtin-error-overlay b', (l) => l.length);
    say('overlay ' + JSON.stringify({ text: overlayText, injected }));

    // 4. The file is fixed: the overlay goes away and the fixed text shows.
    await page.waitForFunction(() => {
      const e = document.querySelector('#noi-dung');
      return !document.getElementById('bangtin-error-overlay') && e && e.textContent.includes('Đã sửa lỗi.');
    });
    say('fixed');
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    say('FAIL ' + String(e && e.stack ? e.stack : e).split('\n').join(' | '));
    process.exit(1);
  },
);
