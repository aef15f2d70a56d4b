/**
 * A CodeMirror 6 editor for one cell: TypeScript (with completions and hover types, `code-assist.ts`)
 * or Markdown, with the notebook's run keys on top.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches } from '@codemirror/search';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { codeAssist, type CellsAbove } from './code-assist.js';
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers, placeholder, type KeyBinding } from '@codemirror/view';

export interface EditorHooks {
  onChange(source: string): void;
  onFocus(): void;
  /** Notebook keys in the editor (Shift-Enter, Ctrl-Enter, Alt-Enter, Escape, Ctrl-S). */
  keys: KeyBinding[];
  /** The code cells above this one (what its completions and hover types may refer to). */
  cellsAbove: CellsAbove;
}

const language = new Compartment();

function languageFor(type: 'code' | 'markdown' | 'raw', cellsAbove: CellsAbove): Extension {
  if (type === 'code') return [javascript({ typescript: true }), codeAssist(cellsAbove)];
  // Markdown and raw text: completions only when asked for (Ctrl-Space).
  const asked = autocompletion({ activateOnTyping: false });
  if (type === 'markdown') return [markdown(), asked];
  return asked;
}

const theme = EditorView.theme({
  '&': { fontSize: '13.5px', backgroundColor: 'transparent' },
  '.cm-content': { fontFamily: 'var(--wb-mono)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: 'transparent', border: 'none', color: '#a0a7b4' },
  '.cm-lineNumbers .cm-gutterElement': { minWidth: '2.2em', fontSize: '11.5px', paddingTop: '1px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-activeLine': { backgroundColor: 'transparent' },
  '&.cm-focused .cm-activeLine': { backgroundColor: 'rgba(59, 91, 219, 0.045)' },
});

export function createEditor(parent: HTMLElement, source: string, type: 'code' | 'markdown' | 'raw', hooks: EditorHooks): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: source,
      extensions: [
        Prec.highest(keymap.of(hooks.keys)),
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        language.of(languageFor(type, hooks.cellsAbove)),
        placeholder(type === 'code' ? 'TypeScript…  (Shift-Enter runs)' : 'Markdown…'),
        EditorView.lineWrapping,
        theme,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) hooks.onChange(update.state.doc.toString());
          if (update.focusChanged && update.view.hasFocus) hooks.onFocus();
        }),
      ],
    }),
  });
}

export function setEditorLanguage(view: EditorView, type: 'code' | 'markdown' | 'raw', cellsAbove: CellsAbove): void {
  view.dispatch({ effects: language.reconfigure(languageFor(type, cellsAbove)) });
}
