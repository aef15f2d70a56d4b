/**
 * One cell on the page: its prompt (`[n]`, `[*]` while it runs), its editor, and its outputs
 * (code) or its rendered Markdown (shown unless the cell is being edited).
 */
import type { EditorView } from '@codemirror/view';
import type { Cell, CellType, MimeBundle, Output } from '../notebook/types.js';
import { createEditor, setEditorLanguage, type EditorHooks } from './editor.js';
import { renderMarkdown } from './markdown.js';
import { renderBundle, renderOutput } from './outputs.js';

export class CellView {
  readonly el: HTMLElement;
  private readonly prompt: HTMLElement;
  private readonly editorHost: HTMLElement;
  private readonly rendered: HTMLElement;
  private readonly outputsEl: HTMLElement;
  readonly editor: EditorView;
  /** The execution whose outputs this cell shows. */
  seq: number | undefined;
  /** Live outputs by display id (not saved: Jupyter's transient ids). */
  readonly displays = new Map<string, { output: Output; el: HTMLElement }>();
  editing = false;

  constructor(
    public cell: Cell,
    private readonly hooks: EditorHooks,
  ) {
    this.el = document.createElement('div');
    this.el.className = 'wb-cell';
    this.el.dataset.cellId = cell.id;
    const row = document.createElement('div');
    row.className = 'wb-cell-row';
    this.prompt = document.createElement('div');
    this.prompt.className = 'wb-prompt';
    const body = document.createElement('div');
    body.className = 'wb-cell-body';
    this.editorHost = document.createElement('div');
    this.editorHost.className = 'wb-editor';
    this.rendered = document.createElement('div');
    this.rendered.className = 'wb-rendered wb-markdown';
    this.outputsEl = document.createElement('div');
    this.outputsEl.className = 'wb-outputs';
    body.append(this.editorHost, this.rendered);
    row.append(this.prompt, body);
    const outRow = document.createElement('div');
    outRow.className = 'wb-cell-row wb-output-row';
    const outPrompt = document.createElement('div');
    outPrompt.className = 'wb-prompt wb-out-prompt';
    outRow.append(outPrompt, this.outputsEl);
    this.el.append(row, outRow);
    this.editor = createEditor(this.editorHost, cell.source, cell.cell_type, hooks);
    this.refresh();
  }

  /** Re-draws everything from the model. */
  refresh(): void {
    const { cell } = this;
    this.el.classList.toggle('wb-code', cell.cell_type === 'code');
    this.el.classList.toggle('wb-markdown-cell', cell.cell_type === 'markdown');
    this.el.classList.toggle('wb-raw-cell', cell.cell_type === 'raw');
    this.setPrompt(cell.cell_type === 'code' ? cell.execution_count : null);
    this.renderMarkdown();
    this.outputsEl.replaceChildren();
    this.displays.clear();
    if (cell.cell_type === 'code') for (const output of cell.outputs) this.outputsEl.append(renderOutput(output));
    this.el.classList.toggle('wb-has-outputs', cell.cell_type === 'code' && cell.outputs.length > 0);
  }

  setPrompt(count: number | null | '*'): void {
    this.prompt.textContent = this.cell.cell_type === 'code' ? `[${count ?? ' '}]:` : '';
    this.el.classList.toggle('wb-running', count === '*');
  }

  setQueued(): void {
    this.setPrompt('*');
  }

  private renderMarkdown(): void {
    const markdown = this.cell.cell_type === 'markdown';
    const showRendered = markdown && !this.editing && this.cell.source.trim() !== '';
    this.rendered.hidden = !showRendered;
    this.editorHost.hidden = showRendered;
    if (showRendered) this.rendered.innerHTML = renderMarkdown(this.cell.source);
  }

  /** Markdown cells: show the editor (true) or the rendered text (false). */
  setEditing(editing: boolean): void {
    this.editing = editing;
    this.renderMarkdown();
  }

  setType(type: CellType): void {
    const { id, metadata, source } = this.cell;
    this.cell = type === 'code' ? { id, metadata, source, cell_type: 'code', execution_count: null, outputs: [] } : { id, metadata, source, cell_type: type };
    setEditorLanguage(this.editor, type, this.hooks.cellsAbove);
    this.editing = type === 'markdown';
    this.refresh();
  }

  clearOutputs(): void {
    if (this.cell.cell_type !== 'code') return;
    this.cell.outputs = [];
    this.cell.execution_count = null;
    this.refresh();
  }

  addOutput(output: Output): void {
    if (this.cell.cell_type !== 'code') return;
    const outputs = this.cell.outputs;
    const last = outputs.at(-1);
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text += output.text;
      this.outputsEl.lastElementChild?.replaceWith(renderOutput(last));
      return;
    }
    const { transient, ...saved } = output as Output & { transient?: { display_id?: string } };
    outputs.push(saved as Output);
    const el = renderOutput(saved as Output);
    this.outputsEl.append(el);
    if (transient?.display_id) this.displays.set(transient.display_id, { output: saved as Output, el });
    this.el.classList.add('wb-has-outputs');
  }

  /** Replaces a live output in place; false when this cell does not have it. */
  updateDisplay(displayId: string, data: MimeBundle, metadata: MimeBundle): boolean {
    const entry = this.displays.get(displayId);
    if (!entry || (entry.output.output_type !== 'display_data' && entry.output.output_type !== 'execute_result')) return false;
    entry.output.data = data;
    entry.output.metadata = metadata;
    const el = document.createElement('div');
    el.className = 'wb-output wb-output-display_data';
    el.append(renderBundle(data));
    entry.el.replaceWith(el);
    entry.el = el;
    return true;
  }

  focusEditor(): void {
    if (this.cell.cell_type === 'markdown') this.setEditing(true);
    this.editor.focus();
  }

  destroy(): void {
    this.editor.destroy();
    this.el.remove();
  }
}
