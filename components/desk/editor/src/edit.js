// The editor view of one post: the front matter form, the Markdown editor, the live preview,
// saving (with the conflict choice), autosave, versions and delete. Photos: photos.js.

import { call } from './api.js';
import { t, fold } from './i18n.js';
import { el, say, sayError, ask, confirmAsk, clock, when } from './ui.js';
import { toText, fromText } from './frontmatter.js';
import { termPicker } from './terms.js';
import { toolbar } from './toolbar.js';
import { setupPhotos } from './photos.js';
import { createEditor } from './editor.js';

const AUTOSAVE_MS = 4000;
const PREVIEW_DEBOUNCE_MS = 150;

/** The open post; `path` is null until a new post has a title and is created on disk. */
export const S = { path: null, version: null, extra: {}, dateRest: '', dirty: false, site: null, autosaved: '' };
let editor = null;
let pickers = {};
let previewTimer = 0;
let previewSeq = 0;
let lastKey = 0;
let retried = false;
let creating = null;
const $ = (id) => document.getElementById(id);

/** Figures the tests read: keystroke-to-preview times of this page. */
window.deskStats = { previews: [] };

/** The section a content path belongs to: the longest section path that contains it. */
function sectionOf(path) {
  const rel = path.replace(/^content\//, '');
  let best = '';
  for (const s of S.site.sections) if (rel.startsWith(s.path + '/') && s.path.length > best.length) best = s.path;
  return best;
}

function collectFront() {
  const cover = $('cover-name').dataset.name || '';
  return {
    title: $('f-title').value.trim(),
    date: $('f-date').value ? $('f-date').value + S.dateRest : '',
    description: $('f-desc').value,
    draft: $('f-draft').checked,
    tags: pickers.tags.get(),
    chuyen_de: pickers.chuyen_de.get(),
    cover,
    cover_alt: cover ? $('f-cover-alt').value : '',
    extra: S.extra,
  };
}

function fillForm(front, body) {
  $('f-title').value = front.title || '';
  const date = String(front.date || '');
  $('f-date').value = date.slice(0, 10);
  S.dateRest = date.slice(10);
  $('f-desc').value = front.description || '';
  $('f-draft').checked = front.draft !== false;
  pickers.tags.set(front.tags, S.site.terms.tags);
  pickers.chuyen_de.set(front.chuyen_de, S.site.terms.chuyen_de);
  setCover(front.cover || '', null);
  $('f-cover-alt').value = front.cover_alt || '';
  S.extra = front.extra || {};
  editor.setText(body || '');
  descCount();
}

/** Shows the cover's name and a thumbnail (`src`: a blob: URL or the preview's URL). */
export function setCover(name, src) {
  const label = $('cover-name');
  label.dataset.name = name;
  label.textContent = name || t('cover_none');
  label.removeAttribute('data-t');
  $('cover-clear').hidden = !name;
  const img = $('cover-img');
  const url = src || (name && S.url ? new URL(name, S.site.site_origin + S.url).href : '');
  img.hidden = !url;
  if (url) img.src = url;
  else img.removeAttribute('src');
}

function descCount() {
  const n = [...$('f-desc').value].length;
  const c = $('f-desc-count');
  c.textContent = t(n > 160 ? 'desc_long' : 'desc_count', { n });
  c.classList.toggle('warn', n > 160);
}

/** Something changed: remember it, and refresh the preview once typing stops. */
export function changed() {
  S.dirty = true;
  $('save-state').textContent = t('unsaved');
  lastKey = performance.now();
  retried = false;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, PREVIEW_DEBOUNCE_MS);
}

/** Creates the new post on disk (POST post) once it has a title; false without one. */
export async function ensureCreated() {
  if (S.path) return true;
  const title = $('f-title').value.trim();
  if (!title) {
    $('f-title-err').textContent = t('need_title');
    $('f-title-err').hidden = false;
    $('f-title').setAttribute('aria-invalid', 'true');
    return false;
  }
  creating ??= (async () => {
    try {
      const r = await call('POST', 'post', { body: { section: $('f-section').value, title } });
      S.path = r.path;
      S.version = r.version;
      const post = await call('GET', 'post', { query: { path: r.path } });
      S.version = post.version;
      S.dateRest = String(post.front.date || '').slice(10);
      if (!$('f-date').value) $('f-date').value = String(post.front.date || '').slice(0, 10);
      S.extra = post.front.extra || {};
      $('f-section').disabled = true;
      $('edit-h').textContent = t('edit_h');
      $('edit-h').dataset.t = 'edit_h';
      history.replaceState(null, '', `#/bai?path=${encodeURIComponent(r.path)}`);
      return true;
    } catch (e) {
      sayError(e);
      return false;
    } finally {
      creating = null;
    }
  })();
  return creating;
}

async function preview() {
  if ($('view-edit').hidden) return;
  if (!S.path && !(await ensureCreated())) {
    $('preview').srcdoc = `<p>${t('preview_wait')}</p>`;
    return;
  }
  const seq = ++previewSeq;
  const typed = lastKey;
  const start = performance.now();
  try {
    const html = await call('POST', 'preview', { body: { path: S.path, front: collectFront(), body: editor.getText() } });
    if (seq !== previewSeq) return;
    retried = false;
    const frame = $('preview');
    frame.onload = () => {
      const end = performance.now();
      window.deskStats.previews.push({ request_to_shown_ms: end - start, keystroke_to_shown_ms: typed ? end - typed : null });
      frame.dataset.seq = String(seq);
    };
    frame.srcdoc = html;
  } catch (e) {
    if (seq !== previewSeq) return;
    if (e.status !== 422) return sayError(e);
    $('preview').srcdoc = problemsPage(e.body);
    // The preview server may not have seen a file that just came back (a restored post's
    // photos): one more try a moment later, unless the teacher types again first.
    if (!retried) {
      retried = true;
      previewTimer = setTimeout(preview, 1000);
    }
    return;
  }
}

const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The preview of a post the engine cannot render: each problem, where, and how to fix it. */
function problemsPage(body) {
  const list = body.errors?.length ? body.errors : [body];
  const items = list.map((e) => {
    const where = [e.file, e.line, e.column].filter((x) => x !== undefined && x !== null).join(':');
    return `<li>${where ? `<code>${escapeHtml(where)}</code>: ` : ''}${escapeHtml(e.message || e.error)}${e.hint ? `<br>${escapeHtml(e.hint)}` : ''}</li>`;
  });
  return `<!doctype html><html lang="${document.documentElement.lang}"><title>${escapeHtml(t('preview_problem'))}</title><h1>${escapeHtml(t('preview_problem'))}</h1><ul>${items.join('')}</ul></html>`;
}

/** Saves the post (PUT with the version it was opened at); a 409 asks which text to keep. */
export async function save(force = false) {
  $('f-title-err').hidden = true;
  $('f-title').removeAttribute('aria-invalid');
  if (!(await ensureCreated())) {
    $('f-title').focus();
    return false;
  }
  const front = collectFront();
  const body = editor.getText();
  $('save-state').textContent = t('saving');
  try {
    const r = await call('PUT', 'post', { body: { path: S.path, front, body, version: S.version, force: force || undefined } });
    S.version = r.version;
    S.dirty = false;
    $('save-state').textContent = t('saved_at', { t: clock(new Date()) });
    say(t('saved'));
    autosave(true);
    return true;
  } catch (e) {
    $('save-state').textContent = t('unsaved');
    if (e.status === 409 && e.body.disk) return conflict(front, body, e.body.disk);
    sayError(e);
    return false;
  }
}

function textBox(id, label, text) {
  return el('div', { class: 'field' }, el('label', { for: id }, label), el('textarea', { id, readonly: true, rows: 14 }, text));
}

async function conflict(front, body, disk) {
  const mine = toText(front, body);
  for (;;) {
    const { action } = await ask({
      title: t('conflict_h'),
      wide: true,
      body: [
        el('p', {}, t('conflict_text')),
        el('div', { class: 'side' }, textBox('c-mine', t('conflict_mine'), mine), textBox('c-disk', t('conflict_disk'), toText(disk.front, disk.body))),
      ],
      actions: [
        { value: 'mine', label: t('keep_mine'), primary: true },
        { value: 'disk', label: t('take_disk') },
        { value: 'copy', label: t('copy_mine') },
        { value: 'cancel', label: t('cancel') },
      ],
    });
    if (action === 'mine') return save(true);
    if (action === 'disk') {
      fillForm(disk.front, disk.body);
      S.version = disk.version;
      S.dirty = false;
      $('save-state').textContent = '';
      preview();
      return true;
    }
    if (action !== 'copy') return false;
    try {
      await navigator.clipboard.writeText(mine);
      say(t('copied'));
    } catch {
      /* no clipboard permission: the text stays selectable in the dialog */
    }
  }
}

/** Keeps the open text in the desk's autosave folder when it changed since the last time. */
async function autosave(now = false) {
  if (!S.path || (!S.dirty && !now)) return;
  const text = toText(collectFront(), editor.getText());
  if (text === S.autosaved) return;
  try {
    const r = await call('POST', 'autosave', { body: { path: S.path, text } });
    S.autosaved = text;
    if (S.dirty) $('save-state').textContent = `${t('unsaved')} ${t('autosaved_at', { t: clock(r.time || new Date()) })}`;
  } catch (e) {
    sayError(e);
  }
}

async function versions() {
  if (!S.path) return;
  let list;
  try {
    list = await call('GET', 'versions', { query: { path: S.path } });
  } catch (e) {
    return sayError(e);
  }
  const shown = el('div', { id: 'v-shown' });
  let chosen = null;
  const items = list.map((v) =>
    el('li', {}, el('button', {
      type: 'button',
      onclick: async () => {
        try {
          chosen = await call('GET', 'version', { query: { path: S.path, id: v.id } });
          shown.replaceChildren(textBox('v-text', when(v.time), toText(chosen.front, chosen.body)));
          document.querySelector('#dlg-actions button[value="use"]').disabled = false;
        } catch (e) {
          sayError(e);
        }
      },
    }, t('version_show', { t: when(v.time) })), ` (${Math.ceil(v.size / 1024)} KB)`),
  );
  const { action } = await ask({
    title: t('versions_h'),
    wide: true,
    body: [list.length ? el('ul', { class: 'versions' }, items) : el('p', {}, t('versions_none')), shown],
    actions: [
      { value: 'use', label: t('version_restore'), primary: true },
      { value: 'cancel', label: t('close') },
    ],
    onOpen: (dlg) => (dlg.querySelector('button[value="use"]').disabled = true),
  });
  if (action === 'use' && chosen) {
    const ver = S.version;
    fillForm(chosen.front, chosen.body);
    S.version = ver;
    changed();
    say(t('version_restored'));
  }
}

async function remove() {
  const title = $('f-title').value || S.path;
  if (!S.path || !(await confirmAsk(t('delete_q'), t('delete_text', { t: title }), t('delete'), true))) return;
  clearTimeout(previewTimer);
  previewSeq++;
  try {
    const r = await call('DELETE', 'post', { query: { path: S.path } });
    S.dirty = false;
    S.path = null;
    location.hash = '#/';
    say(t('deleted', { t: title }), {
      action: {
        label: t('undo'),
        run: async () => {
          try {
            await call('POST', 'trash/restore', { body: { id: r.trash_id } });
            say(t('restored', { t: title }));
            window.dispatchEvent(new Event('desk:reload'));
          } catch (e) {
            sayError(e);
          }
        },
      },
    });
  } catch (e) {
    sayError(e);
  }
}

/** Opens `path` (or a new post when null) in the editor. */
export async function openPost(path, { section } = {}) {
  clearTimeout(previewTimer);
  Object.assign(S, { path: null, version: null, extra: {}, dateRest: '', dirty: false, url: null, autosaved: '' });
  $('f-title-err').hidden = true;
  $('save-state').textContent = '';
  const sel = $('f-section');
  sel.replaceChildren(...S.site.sections.map((s) => el('option', { value: s.path }, s.title)));
  if (!path) {
    $('edit-h').dataset.t = 'new_h';
    $('edit-h').textContent = t('new_h');
    sel.disabled = false;
    if (section) sel.value = section;
    fillForm({ title: '', date: new Date().toISOString().slice(0, 10), draft: true }, '');
    $('preview').srcdoc = '';
    $('f-title').focus();
    return;
  }
  $('edit-h').dataset.t = 'edit_h';
  $('edit-h').textContent = t('edit_h');
  // Nothing of the previous post stays on screen while this one loads.
  fillForm({ title: '' }, '');
  $('preview').srcdoc = '';
  let post;
  try {
    post = await call('GET', 'post', { query: { path } });
  } catch (e) {
    return sayError(e);
  }
  S.path = post.path;
  S.version = post.version;
  S.url = S.site.posts?.find((p) => p.path === post.path)?.url || null;
  sel.value = sectionOf(post.path);
  sel.disabled = true;
  fillForm(post.front, post.body);
  if (post.autosave) await offerAutosave(post);
  preview();
  $('f-title').focus();
}

async function offerAutosave(post) {
  const saved = fromText(post.autosave.text);
  if (!saved) return;
  const same = saved.body === post.body && fold(saved.front.title) === fold(post.front.title || '');
  S.autosaved = post.autosave.text;
  if (same) return;
  const { action } = await ask({
    title: t('autosave_q'),
    body: el('p', {}, t('autosave_text', { t: when(post.autosave.time) })),
    actions: [
      { value: 'use', label: t('autosave_use'), primary: true },
      { value: 'cancel', label: t('autosave_drop') },
    ],
  });
  if (action === 'use') {
    fillForm({ ...saved.front, extra: { ...post.front.extra, ...saved.front.extra } }, saved.body);
    changed();
  }
}

/** Builds the editor view once (the CodeMirror editor, pickers, buttons, timers). */
export function setupEditor(site) {
  S.site = site;
  editor = createEditor({
    parent: $('editor'),
    label: t('body_label'),
    placeholder: t('body_ph'),
    onChange: changed,
  });
  pickers.chuyen_de = termPicker($('terms-chuyen_de'), { id: 'f-chuyen_de', labelKey: 'chuyen_de', onChange: changed });
  pickers.tags = termPicker($('terms-tags'), { id: 'f-tags', labelKey: 'tags', onChange: changed });
  for (const id of ['f-title', 'f-date', 'f-desc', 'f-draft', 'f-cover-alt']) $(id).addEventListener('input', changed);
  $('f-desc').addEventListener('input', descCount);
  $('f-title').addEventListener('change', () => $('f-title').value.trim() && ensureCreated());
  $('front').addEventListener('submit', (e) => e.preventDefault());
  $('save').addEventListener('click', () => save());
  $('versions-open').addEventListener('click', versions);
  $('delete').addEventListener('click', remove);
  $('cover-clear').addEventListener('click', () => {
    setCover('', null);
    changed();
  });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's' && !$('view-edit').hidden) {
      e.preventDefault();
      save();
    }
  });
  const photos = setupPhotos(editor, { S, ensureCreated, setCover, changed });
  toolbar(editor, { pickPhotos: photos.pick });
  setInterval(autosave, AUTOSAVE_MS);
  window.addEventListener('beforeunload', (e) => {
    if (S.dirty) {
      autosave(true);
      e.preventDefault();
      e.returnValue = '';
    }
  });
  return editor;
}

/** Re-labels what JavaScript wrote (after a language switch). */
export function relabel() {
  pickers.tags?.relabel();
  pickers.chuyen_de?.relabel();
  descCount();
}
