// The teacher's desk in the browser: loads the site's facts, routes between the post list, the
// editor and the trash (#/, #/bai?path=…, #/bai-moi, #/thung-rac), and wires the header.
// The HTTP contract with the server is docs/DESK.md. build.sh bundles this file, the modules it
// imports and CodeMirror into ../assets/desk.js: one script, so that opening the desk takes
// three requests (the page, desk.css, desk.js) rather than a dozen.

import { call } from './api.js';
import { t, fold, lang, setLang, applyTexts } from './i18n.js';
import { el, say, sayError } from './ui.js';
import { S, setupEditor, openPost, relabel } from './edit.js';
import { publish, importWord } from './publish.js';

const $ = (id) => document.getElementById(id);
let site = null;
let posts = [];
let current = '#/';
const LIST_STEP = 200;
let listLimit = LIST_STEP;

const STATE_KEY = { draft: 'state_draft', scheduled: 'state_scheduled', published: 'state_published' };

function sectionTitle(path) {
  return site.sections.find((s) => s.path === path)?.title || path;
}

/** Shows the posts matching the filters: title folded ("bien dao" finds "Biển đảo"). */
function renderList() {
  const q = fold($('q').value.trim());
  const sec = $('filter-section').value;
  const st = $('filter-state').value;
  const shown = posts.filter(
    (p) => (!q || fold(p.title).includes(q) || fold(p.path).includes(q)) && (!sec || p.section === sec) && (!st || p.state === st),
  );
  $('list-count').textContent = shown.length ? t('count', { n: shown.length }) : t('none');
  // A big site (thousands of posts) draws the first ones; the filter finds the others.
  const more = shown.length - listLimit;
  $('list-more').hidden = more <= 0;
  $('list-more').textContent = t('more', { n: Math.min(more, LIST_STEP) });
  $('post-list').replaceChildren(
    ...shown.slice(0, listLimit).map((p) =>
      el(
        'li',
        { class: `post state-${p.state}` },
        el('a', { href: `#/bai?path=${encodeURIComponent(p.path)}`, class: 'post-title' }, p.title || p.path),
        el(
          'p',
          { class: 'meta' },
          el('span', { class: `badge ${p.state}` }, t(STATE_KEY[p.state] || 'state_draft')),
          ' ',
          el('span', {}, sectionTitle(p.section)),
          p.date ? ' · ' : '',
          p.date ? el('time', { datetime: p.date }, String(p.date).slice(0, 10).split('-').reverse().join('/')) : '',
        ),
      ),
    ),
  );
}

async function loadPosts() {
  try {
    posts = await call('GET', 'posts');
    site.posts = posts;
  } catch (e) {
    sayError(e);
  }
  renderList();
}

async function renderTrash() {
  let items = [];
  try {
    items = await call('GET', 'trash');
  } catch (e) {
    return sayError(e);
  }
  if (!items.length) return $('trash-list').replaceChildren(el('li', { class: 'muted' }, t('trash_empty')));
  $('trash-list').replaceChildren(
    ...items.map((it) =>
      el(
        'li',
        { class: 'post' },
        el('span', { class: 'post-title' }, it.title || it.path),
        el('p', { class: 'meta' }, el('code', {}, it.path), ' · ', new Date(it.time).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN')),
        el(
          'button',
          {
            type: 'button',
            'aria-label': `${t('restore')}: ${it.title || it.path}`,
            onclick: async () => {
              try {
                const r = await call('POST', 'trash/restore', { body: { id: it.id } });
                say(t('restored', { t: it.title || r.path }));
                renderTrash();
              } catch (e) {
                sayError(e);
              }
            },
          },
          t('restore'),
        ),
      ),
    ),
  );
}

function show(view) {
  for (const v of ['list', 'edit', 'trash']) $(`view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll('header nav a[href^="#"]')) {
    const here = (view === 'list' && a.getAttribute('href') === '#/') || (view === 'trash' && a.getAttribute('href') === '#/thung-rac');
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** Shows the view of the address; asks first when leaving a post with unsaved changes. */
async function route() {
  const hash = location.hash || '#/';
  if (hash === current) return;
  const leavingEditor = current.startsWith('#/bai') && !$('view-edit').hidden;
  if (leavingEditor && S.dirty && !window.confirm(t('leave_q'))) {
    history.pushState(null, '', current);
    return;
  }
  current = hash;
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query || '');
  if (path === '/bai' && params.get('path')) {
    show('edit');
    await openPost(params.get('path'));
  } else if (path === '/bai-moi') {
    show('edit');
    await openPost(null, { section: params.get('section') || $('filter-section').value || undefined });
  } else if (path === '/thung-rac') {
    show('trash');
    document.title = `${t('trash_h')} — ${site.title}`;
    await renderTrash();
    $('trash-h').focus();
  } else {
    show('list');
    document.title = `${t('list_h')} — ${site.title}`;
    await loadPosts();
  }
}

async function main() {
  applyTexts(document);
  try {
    site = await call('GET', 'site');
  } catch (e) {
    return sayError(e);
  }
  $('site-title').textContent = `— ${site.title}`;
  const sel = $('filter-section');
  sel.append(...site.sections.map((s) => el('option', { value: s.path }, s.title)));
  for (const id of ['q', 'filter-section', 'filter-state']) {
    $(id).addEventListener('input', () => {
      listLimit = LIST_STEP;
      renderList();
    });
  }
  $('list-more').addEventListener('click', () => {
    const first = listLimit;
    listLimit += LIST_STEP;
    renderList();
    $('post-list').children[first]?.querySelector('a')?.focus();
  });
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('new-post').addEventListener('click', () => (location.hash = '#/bai-moi'));
  $('import-open').addEventListener('click', () => importWord(site, (p) => (location.hash = `#/bai?path=${encodeURIComponent(p)}`)));
  $('publish-open').addEventListener('click', () => {
    const editing = !$('view-edit').hidden;
    publish(site, () => S.dirty && editing, editing ? S.path : null);
  });
  $('lang-switch').addEventListener('click', () => {
    setLang(lang === 'en' ? 'vi' : 'en');
    relabel();
    if (!$('view-list').hidden) renderList();
  });
  for (const h of ['list-h', 'edit-h', 'trash-h']) $(h).tabIndex = -1;
  window.addEventListener('hashchange', route);
  window.addEventListener('desk:reload', () => !$('view-list').hidden && loadPosts());
  setupEditor(site);
  current = '';
  await route();
  document.body.dataset.ready = 'true';
}

main();
