// HTML validity of a built site: the Nu HTML Checker (npm vnu-jar, on the machine's Java) over
// every HTML file, errors only.
//
//   node vnu.mjs <public dir>     exit 0: no error; 1: errors; 2: usage/setup

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { htmlPages, publicDirArg } from './lib.mjs';

const dir = publicDirArg(process.argv[2], 'usage: node vnu.mjs <public dir>');
const jar = join(dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
if (!existsSync(jar)) {
  console.error(`${jar} not found: run npm ci in tests/browser`);
  process.exit(2);
}
const pages = htmlPages(dir);
const java = process.env.JAVA || 'java';
const run = spawnSync(java, ['-Xss8m', '-jar', jar, '--errors-only', '--skip-non-html', '--format', 'gnu', dir], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (run.error) {
  console.error(`cannot run ${java}: ${run.error.message} (install a Java runtime: .ci/browser-setup.sh)`);
  process.exit(2);
}
const out = `${run.stdout}${run.stderr}`.trim();
const errors = out ? out.split('\n').filter((l) => l.trim() !== '') : [];
for (const line of errors) console.log(line.replace(`file:${dir}`, '').replace(dir, ''));
console.log(`vnu: ${pages.length} HTML files, ${errors.length} error(s)`);
process.exit(run.status === 0 && errors.length === 0 ? 0 : 1);
