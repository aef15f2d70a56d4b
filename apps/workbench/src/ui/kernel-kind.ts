/**
 * Which kernel runs a notebook: the Node kernel (a process on the server, tfjs on wasm) or the
 * browser kernel (a Web Worker in this page, tfjs on WebGPU, WebGL or wasm). The choice is the
 * notebook's, kept in its metadata as `wb.kernel` (absent: Node), so it opens with the same kernel
 * next time and the file still opens unchanged in JupyterLab.
 */
import type { JsonObject, Notebook } from '../notebook/types.js';
import { BrowserKernelClient } from './browser-kernel-client.js';
import { KernelClient, type KernelConnection, type KernelMessage } from './kernel-client.js';

export type KernelKind = 'node' | 'browser';

export const KERNEL_NAMES: Record<KernelKind, string> = { node: 'Node kernel', browser: 'Browser kernel' };

export function kernelKindOf(nb: Notebook): KernelKind {
  const wb = nb.metadata.wb as JsonObject | undefined;
  return wb?.kernel === 'browser' ? 'browser' : 'node';
}

/** The notebook's metadata with `wb.kernel` set. */
export function withKernelKind(metadata: JsonObject, kind: KernelKind): JsonObject {
  const wb = (metadata.wb as JsonObject | undefined) ?? {};
  return { ...metadata, wb: { ...wb, kernel: kind } };
}

export function openKernel(
  kind: KernelKind,
  path: string,
  onMessage: (message: KernelMessage) => void,
  onConnection: (connected: boolean) => void,
): KernelConnection {
  return kind === 'browser' ? new BrowserKernelClient(path, onMessage, onConnection) : new KernelClient(path, onMessage, onConnection);
}

/** The toolbar's picker. */
export function kernelPicker(kind: KernelKind, onPick: (kind: KernelKind) => void): HTMLSelectElement {
  const select = document.createElement('select');
  select.className = 'wb-kernel-picker';
  select.title = 'Kernel: Node (a process on the server, tfjs on wasm) or Browser (a worker in this page, tfjs on WebGPU / WebGL / wasm)';
  select.setAttribute('aria-label', 'Kernel');
  for (const [value, label] of [['node', 'Node'], ['browser', 'Browser']] as const) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = label;
    select.append(option);
  }
  select.value = kind;
  select.addEventListener('change', () => onPick(select.value as KernelKind));
  return select;
}
