// "Đăng lên mạng" (check, build, deploy with live progress from Server-Sent Events, errors with
// how to fix them, the link to the live page) and "Nhập từ Word" (a .docx becomes a new draft;
// the import report is shown).

import { call, upload, eventsUrl } from './api.js';
import { t } from './i18n.js';
import { el, say, sayError, ask, field } from './ui.js';

const $ = (id) => document.getElementById(id);
const STEPS = ['check', 'build', 'deploy'];

function progressBody() {
  const steps = el(
    'ol',
    { class: 'steps' },
    STEPS.map((s) => el('li', { id: `step-${s}`, 'data-state': 'todo' }, el('span', { class: 'step-name' }, t(`step_${s}`)), ' ', el('span', { class: 'step-msg' }))),
  );
  const bar = el('progress', { id: 'pub-bar', max: 100, 'aria-label': t('pub_h') });
  const log = el('div', { id: 'pub-log', role: 'status', 'aria-live': 'polite' });
  return [steps, bar, log];
}

function showEvent(ev) {
  const li = $(`step-${ev.step}`);
  if (!li) return;
  const idx = STEPS.indexOf(ev.step);
  STEPS.forEach((s, i) => {
    const item = $(`step-${s}`);
    if (i < idx) item.dataset.state = 'done';
  });
  li.dataset.state = 'doing';
  li.querySelector('.step-msg').textContent = ev.message || '';
  const bar = $('pub-bar');
  if (ev.total) {
    bar.max = ev.total;
    bar.value = ev.done || 0;
  } else bar.removeAttribute('value');
}

function showEnd(ev, post) {
  const log = $('pub-log');
  const bar = $('pub-bar');
  if (ev.ok) {
    STEPS.forEach((s) => ($(`step-${s}`).dataset.state = 'done'));
    bar.max = 1;
    bar.value = 1;
    const links = [el('a', { href: ev.url, target: '_blank', rel: 'noopener', id: 'pub-live' }, t('pub_link'), ` (${ev.url})`)];
    // The post that is open, on the live site (its address there: the site's plus the page's).
    if (post?.url && ev.url) {
      const href = new URL(post.url.replace(/^\//, ''), ev.url.endsWith('/') ? ev.url : `${ev.url}/`).href;
      links.unshift(el('a', { href, target: '_blank', rel: 'noopener', id: 'pub-post' }, t('pub_post', { t: post.title })), el('br'));
    }
    log.replaceChildren(el('p', { class: 'ok' }, t('pub_ok')), el('p', {}, links));
    (document.getElementById('pub-post') || $('pub-live')).focus();
  } else {
    const items = (ev.errors || []).map((e) => {
      const where = [e.file, e.line, e.column].filter((x) => x !== undefined && x !== null && x !== '').join(':');
      return el('li', {}, where ? el('code', {}, where) : '', where ? ': ' : '', e.message || '', e.hint ? el('span', { class: 'hint' }, ` ${e.hint}`) : '');
    });
    log.replaceChildren(el('p', { class: 'error' }, t('pub_fail')), el('ul', { class: 'errors' }, items));
  }
}

/** The open post as the list knows it ({url, title}), once published; null for none. */
async function openPost(path) {
  if (!path) return null;
  try {
    return (await call('GET', 'posts')).find((p) => p.path === path && p.state === 'published') || null;
  } catch {
    return null;
  }
}

/** Follows the events of publish job `job` until its end event; resolves with it. */
function follow(job, path) {
  return new Promise((resolve) => {
    const src = new EventSource(eventsUrl(job));
    src.onmessage = (m) => {
      let ev;
      try {
        ev = JSON.parse(m.data);
      } catch {
        return;
      }
      if (ev.end) {
        src.close();
        (ev.ok ? openPost(path) : Promise.resolve(null)).then((post) => {
          showEnd(ev, post);
          resolve(ev);
        });
      } else showEvent(ev);
    };
    src.onerror = () => {
      if (src.readyState === EventSource.CLOSED || !navigator.onLine) {
        src.close();
        const end = { end: true, ok: false, errors: [{ message: t('pub_lost') }] };
        showEnd(end);
        resolve(end);
      }
    };
  });
}

/** The publish dialog: asks the password (kept for this job only), then shows the progress;
 *  `path` is the open post's, to link to its live page at the end. */
export async function publish(site, isDirty, path) {
  if (isDirty()) return say(t('pub_unsaved'), { error: true });
  const d = site.deploy || {};
  const intro = el('p', {}, d.configured ? t('pub_to', { t: d.target_display }) : t('pub_not_set'));
  if (!d.configured) {
    await ask({ title: t('pub_h'), body: intro, actions: [{ value: 'cancel', label: t('close'), primary: true }] });
    return;
  }
  const { action, values } = await ask({
    title: t('pub_h'),
    body: [
      intro,
      field({ id: 'pub-user', label: t('pub_user'), autocomplete: 'username' }),
      field({ id: 'pub-password', label: t('pub_password'), type: 'password', help: t('pub_password_help'), autocomplete: 'current-password' }),
    ],
    actions: [
      { value: 'go', label: t('pub_go'), primary: true },
      { value: 'cancel', label: t('cancel') },
    ],
  });
  if (action !== 'go') return;
  let job;
  try {
    const body = {};
    if (values['pub-password']) body.password = values['pub-password'];
    if (values['pub-user'].trim()) body.user = values['pub-user'].trim();
    job = (await call('POST', 'publish', { body })).job;
  } catch (e) {
    return sayError(e);
  }
  const done = ask({ title: t('pub_h'), wide: true, body: progressBody(), actions: [{ value: 'cancel', label: t('close') }] });
  const end = await Promise.race([follow(job, path), done.then(() => null)]);
  if (end?.ok) say(`${t('pub_ok')} ${end.url}`);
  await done;
}

/** The Word import dialog: a .docx and a section → a new draft, with the import report. */
export async function importWord(site, openPath) {
  const sel = el('select', { id: 'imp-section', name: 'imp-section' }, site.sections.map((s) => el('option', { value: s.path }, s.title)));
  const { action, values } = await ask({
    title: t('import_h'),
    body: [
      el('div', { class: 'field' }, el('label', { for: 'imp-file' }, t('import_file')), el('input', { id: 'imp-file', type: 'file', accept: '.docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document', required: true })),
      el('div', { class: 'field' }, el('label', { for: 'imp-section' }, t('section')), sel),
    ],
    actions: [
      { value: 'go', label: t('import_go'), primary: true },
      { value: 'cancel', label: t('cancel') },
    ],
  });
  const file = $('imp-file')?.files?.[0];
  if (action !== 'go' || !file) return;
  say(t('importing'));
  let r;
  try {
    r = await upload('import', file, { section: values['imp-section'] });
  } catch (e) {
    return sayError(e);
  }
  say(`${t('import_done')}: ${r.path}`);
  const rep = r.report || {};
  const warnings = rep.warnings || [];
  const facts = [];
  if (rep.pictures !== undefined) facts.push(el('li', {}, t('import_pictures', { n: rep.pictures })));
  if (rep.tables !== undefined) facts.push(el('li', {}, t('import_tables', { n: rep.tables })));
  const again = await ask({
    title: `${t('import_done')}: ${file.name}`,
    wide: true,
    body: [
      el('ul', {}, facts),
      warnings.length ? el('ul', { class: 'warnings' }, warnings.map((w) => el('li', {}, typeof w === 'string' ? w : w.message || JSON.stringify(w)))) : el('p', {}, t('import_nowarn')),
    ],
    actions: [
      { value: 'open', label: t('import_open'), primary: true },
      { value: 'cancel', label: t('close') },
    ],
  });
  if (again.action === 'open') openPath(r.path);
}
