/**
 * Completions and hover types in code cells, from the server's TypeScript language service
 * (`server/language-api.ts`): Tab after a name or a `.` (or Ctrl-Space) opens the list;
 * hovering a name shows its type and documentation. The cell is read with the code cells above
 * it (`context`), since cells share one scope.
 */
import { autocompletion, startCompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { Prec, type Extension } from '@codemirror/state';
import { EditorView, hoverTooltip, keymap, type Tooltip } from '@codemirror/view';
import { api } from './api.js';

/** The code cells above the one being edited, in notebook order. */
export type CellsAbove = () => string[];

/** TypeScript's element kinds → CodeMirror's completion icons. */
const ICONS: Record<string, string> = {
  method: 'method',
  function: 'function',
  'local function': 'function',
  property: 'property',
  getter: 'property',
  setter: 'property',
  var: 'variable',
  let: 'variable',
  'local var': 'variable',
  const: 'constant',
  parameter: 'variable',
  class: 'class',
  'local class': 'class',
  interface: 'interface',
  type: 'type',
  enum: 'enum',
  'enum member': 'enum',
  module: 'namespace',
  keyword: 'keyword',
  string: 'text',
};

async function complete(context: CompletionContext, above: CellsAbove): Promise<CompletionResult | null> {
  const word = context.matchBefore(/[\w$]+/);
  const afterDot = context.matchBefore(/\.\s*$/) !== null || (word !== null && context.state.sliceDoc(word.from - 1, word.from) === '.');
  if (!context.explicit && !word && !afterDot) return null;
  const source = context.state.doc.toString();
  const result = await api.completions({ before: above(), source, offset: context.pos }).catch(() => null);
  if (!result || context.aborted || result.items.length === 0) return null;
  const options: Completion[] = result.items.map((item) => ({ label: item.label, type: ICONS[item.kind] ?? item.kind, detail: item.kind, boost: -Number(item.sortText) || 0 }));
  // The server sent only what can match the word as typed then: typing more narrows the list here; deleting asks again.
  return { from: result.from, options, validFor: (text) => /^[\w$]*$/.test(text) && text.startsWith(result.typed) };
}

function tooltipContent(signature: string, documentation: string): HTMLElement {
  const el = document.createElement('div');
  el.className = 'wb-type-tooltip';
  const code = document.createElement('code');
  code.className = 'wb-type-signature';
  code.textContent = signature;
  el.append(code);
  if (documentation) {
    const doc = document.createElement('div');
    doc.className = 'wb-type-doc';
    doc.textContent = documentation;
    el.append(doc);
  }
  return el;
}

async function hover(view: EditorView, pos: number, above: CellsAbove): Promise<Tooltip | null> {
  const source = view.state.doc.toString();
  const result = await api.hover({ before: above(), source, offset: pos }).catch(() => null);
  const info = result?.hover;
  // The document may have changed while the server answered.
  if (!info || info.to > view.state.doc.length || view.state.doc.toString() !== source) return null;
  return { pos: info.from, end: info.to, above: true, create: () => ({ dom: tooltipContent(info.signature, info.documentation) }) };
}

/**
 * Tab after a name or a dot opens the completions, as in JupyterLab (which does not open them while
 * one types unless "continuous hinting" is turned on: prose in comments and keys such as Escape then
 * behave as they always did); elsewhere Tab indents.
 */
function completeOrIndent(view: EditorView): boolean {
  const { head, empty } = view.state.selection.main;
  if (!empty || head === 0) return false;
  const before = view.state.sliceDoc(head - 1, head);
  return /[\w$.]/.test(before) ? startCompletion(view) : false;
}

/** The code cells' completions (Tab or Ctrl-Space opens them) and hover types. */
export function codeAssist(above: CellsAbove): Extension {
  return [
    autocompletion({ override: [(context) => complete(context, above)], activateOnTyping: false }),
    Prec.high(keymap.of([{ key: 'Tab', run: completeOrIndent }])),
    hoverTooltip((view, pos) => hover(view, pos, above), { hoverTime: 350 }),
  ];
}
