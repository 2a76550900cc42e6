// Small DOM helpers shared by the desk's views: element building, the status line, and the one
// modal dialog that asks every question (alt text, link, conflict, publish…).

import { t } from './i18n.js';

/** Builds an element: el('p', {class: 'x'}, 'text', child…). Text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** Says `text` in the status line (read by screen readers); `action` adds a button. */
export function say(text, { error = false, action } = {}) {
  const s = document.getElementById('status');
  s.replaceChildren(el('span', {}, text));
  s.classList.toggle('is-error', error);
  if (action) s.append(' ', el('button', { type: 'button', onclick: action.run }, action.label));
}

/** Shows an API error with its hint, in the status line. */
export function sayError(e) {
  const msg = e.hint ? `${e.message} — ${e.hint}` : e.message;
  say(msg, { error: true });
}

/** A labelled input for dialogs: {id, label, type, value, help, required}. */
export function field({ id, label, type = 'text', value = '', help, required, autocomplete = 'off' }) {
  const input =
    type === 'textarea'
      ? el('textarea', { id, name: id, rows: 3 }, value)
      : el('input', { id, name: id, type, value, autocomplete, required });
  const parts = [el('label', { for: id }, label), input];
  if (help) {
    input.setAttribute('aria-describedby', `${id}-help`);
    parts.push(el('p', { class: 'help', id: `${id}-help` }, help));
  }
  return el('div', { class: 'field' }, parts);
}

let open = null;

/**
 * Opens the modal dialog and resolves with {action, values} when a button is pressed (the
 * Escape key gives action 'cancel'). `actions`: [{value, label, primary, danger}].
 */
export function ask({ title, body = [], actions, wide = false, onOpen }) {
  const dlg = document.getElementById('dlg');
  if (open) open('cancel');
  document.getElementById('dlg-h').textContent = title;
  document.getElementById('dlg-body').replaceChildren(...[body].flat());
  const bar = document.getElementById('dlg-actions');
  bar.replaceChildren(
    ...actions.map((a) =>
      el('button', { type: 'submit', value: a.value, class: a.primary ? 'primary' : a.danger ? 'danger' : '' }, a.label),
    ),
  );
  dlg.classList.toggle('wide', wide);
  const back = document.activeElement;
  return new Promise((resolve) => {
    const form = document.getElementById('dlg-form');
    const finish = (action) => {
      open = null;
      form.onsubmit = null;
      dlg.oncancel = null;
      const values = Object.fromEntries(new FormData(form).entries());
      if (dlg.open) dlg.close();
      back?.focus?.();
      resolve({ action, values });
    };
    open = finish;
    form.onsubmit = (e) => {
      e.preventDefault();
      const action = e.submitter?.value || actions.find((a) => a.primary)?.value || 'ok';
      const bad = [...form.querySelectorAll('[required]')].find((i) => !i.value.trim());
      if (action !== 'cancel' && bad) {
        bad.focus();
        return;
      }
      finish(action);
    };
    dlg.oncancel = (e) => {
      e.preventDefault();
      finish('cancel');
    };
    dlg.showModal();
    const first = dlg.querySelector('#dlg-body input, #dlg-body textarea, #dlg-body select') || bar.querySelector('button');
    first?.focus();
    onOpen?.(dlg, finish);
  });
}

/** A yes/no question; resolves true when `yes` is chosen. */
export async function confirmAsk(title, text, yes = t('ok'), danger = false) {
  const { action } = await ask({
    title,
    body: el('p', {}, text),
    actions: [
      { value: 'yes', label: yes, primary: !danger, danger },
      { value: 'cancel', label: t('cancel') },
    ],
  });
  return action === 'yes';
}

/** Local time "HH:MM" of an ISO time or Date. */
export function clock(time) {
  const d = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  return d.toLocaleTimeString(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** Local date and time of an ISO time. */
export function when(time) {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  return d.toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN');
}
