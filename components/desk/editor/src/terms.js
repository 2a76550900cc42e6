// The picker for tags and chuyên đề: chosen terms as removable chips, and a combobox that offers
// the site's existing terms matching what is typed, accent-insensitively ("bien" offers "Biển
// đảo"); Enter on a new word adds it as a new term. ARIA combobox pattern (list popup).

import { el } from './ui.js';
import { fold, t } from './i18n.js';

/** A term picker in `host`; `onChange()` runs when the chosen terms change. */
export function termPicker(host, { id, labelKey, onChange }) {
  let chosen = [];
  let known = [];
  let active = -1;
  const label = el('label', { for: `${id}-in`, 'data-t': labelKey }, t(labelKey));
  const chips = el('ul', { class: 'chips', 'aria-label': '' });
  const input = el('input', {
    id: `${id}-in`,
    type: 'text',
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': `${id}-list`,
    'aria-describedby': `${id}-help`,
  });
  const list = el('ul', { id: `${id}-list`, role: 'listbox', class: 'suggest', hidden: true });
  const help = el('p', { class: 'help', id: `${id}-help`, 'data-t': 'terms_help' }, t('terms_help'));
  host.replaceChildren(label, chips, el('div', { class: 'combo' }, input, list), help);

  function renderChips() {
    chips.setAttribute('aria-label', t(labelKey));
    chips.replaceChildren(
      ...chosen.map((term, i) =>
        el(
          'li',
          {},
          el('span', {}, term),
          el(
            'button',
            {
              type: 'button',
              class: 'chip-x',
              'aria-label': t('term_remove', { t: term }),
              onclick: () => {
                chosen.splice(i, 1);
                renderChips();
                onChange();
                input.focus();
              },
            },
            '×',
          ),
        ),
      ),
    );
  }

  function options() {
    const q = fold(input.value.trim());
    if (!q) return [];
    const have = new Set(chosen.map(fold));
    const out = known.filter((k) => fold(k).includes(q) && !have.has(fold(k))).slice(0, 8);
    if (!known.some((k) => fold(k) === q) && !have.has(q)) out.push({ add: input.value.trim() });
    return out;
  }

  function renderList() {
    const opts = options();
    list.replaceChildren(
      ...opts.map((o, i) =>
        el(
          'li',
          {
            id: `${id}-opt-${i}`,
            role: 'option',
            'aria-selected': i === active ? 'true' : 'false',
            onmousedown: (e) => {
              e.preventDefault();
              pick(o);
            },
          },
          typeof o === 'string' ? o : t('term_new', { t: o.add }),
        ),
      ),
    );
    const show = opts.length > 0;
    list.hidden = !show;
    input.setAttribute('aria-expanded', String(show));
    if (active >= 0 && show) input.setAttribute('aria-activedescendant', `${id}-opt-${active}`);
    else input.removeAttribute('aria-activedescendant');
    return opts;
  }

  function pick(o) {
    const term = typeof o === 'string' ? o : o.add;
    if (term && !chosen.some((c) => fold(c) === fold(term))) {
      chosen.push(term);
      renderChips();
      onChange();
    }
    input.value = '';
    active = -1;
    renderList();
    input.focus();
  }

  input.addEventListener('input', () => {
    active = -1;
    renderList();
  });
  input.addEventListener('blur', () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  });
  input.addEventListener('keydown', (e) => {
    const opts = options();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!opts.length) return;
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : opts.length - 1)) % opts.length;
      renderList();
    } else if (e.key === 'Enter' || e.key === ',') {
      if (!input.value.trim()) return;
      e.preventDefault();
      pick(active >= 0 ? opts[active] : (opts.find((o) => typeof o === 'string' && fold(o) === fold(input.value.trim())) ?? { add: input.value.trim() }));
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      e.stopPropagation();
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    } else if (e.key === 'Backspace' && !input.value && chosen.length) {
      chosen.pop();
      renderChips();
      onChange();
    }
  });

  return {
    /** Sets the chosen terms and the site's known terms. */
    set(values, all) {
      chosen = [...(values || [])];
      known = all || known;
      input.value = '';
      renderChips();
      renderList();
    },
    get: () => [...chosen],
    relabel: renderChips,
  };
}
