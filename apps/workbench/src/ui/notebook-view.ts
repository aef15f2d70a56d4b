/**
 * The notebook page: header (name, save state, kernel and backend), toolbar, and the cells.
 * Keys work as in Jupyter: in command mode (Esc) A/B insert, D D deletes, M/Y change the type,
 * Z undoes a delete, J/K or the arrows move, Enter edits; everywhere Shift-Enter runs and
 * advances, Ctrl-Enter runs, Alt-Enter runs and inserts, Ctrl-S saves with a checkpoint,
 * I I interrupts and 0 0 restarts.
 */
import { closeCompletion } from '@codemirror/autocomplete';
import type { KeyBinding } from '@codemirror/view';
import { newCell, notebookLanguage, runsHere } from '../notebook/new.js';
import type { Cell, CellType, JsonObject, JsonValue, Notebook, Output } from '../notebook/types.js';
import { api } from './api.js';
import { icon } from './icons.js';
import { Autosaver, readDraft, type SaveState } from './autosave.js';
import { CellView } from './cell-view.js';
import type { KernelConnection, KernelMessage } from './kernel-client.js';
import { KERNEL_NAMES, kernelKindOf, kernelPicker, openKernel, withKernelKind, type KernelKind } from './kernel-kind.js';
import { RunAllRecording } from './run-all-record.js';

type Mode = 'command' | 'edit';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

const TOOLBAR: Array<[action: string, icon: string, label: string, title: string] | '|'> = [
  ['save', 'save', '', 'Save and checkpoint (Ctrl-S)'],
  '|',
  ['insert-below', 'plus', '', 'Insert a cell below (B)'],
  ['move-up', 'up', '', 'Move the cell up'],
  ['move-down', 'down', '', 'Move the cell down'],
  ['delete', 'trash', '', 'Delete the cell (D D)'],
  '|',
  ['run', 'run', 'Run', 'Run the cell and select the next (Shift-Enter)'],
  ['run-all', 'runAll', 'Run all', 'Run every cell'],
  ['run-above', '', 'Above', 'Run the cells above this one'],
  ['run-below', '', 'Below', 'Run this cell and the ones below'],
  '|',
  ['interrupt', 'stop', '', 'Interrupt the kernel (I I)'],
  ['restart', 'restart', '', 'Restart the kernel: its state is cleared (0 0)'],
  ['restart-run-all', 'restartRun', '', 'Restart the kernel and run every cell'],
  ['shutdown-kernel', 'power', '', 'Shut down the kernel (its state and memory are freed; run a cell to start a new one)'],
  ['clear', 'clear', 'Clear', 'Clear every output'],
  '|',
];

export class NotebookView {
  readonly root: HTMLElement;
  private readonly cellsEl: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly nameEl: HTMLElement;
  private readonly saveEl: HTMLElement;
  private readonly kernelEl: HTMLElement;
  private readonly typeSelect: HTMLSelectElement;
  private views: CellView[] = [];
  private selected = 0;
  private mode: Mode = 'command';
  private lastKey = { key: '', at: 0 };
  private readonly deleted: Array<{ index: number; cell: Cell }> = [];
  private readonly saver: Autosaver;
  private kernel: KernelConnection;
  private kernelKind: KernelKind;
  private kernelState = 'starting';
  private backend: string | null = null;
  private connected = false;
  /** Shut down from the toolbar: the next run (or the banner's button) starts a new kernel. */
  private kernelShutDown = false;
  /** The "Run all" being recorded in the run history, until its last cell replies. */
  private recording: RunAllRecording | undefined;

  constructor(
    private path: string,
    private nb: Notebook,
    mtime: number,
  ) {
    this.nameEl = el('button', { class: 'wb-name', title: 'Rename' }, path.split('/').pop()!);
    this.saveEl = el('span', { class: 'wb-save-state' });
    this.kernelEl = el('div', { class: 'wb-kernel', 'data-state': 'starting' });
    const header = el(
      'header',
      { class: 'wb-header' },
      el('a', { class: 'wb-logo', href: '/', title: 'All notebooks' }, 'wb'),
      el('div', { class: 'wb-title' }, this.nameEl, this.saveEl),
      this.kernelEl,
    );
    this.typeSelect = el('select', { class: 'wb-type', title: 'Cell type (Y: code, M: Markdown)' }, el('option', { value: 'code' }, 'Code'), el('option', { value: 'markdown' }, 'Markdown'), el('option', { value: 'raw' }, 'Raw'));
    const toolbar = el('div', { class: 'wb-toolbar', role: 'toolbar' });
    for (const item of TOOLBAR) {
      if (item === '|') toolbar.append(el('span', { class: 'wb-sep' }));
      else {
        const [action, iconName, label, title] = item;
        const button = el('button', { 'data-action': action, title, 'aria-label': title });
        if (iconName) button.append(icon(iconName));
        if (label) button.append(el('span', {}, label));
        toolbar.append(button);
      }
    }
    const revert = el('button', { 'data-action': 'revert', title: 'Revert to the last checkpoint' }, icon('revert'), el('span', {}, 'Revert'));
    const exportHtml = el('button', { 'data-action': 'export-html', title: 'Download as a self-contained HTML file (outputs inline, no network)' }, icon('download'), el('span', {}, 'HTML'));
    this.kernelKind = kernelKindOf(nb);
    const picker = kernelPicker(this.kernelKind, (kind) => this.switchKernel(kind));
    toolbar.append(this.typeSelect, picker, el('span', { class: 'wb-spacer' }), exportHtml, revert);
    this.banner = el('div', { class: 'wb-banner', hidden: '' });
    this.cellsEl = el('main', { class: 'wb-notebook', tabindex: '-1' });
    this.root = el('div', { class: 'wb-page wb-notebook-page' }, header, toolbar, this.banner, this.cellsEl);

    toolbar.addEventListener('click', (e) => {
      const action = (e.target as HTMLElement).closest('button')?.dataset.action;
      if (action) void this.act(action);
    });
    this.typeSelect.addEventListener('change', () => this.setType(this.typeSelect.value as CellType));
    this.nameEl.addEventListener('click', () => this.startRename());
    this.cellsEl.addEventListener('mousedown', (e) => {
      const cellEl = (e.target as HTMLElement).closest('.wb-cell') as HTMLElement | null;
      if (!cellEl) return;
      const index = this.views.findIndex((v) => v.el === cellEl);
      if (index >= 0) this.select(index, (e.target as HTMLElement).closest('.cm-editor') ? 'edit' : 'command');
    });
    this.cellsEl.addEventListener('dblclick', (e) => {
      const cellEl = (e.target as HTMLElement).closest('.wb-markdown-cell') as HTMLElement | null;
      const view = this.views.find((v) => v.el === cellEl);
      if (view) this.edit(view);
    });
    document.addEventListener('keydown', (e) => this.onKey(e));

    this.saver = new Autosaver(path, mtime, () => this.notebook(), (state, detail) => this.showSaveState(state, detail));
    this.kernel = this.openKernel();
    for (const cell of nb.cells) this.views.push(this.makeView(cell));
    if (this.views.length === 0) this.views.push(this.makeView(newCell('code')));
    this.cellsEl.append(...this.views.map((v) => v.el));
    this.select(0, 'command');
    this.showSaveState('saved');
    this.showKernel();
    if (!runsHere(nb)) this.showBanner(`This notebook's language is ${notebookLanguage(nb)}; its code cells will run here as TypeScript.`, []);
    this.connectKernel();
  }

  /** A connection to the notebook's kind of kernel; messages from one that was replaced are ignored. */
  private openKernel(): KernelConnection {
    const kernel: KernelConnection = openKernel(
      this.kernelKind,
      this.path,
      (m) => {
        if (kernel === this.kernel) this.onKernel(m);
      },
      (connected) => {
        if (kernel !== this.kernel) return;
        this.connected = connected;
        this.showKernel();
      },
    );
    return kernel;
  }

  private connectKernel(): void {
    void this.kernel.connect().catch((e: Error) => this.showBanner(`Could not start a kernel: ${e.message}`, []));
  }

  /**
   * The picker: the other kind of kernel from now on. The notebook remembers it once the user
   * saves (Ctrl-S, the save button), not before: trying a kernel does not change the file, and
   * the header says the choice is not saved yet. The one left behind is let go (a browser kernel
   * ends; the server keeps a Node kernel for other tabs), and cells waiting on it no longer wait.
   */
  private switchKernel(kind: KernelKind): void {
    if (kind === this.kernelKind) return;
    this.recording?.interrupted();
    this.recording = undefined;
    this.kernel.close();
    this.kernelKind = kind;
    for (const view of this.views) {
      if (view.seq === undefined && !view.el.classList.contains('wb-running')) continue;
      view.seq = undefined;
      if (view.cell.cell_type === 'code') view.setPrompt(view.cell.execution_count);
    }
    this.kernelState = 'starting';
    this.backend = null;
    this.connected = false;
    if (this.banner.dataset.kind === 'kernel') this.hideBanner();
    this.kernel = this.openKernel();
    this.showKernel();
    this.connectKernel();
  }

  /** Ends the kernel (not just this tab's connection); the banner offers a new one, and so does running a cell. */
  private async shutdownKernel(): Promise<void> {
    this.recording?.interrupted();
    this.recording = undefined;
    const kernel = this.kernel;
    this.kernel = this.openKernel();
    await kernel.shutdown();
    for (const view of this.views) {
      if (view.seq === undefined && !view.el.classList.contains('wb-running')) continue;
      view.seq = undefined;
      if (view.cell.cell_type === 'code') view.setPrompt(view.cell.execution_count);
    }
    this.kernelState = 'shut down';
    this.backend = null;
    this.connected = true;
    this.kernelShutDown = true;
    this.showKernel();
    this.showBanner('The kernel is shut down.', [['Start a new kernel', () => this.startKernelAgain()]], 'kernel');
  }

  private startKernelAgain(): void {
    if (!this.kernelShutDown) return;
    this.kernelShutDown = false;
    this.kernelState = 'starting';
    this.connected = false;
    if (this.banner.dataset.kind === 'kernel') this.hideBanner();
    this.showKernel();
    this.connectKernel();
  }

  /** Opens a notebook, restoring unsaved changes that a reload (or a crash) left in this browser. */
  static async open(path: string): Promise<NotebookView> {
    const { notebook, mtime } = await api.open(path);
    const draft = readDraft(path);
    if (draft && draft.baseMtime === mtime) {
      const view = new NotebookView(path, draft.notebook, mtime);
      view.saver.changed();
      return view;
    }
    const view = new NotebookView(path, notebook, mtime);
    if (draft) {
      const when = new Date(draft.at).toLocaleString();
      view.showBanner(`This browser has unsaved changes to this notebook from ${when}, made before the file changed on disk.`, [
        ['Restore them', () => view.replaceNotebook(draft.notebook, true)],
        ['Discard them', () => view.saver.clearDraft()],
      ]);
    }
    return view;
  }

  notebook(): Notebook {
    return { ...this.nb, cells: this.views.map((v) => v.cell) };
  }

  private makeView(cell: Cell): CellView {
    let view: CellView;
    const keys: KeyBinding[] = [
      { key: 'Shift-Enter', run: () => (this.focusView(view), this.runAndAdvance(), true) },
      { key: 'Mod-Enter', run: () => (this.focusView(view), this.runSelected(), true) },
      { key: 'Alt-Enter', run: () => (this.focusView(view), this.runSelected(), this.insert(1, 'code', 'edit'), true) },
      // Escape closes an open completion list first, as in JupyterLab; then it leaves the editor.
      { key: 'Escape', run: (editor) => closeCompletion(editor) || (this.command(), true) },
      { key: 'Mod-s', run: () => (void this.act('save'), true) },
    ];
    view = new CellView(cell, {
      keys,
      onChange: (source) => {
        view.cell.source = source;
        this.changed();
      },
      onFocus: () => this.focusView(view),
      cellsAbove: () => this.codeCellsAbove(view),
    });
    return view;
  }

  /** The sources of the code cells above `view`: what its completions may refer to (cells share one scope). */
  private codeCellsAbove(view: CellView): string[] {
    const index = this.views.indexOf(view);
    return this.views.slice(0, Math.max(0, index)).flatMap((v) => (v.cell.cell_type === 'code' ? [v.cell.source] : []));
  }

  private languageWarmed = false;

  private focusView(view: CellView): void {
    // The language service reads every package's declarations once (seconds): start on the first edit of code, not on the first completion.
    if (!this.languageWarmed && view.cell.cell_type === 'code') {
      this.languageWarmed = true;
      void api.warmLanguage().catch(() => undefined);
    }
    const index = this.views.indexOf(view);
    if (index >= 0 && (index !== this.selected || this.mode !== 'edit')) this.select(index, 'edit', false);
  }

  private changed(): void {
    this.saver.changed();
  }

  private get current(): CellView {
    return this.views[this.selected];
  }

  private select(index: number, mode: Mode, focus = true): void {
    this.selected = Math.max(0, Math.min(index, this.views.length - 1));
    this.mode = mode;
    this.views.forEach((v, i) => {
      v.el.classList.toggle('wb-selected', i === this.selected);
      v.el.classList.toggle('wb-editing', i === this.selected && mode === 'edit');
      if ((i !== this.selected || mode === 'command') && v.cell.cell_type === 'markdown' && v.editing && v.cell.source.trim()) v.setEditing(false);
    });
    const view = this.current;
    if (!view) return;
    this.typeSelect.value = view.cell.cell_type;
    view.el.scrollIntoView({ block: 'nearest' });
    if (!focus) return;
    if (mode === 'edit') view.focusEditor();
    else this.cellsEl.focus({ preventScroll: true });
  }

  private command(): void {
    this.select(this.selected, 'command');
  }

  private edit(view: CellView): void {
    this.select(this.views.indexOf(view), 'edit');
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (e.defaultPrevented) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void this.act('save');
      return;
    }
    if (target.closest('.cm-editor, input, textarea, select') || !this.root.isConnected) return;
    if (target.closest('button') && e.key === 'Enter') return;
    const key = e.key;
    const double = (k: string) => {
      const hit = this.lastKey.key === k && Date.now() - this.lastKey.at < 700;
      this.lastKey = hit ? { key: '', at: 0 } : { key: k, at: Date.now() };
      return hit;
    };
    const handled = (): void => e.preventDefault();
    if (key === 'Enter' && e.shiftKey) return handled(), this.runAndAdvance();
    if (key === 'Enter' && (e.ctrlKey || e.metaKey)) return handled(), this.runSelected();
    if (key === 'Enter' && e.altKey) return handled(), this.runSelected(), this.insert(1, 'code', 'edit');
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    switch (key) {
      case 'Enter':
        return handled(), this.edit(this.current);
      case 'a':
      case 'A':
        return handled(), this.insert(0, 'code', 'command');
      case 'b':
      case 'B':
        return handled(), this.insert(1, 'code', 'command');
      case 'd':
      case 'D':
        handled();
        if (double('d')) this.deleteSelected();
        return;
      case 'z':
      case 'Z':
        return handled(), this.undoDelete();
      case 'm':
      case 'M':
        return handled(), this.setType('markdown');
      case 'y':
      case 'Y':
        return handled(), this.setType('code');
      case 'r':
      case 'R':
        return handled(), this.setType('raw');
      case 'j':
      case 'J':
      case 'ArrowDown':
        return handled(), this.select(this.selected + 1, 'command');
      case 'k':
      case 'K':
      case 'ArrowUp':
        return handled(), this.select(this.selected - 1, 'command');
      case 'i':
      case 'I':
        handled();
        if (double('i')) this.kernel.interrupt();
        return;
      case '0':
        handled();
        if (double('0')) void this.act('restart');
        return;
    }
  }

  private insert(offset: 0 | 1, type: CellType, mode: Mode): void {
    const view = this.makeView(newCell(type));
    const index = Math.min(this.selected + offset, this.views.length);
    this.views.splice(index, 0, view);
    const before = this.views[index + 1]?.el ?? null;
    this.cellsEl.insertBefore(view.el, before);
    if (type === 'markdown') view.setEditing(true);
    this.select(index, mode);
    this.changed();
  }

  private deleteSelected(): void {
    const view = this.current;
    if (!view) return;
    this.deleted.push({ index: this.selected, cell: view.cell });
    this.views.splice(this.selected, 1);
    view.destroy();
    if (this.views.length === 0) {
      const fresh = this.makeView(newCell('code'));
      this.views.push(fresh);
      this.cellsEl.append(fresh.el);
    }
    this.select(Math.min(this.selected, this.views.length - 1), 'command');
    this.changed();
  }

  private undoDelete(): void {
    const last = this.deleted.pop();
    if (!last) return;
    const view = this.makeView(last.cell);
    const index = Math.min(last.index, this.views.length);
    this.views.splice(index, 0, view);
    this.cellsEl.insertBefore(view.el, this.views[index + 1]?.el ?? null);
    this.select(index, 'command');
    this.changed();
  }

  private move(delta: -1 | 1): void {
    const from = this.selected;
    const to = from + delta;
    if (to < 0 || to >= this.views.length) return;
    const [view] = this.views.splice(from, 1);
    this.views.splice(to, 0, view);
    this.cellsEl.insertBefore(view.el, delta < 0 ? this.views[to + 1].el : (this.views[to + 1]?.el ?? null));
    this.select(to, 'command');
    this.changed();
  }

  private setType(type: CellType): void {
    const view = this.current;
    if (!view || view.cell.cell_type === type) return;
    view.setType(type);
    this.typeSelect.value = type;
    this.changed();
  }

  /** Sends a cell to the kernel (Markdown cells are rendered instead). */
  private runCell(view: CellView): void {
    if (view.cell.cell_type === 'markdown') {
      view.setEditing(false);
      return;
    }
    if (view.cell.cell_type !== 'code') return;
    view.clearOutputs();
    view.seq = undefined;
    view.setQueued();
    this.startKernelAgain();
    this.kernel.execute(view.cell.id, view.cell.source);
    this.changed();
  }

  private runSelected(): void {
    this.runCell(this.current);
    if (this.current.cell.cell_type === 'markdown') this.command();
  }

  private runAndAdvance(): void {
    this.runCell(this.current);
    if (this.selected === this.views.length - 1) this.insert(1, 'code', 'edit');
    else this.select(this.selected + 1, 'command');
  }

  /** Run all, recorded in the run history like `wb run`. */
  private runAll(): void {
    this.recording?.interrupted();
    const cells = new Map(this.views.flatMap((v, i) => (v.cell.cell_type === 'code' ? [[v.cell.id, i] as const] : [])));
    this.recording = cells.size
      ? new RunAllRecording(this.path, cells, (id) => (this.viewFor(id)?.cell as { outputs?: Output[] } | undefined)?.outputs ?? [], (m) => this.toast(m))
      : undefined;
    this.runRange(0, this.views.length);
  }

  private runRange(from: number, to: number): void {
    for (const view of this.views.slice(from, to)) this.runCell(view);
  }

  private async act(action: string): Promise<void> {
    switch (action) {
      case 'save':
        if (kernelKindOf(this.nb) !== this.kernelKind) this.nb.metadata = withKernelKind(this.nb.metadata, this.kernelKind);
        await this.saver.save({ checkpoint: true });
        this.showKernel();
        break;
      case 'insert-below':
        this.insert(1, 'code', 'edit');
        break;
      case 'delete':
        this.deleteSelected();
        break;
      case 'move-up':
        this.move(-1);
        break;
      case 'move-down':
        this.move(1);
        break;
      case 'run':
        this.runAndAdvance();
        break;
      case 'run-all':
        this.runAll();
        break;
      case 'run-above':
        this.runRange(0, this.selected);
        break;
      case 'run-below':
        this.runRange(this.selected, this.views.length);
        break;
      case 'interrupt':
        this.kernel.interrupt();
        break;
      case 'restart':
        this.kernel.restart();
        break;
      case 'shutdown-kernel':
        await this.shutdownKernel();
        break;
      case 'restart-run-all':
        this.kernel.restart();
        this.runAll();
        break;
      case 'clear':
        for (const view of this.views) view.clearOutputs();
        this.changed();
        break;
      case 'export-html': {
        await this.saver.save();
        const link = el('a', { href: `/api/notebook/html?path=${encodeURIComponent(this.path)}`, download: '' });
        document.body.append(link);
        link.click();
        link.remove();
        break;
      }
      case 'revert':
        if (confirm('Replace the notebook by its last checkpoint? Changes since then are lost.')) {
          const { notebook, mtime } = await api.revert(this.path);
          this.replaceNotebook(notebook, false);
          this.saver.reset(mtime);
        }
        break;
    }
  }

  private replaceNotebook(notebook: Notebook, dirty: boolean): void {
    for (const v of this.views) v.destroy();
    this.nb = notebook;
    this.views = notebook.cells.map((c) => this.makeView(c));
    this.cellsEl.append(...this.views.map((v) => v.el));
    this.select(0, 'command');
    this.hideBanner();
    if (dirty) this.changed();
  }

  private viewFor(cellId: string | undefined): CellView | undefined {
    return cellId ? this.views.find((v) => v.cell.id === cellId) : undefined;
  }

  private onKernel(message: KernelMessage): void {
    if (this.recording?.note(message)) this.recording = undefined;
    switch (message.type) {
      case 'status':
        this.kernelState = message.state;
        this.backend = message.backend;
        this.showKernel();
        if (message.state === 'dead') {
          const why = message.detail ? ` (${message.detail.split('\n')[0]})` : '';
          this.showBanner(`The kernel stopped${why}. The notebook is safe.`, [['Restart the kernel', () => this.kernel.restart()]], 'kernel');
        } else if (this.banner.dataset.kind === 'kernel') {
          this.hideBanner();
        }
        break;
      case 'queued': {
        const view = this.viewFor(message.cellId);
        if (view) {
          view.seq = message.seq;
          view.setQueued();
        }
        break;
      }
      case 'output': {
        const view = this.viewFor(message.cellId);
        if (view && view.seq === message.seq) {
          view.addOutput(message.output);
          this.changed();
        }
        break;
      }
      case 'update_display':
        for (const view of this.views) if (view.updateDisplay(message.displayId, message.data, message.metadata)) this.changed();
        break;
      case 'clear_output': {
        const view = this.viewFor(message.cellId);
        if (view && view.seq === message.seq && view.cell.cell_type === 'code') {
          view.cell.outputs = [];
          view.refresh();
          view.setQueued();
        }
        break;
      }
      case 'execute_reply': {
        const view = this.viewFor(message.cellId);
        if (view && view.seq === message.seq && view.cell.cell_type === 'code') {
          view.cell.execution_count = message.status === 'aborted' ? null : message.executionCount;
          view.setPrompt(view.cell.execution_count);
          view.seq = undefined;
        }
        if (message.run) {
          const wb = (this.nb.metadata.wb as JsonObject | undefined) ?? {};
          this.nb.metadata = { ...this.nb.metadata, wb: { ...wb, run: { ...(message.run as JsonObject), finished: new Date().toISOString() } as JsonValue } };
        }
        this.changed();
        break;
      }
      case 'interrupted':
        if (message.result === 'restarted') this.toast('The cell did not stop, so the kernel was restarted (its state is lost).');
        break;
      case 'restarted':
        this.toast('Kernel restarted: its state is cleared.');
        for (const view of this.views) if (view.el.classList.contains('wb-running') && view.cell.cell_type === 'code') view.setPrompt(view.cell.execution_count);
        break;
    }
  }

  private showKernel(): void {
    const state = this.connected ? this.kernelState : 'disconnected';
    this.kernelEl.dataset.state = state;
    this.kernelEl.replaceChildren(
      el('span', { class: 'wb-dot' }),
      el('span', { class: 'wb-kernel-name' }, KERNEL_NAMES[this.kernelKind]),
      ...(kernelKindOf(this.nb) === this.kernelKind
        ? []
        : [el('span', { class: 'wb-kernel-unsaved', title: `The notebook is stored with the ${KERNEL_NAMES[kernelKindOf(this.nb)]}; save (Ctrl-S) to keep this choice` }, 'not saved')]),
      el('span', { class: 'wb-backend', title: 'tfjs backend in use' }, this.backend ?? '…'),
      el('span', { class: 'wb-kernel-state' }, state),
    );
    this.kernelEl.title = `${KERNEL_NAMES[this.kernelKind]}: ${state}; tfjs backend: ${this.backend ?? 'not known yet'}`;
  }

  private showSaveState(state: SaveState, detail?: string): void {
    const text: Record<SaveState, string> = {
      saved: detail === 'checkpoint' ? 'Saved, checkpoint made' : 'Saved',
      saving: 'Saving…',
      unsaved: 'Unsaved changes',
      conflict: 'Changed on disk',
      error: 'Not saved (retrying)',
    };
    this.saveEl.textContent = text[state];
    this.saveEl.dataset.state = state;
    this.saveEl.title = detail ?? '';
    if (state === 'conflict') {
      this.showBanner('The file changed on disk since it was opened here (another tab, or `wb run`).', [
        ['Overwrite it with this version', () => void this.saver.save({ overwrite: true })],
        ['Reload it from disk', () => {
          this.saver.clearDraft();
          location.reload();
        }],
      ]);
    }
  }

  private showBanner(message: string, actions: Array<[string, () => void]>, kind = 'info'): void {
    this.banner.hidden = false;
    this.banner.dataset.kind = kind;
    this.banner.replaceChildren(el('span', {}, message));
    for (const [label, fn] of actions) {
      const button = el('button', {}, label);
      button.addEventListener('click', () => {
        this.hideBanner();
        fn();
      });
      this.banner.append(button);
    }
  }

  private hideBanner(): void {
    this.banner.hidden = true;
    delete this.banner.dataset.kind;
  }

  private toast(message: string): void {
    const t = el('div', { class: 'wb-toast', role: 'status' }, message);
    document.body.append(t);
    setTimeout(() => t.remove(), 4000);
  }

  private startRename(): void {
    const input = el('input', { class: 'wb-rename', value: this.path.split('/').pop()! });
    this.nameEl.replaceWith(input);
    input.focus();
    input.select();
    const finish = async (commit: boolean) => {
      input.replaceWith(this.nameEl);
      let name = input.value.trim();
      if (!commit || !name || name === this.path.split('/').pop()) return;
      if (!name.endsWith('.ipynb')) name += '.ipynb';
      const dir = this.path.includes('/') ? this.path.slice(0, this.path.lastIndexOf('/') + 1) : '';
      try {
        await this.saver.save();
        const { path } = await api.rename(this.path, dir + name);
        this.saver.clearDraft();
        this.path = path;
        this.saver.path = path;
        this.kernel.renamed(path);
        this.nameEl.textContent = path.split('/').pop()!;
        history.replaceState(null, '', `/notebooks/${path.split('/').map(encodeURIComponent).join('/')}`);
        document.title = `${path.split('/').pop()} · wb`;
      } catch (e) {
        this.toast(`Could not rename: ${(e as Error).message}`);
      }
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void finish(true);
      if (e.key === 'Escape') void finish(false);
    });
    input.addEventListener('blur', () => void finish(true), { once: true });
  }
}
