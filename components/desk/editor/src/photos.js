// Photos: picked (several at once) or dropped on the editor, uploaded one by one into the post's
// folder with a progress bar, then inserted at the cursor as ![description](name). The
// description (alt text) is asked at once, saying why: readers who cannot see hear it.

import { upload } from './api.js';
import { t } from './i18n.js';
import { el, say, sayError, ask, field } from './ui.js';

const $ = (id) => document.getElementById(id);
const IMAGE = /\.(jpe?g|png|webp|gif|heic|heif|avif)$/i;

/** A thumbnail the browser can show (not HEIC/HEIF: the processed JPEG is not known yet). */
function thumb(file) {
  if (/\.(heic|heif)$/i.test(file.name) || /hei[cf]/.test(file.type)) return null;
  return URL.createObjectURL(file);
}

async function askAlt(file, result, src) {
  const body = [];
  if (src) body.push(el('img', { class: 'alt-thumb', src, alt: '' }));
  body.push(field({ id: 'alt-text', label: t('alt_label', { f: result.name }), type: 'textarea', help: t('alt_why') }));
  const { action, values } = await ask({
    title: t('alt_h'),
    body,
    actions: [
      { value: 'ok', label: t('insert'), primary: true },
      { value: 'skip', label: t('alt_skip') },
    ],
  });
  return action === 'ok' ? values['alt-text'].replace(/\s+/g, ' ').replace(/[[\]]/g, '').trim() : '';
}

/** Sets up the photo picker, drag and drop and the cover photo; returns {pick}. */
export function setupPhotos(ed, { S, ensureCreated, setCover, changed }) {
  const input = $('photo-files');
  // A single-file post (x.md) becomes a bundle (x/index.md) with its first photo.
  const movedTo = (path) => {
    if (path && path !== S.path) {
      S.path = path;
      history.replaceState(null, '', `#/bai?path=${encodeURIComponent(path)}`);
    }
  };
  let queue = Promise.resolve();

  async function addAll(files) {
    files = [...files].filter((f) => IMAGE.test(f.name) || f.type.startsWith('image/'));
    if (!files.length) return;
    if (!(await ensureCreated())) {
      say(t('photo_need_post'), { error: true });
      $('f-title').focus();
      return;
    }
    const box = $('uploads');
    const bar = $('uploads-bar');
    box.hidden = false;
    let done = 0;
    // Uploads go one after another; each description is asked as soon as its photo is in.
    const results = [];
    for (const [i, file] of files.entries()) {
      $('uploads-label').textContent = t('uploading', { i: i + 1, n: files.length, f: file.name });
      try {
        const r = await upload('photo', file, { path: S.path }, (p) => (bar.value = ((i + p) / files.length) * 100));
        results.push(r);
        movedTo(r.path);
        done++;
        const alt = await askAlt(file, r, thumb(file));
        ed.insert(`![${alt}](${r.name})`, true);
        if (r.warnings?.length) say(r.warnings.join(' '));
      } catch (e) {
        say(t('upload_fail', { f: file.name, e: e.hint ? `${e.message} — ${e.hint}` : e.message }), { error: true });
      }
      bar.value = ((i + 1) / files.length) * 100;
    }
    box.hidden = true;
    $('uploads-label').textContent = '';
    if (done) say(t('uploaded', { n: done }));
    window.deskStats.uploads = (window.deskStats.uploads || []).concat(results.map((r) => r.name));
  }

  const enqueue = (files) => (queue = queue.then(() => addAll(files)));
  input.addEventListener('change', () => {
    enqueue([...input.files]);
    input.value = '';
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    if ([...e.dataTransfer.types].includes('Files')) {
      e.preventDefault();
      drop.classList.add('over');
    }
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    if (!e.dataTransfer.files.length) return;
    e.preventDefault();
    e.stopPropagation();
    drop.classList.remove('over');
    enqueue(e.dataTransfer.files);
  });

  $('cover-pick').addEventListener('click', () => $('cover-file').click());
  $('cover-file').addEventListener('change', async () => {
    const file = $('cover-file').files[0];
    $('cover-file').value = '';
    if (!file || !(await ensureCreated())) return;
    try {
      const r = await upload('photo', file, { path: S.path });
      movedTo(r.path);
      setCover(r.name, thumb(file));
      changed();
      $('f-cover-alt').focus();
    } catch (e) {
      sayError(e);
    }
  });

  return { pick: () => input.click() };
}
