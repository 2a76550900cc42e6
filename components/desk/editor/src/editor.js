// The desk's Markdown editor: CodeMirror 6 with Markdown highlighting, undo history and the few
// editing commands the toolbar needs.
//
// Tab is left to the browser (no indentWithTab) so a keyboard user can move on to the next
// control; Escape then Tab also works as CodeMirror documents.

import { EditorState, EditorSelection } from '@codemirror/state';
import {
  EditorView,
  keymap,
  drawSelection,
  highlightActiveLine,
  placeholder as placeholderExt,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import {
  Language,
  defineLanguageFacet,
  syntaxHighlighting,
  defaultHighlightStyle,
} from '@codemirror/language';
import { parser as markdownParser, GFM } from '@lezer/markdown';

// Markdown with GitHub's tables and strikethrough, straight from the Lezer parser: the
// @codemirror/lang-markdown wrapper would also bundle the HTML, CSS and JavaScript modes for
// code blocks (four times the size), which teachers do not write.
const markdownLanguage = new Language(defineLanguageFacet(), markdownParser.configure(GFM), [], 'markdown');

/** Wraps every selection range in `before`/`after`; an empty range gets `hint` selected. */
function wrap(view, before, after, hint) {
  const tr = view.state.changeByRange((range) => {
    const text = view.state.sliceDoc(range.from, range.to) || hint;
    const insert = before + text + after;
    const from = range.from + before.length;
    return {
      changes: { from: range.from, to: range.to, insert },
      range: EditorSelection.range(from, from + text.length),
    };
  });
  view.dispatch(tr, { scrollIntoView: true, userEvent: 'input' });
  view.focus();
}

/** Puts `prefix` at the start of every line the selection touches (headings, lists). */
function prefixLines(view, prefix) {
  const { state } = view;
  const changes = [];
  const seen = new Set();
  for (const range of state.selection.ranges) {
    for (let pos = range.from; pos <= range.to; ) {
      const line = state.doc.lineAt(pos);
      if (!seen.has(line.from)) {
        seen.add(line.from);
        if (!line.text.startsWith(prefix)) changes.push({ from: line.from, insert: prefix });
      }
      pos = line.to + 1;
    }
  }
  view.dispatch({ changes, scrollIntoView: true, userEvent: 'input' });
  view.focus();
}

/** Inserts `text` at the cursor (replacing the selection) as its own block when `block`. */
function insert(view, text, block) {
  const { state } = view;
  const range = state.selection.main;
  let insertText = text;
  if (block) {
    const line = state.doc.lineAt(range.from);
    const before = state.sliceDoc(line.from, range.from);
    if (before.trim() !== '') insertText = '\n\n' + insertText;
    insertText += '\n';
  }
  view.dispatch({
    changes: { from: range.from, to: range.to, insert: insertText },
    selection: { anchor: range.from + insertText.length },
    scrollIntoView: true,
    userEvent: 'input',
  });
  view.focus();
}

/** Creates an editor in `parent`. `onChange(text)` runs after every change of the text. */
export function createEditor({ parent, doc = '', onChange = () => {}, label = 'Markdown', placeholder = '' }) {
  const extensions = [
    history(),
    drawSelection(),
    highlightActiveLine(),
    markdownLanguage,
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    keymap.of([...defaultKeymap, ...historyKeymap]),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', lang: 'vi' }),
    placeholder ? placeholderExt(placeholder) : [],
    EditorView.updateListener.of((u) => {
      if (u.docChanged) onChange(u.state.doc.toString());
    }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions }) });
  return {
    view,
    getText: () => view.state.doc.toString(),
    /** Replaces the whole text (opening another post); the undo history starts again. */
    setText(text) {
      view.setState(EditorState.create({ doc: text, extensions }));
    },
    focus: () => view.focus(),
    wrap: (before, after, hint) => wrap(view, before, after, hint),
    prefixLines: (prefix) => prefixLines(view, prefix),
    insert: (text, block = false) => insert(view, text, block),
    destroy: () => view.destroy(),
  };
}
