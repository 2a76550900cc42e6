// The editor's toolbar: bold, italic, heading, list, link, photo, and the site's shortcodes for
// YouTube, PDF and notes (content/huong-dan/ma-ngan.md). Arrow keys move between its buttons
// (one Tab stop, as the ARIA toolbar pattern says).

import { t } from './i18n.js';
import { ask, field } from './ui.js';

/** The id of a YouTube video from its address (watch?v=, youtu.be/, shorts/, embed/) or the id itself. */
export function youtubeId(text) {
  const s = text.trim();
  if (/^[\w-]{11}$/.test(s)) return s;
  try {
    const u = new URL(s);
    if (/(^|\.)youtube(-nocookie)?\.com$/.test(u.hostname)) {
      const v = u.searchParams.get('v');
      if (v) return v;
      const m = /^\/(shorts|embed|live)\/([\w-]{11})/.exec(u.pathname);
      if (m) return m[2];
    }
    if (u.hostname === 'youtu.be') return u.pathname.slice(1, 12) || null;
  } catch {
    /* not an address */
  }
  return null;
}

const quote = (s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

async function link(ed) {
  const { action, values } = await ask({
    title: t('link_h'),
    body: [field({ id: 'l-url', label: t('link_url'), type: 'url', required: true, value: 'https://' }), field({ id: 'l-text', label: t('link_text') })],
    actions: [
      { value: 'ok', label: t('insert'), primary: true },
      { value: 'cancel', label: t('cancel') },
    ],
  });
  if (action !== 'ok') return ed.focus();
  const text = values['l-text'].trim() || values['l-url'];
  ed.insert(`[${text}](${values['l-url'].trim()})`);
}

async function youtube(ed) {
  let error = '';
  for (;;) {
    const body = [field({ id: 'y-url', label: t('yt_url'), required: true, help: error || undefined }), field({ id: 'y-title', label: t('yt_title'), required: true })];
    const { action, values } = await ask({
      title: t('yt_h'),
      body,
      actions: [
        { value: 'ok', label: t('insert'), primary: true },
        { value: 'cancel', label: t('cancel') },
      ],
    });
    if (action !== 'ok') return ed.focus();
    const id = youtubeId(values['y-url']);
    if (id) return ed.insert(`{{ youtube(id="${id}", title="${quote(values['y-title'].trim())}") }}`, true);
    error = t('yt_bad');
  }
}

async function pdf(ed) {
  const { action, values } = await ask({
    title: t('pdf_h'),
    body: [field({ id: 'p-file', label: t('pdf_file'), required: true, help: t('pdf_help') }), field({ id: 'p-title', label: t('pdf_title'), required: true })],
    actions: [
      { value: 'ok', label: t('insert'), primary: true },
      { value: 'cancel', label: t('cancel') },
    ],
  });
  if (action !== 'ok') return ed.focus();
  ed.insert(`{{ pdf(src="${quote(values['p-file'].trim())}", title="${quote(values['p-title'].trim())}") }}`, true);
}

/** Wires the toolbar buttons to the editor `ed`; `pickPhotos()` opens the photo picker. */
export function toolbar(ed, { pickPhotos }) {
  const bar = document.querySelector('.toolbar');
  const run = {
    bold: () => ed.wrap('**', '**', t('bold_ph')),
    italic: () => ed.wrap('*', '*', t('italic_ph')),
    heading: () => ed.prefixLines('## '),
    list: () => ed.prefixLines('- '),
    link: () => link(ed),
    photo: () => pickPhotos(),
    youtube: () => youtube(ed),
    pdf: () => pdf(ed),
    note: () => ed.wrap('{% note(kind="tip") %}\n', '\n{% end %}', t('note_text')),
  };
  const buttons = [...bar.querySelectorAll('button')];
  buttons.forEach((b, i) => {
    b.tabIndex = i === 0 ? 0 : -1;
    b.addEventListener('click', () => run[b.dataset.cmd]());
  });
  bar.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % buttons.length;
    else if (e.key === 'ArrowLeft') j = (i + buttons.length - 1) % buttons.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = buttons.length - 1;
    if (j === null) return;
    e.preventDefault();
    buttons[i].tabIndex = -1;
    buttons[j].tabIndex = 0;
    buttons[j].focus();
  });
}
