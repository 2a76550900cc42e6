// Screenshots of a built site in headless Chromium at phone (390px) and desktop (1280px) widths:
// the home page, a section, an article and the plan's task table.
//
//   node screenshots.mjs <public dir> <out dir>
//   SHOTS="name=/path/ ..." overrides the list (a "#id" suffix shoots from that element down).
// When pngquant (Debian package) is installed, the PNGs are quantized to keep them small.

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { openBrowser, publicDirArg } from './lib.mjs';

const dir = publicDirArg(process.argv[2], 'usage: node screenshots.mjs <public dir> <out dir>');
const out = resolve(process.argv[3] || 'screenshots');
mkdirSync(out, { recursive: true });

const DEFAULT = [
  'trang-chu=/',
  'chuyen-muc=/bien-dao/',
  'bai-viet=/huong-dan/viet-bai/',
  'bang-nhiem-vu=/ke-hoach/ke-hoach-31-kh-thba-2024/#t-phu-luc',
];
const shots = (process.env.SHOTS ? process.env.SHOTS.split(/\s+/) : DEFAULT).filter(Boolean).map((s) => {
  const [name, target] = s.split('=');
  const [path, id] = target.split('#');
  return { name, path, id };
});

for (const [label, width, height] of [['390', 390, 844], ['1280', 1280, 900]]) {
  const browser = await openBrowser(dir, { width, height });
  try {
    const page = await browser.context.newPage();
    for (const { name, path, id } of shots) {
      await page.goto(browser.origin + path, { waitUntil: 'load' });
      const file = `${out}/${name}-${label}.png`;
      if (id) {
        // The section from its heading: the table, cut to three screens at most.
        const box = await page.locator(`#${id}`).boundingBox();
        const full = await page.evaluate(() => document.documentElement.scrollHeight);
        const y = Math.max(0, Math.floor(box.y) - 16);
        const h = Math.min(full - y, width < 600 ? height * 2 : height);
        await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y, width, height: h } });
      } else {
        await page.screenshot({ path: file });
      }
      spawnSync('pngquant', ['--force', '--skip-if-larger', '--quality', '60-90', '--ext', '.png', file]);
      console.log(file);
    }
  } finally {
    await browser.close();
  }
}
