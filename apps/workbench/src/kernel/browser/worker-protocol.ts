/**
 * What the page and the browser kernel's worker say to each other: the kernel protocol
 * (`../protocol.ts`, the same requests and events as the Node kernel's child process) plus the
 * two things only a worker needs — how it starts (`WorkerInit`: the interrupt flag, which the page
 * writes while the worker is busy, and the notebook it runs for) and how it says it is ending
 * (`WorkerExit`: a worker that stops itself sends no event of its own).
 */
import type { KernelEvent, KernelRequest } from '../protocol.js';

export interface WorkerInit {
  type: 'init';
  /**
   * Int32 [0]: the latest interrupted execution, as in the Node kernel. A SharedArrayBuffer when
   * the page is cross-origin isolated; without one, interrupts reach only a cell that awaits.
   */
  interruptFlag: SharedArrayBuffer | undefined;
  /** The notebook's path in the served folder: relative file paths in cells start from its folder. */
  notebookPath: string;
  /** A backend to use instead of webgpu → webgl → wasm → cpu. */
  backend?: string;
  /** The page's XSRF token, for the worker's requests to the server (a worker has no `document.cookie`). */
  xsrfToken?: string;
}

export interface WorkerExit {
  type: 'exit';
  why: string;
}

export type PageToWorker = WorkerInit | KernelRequest;
export type WorkerToPage = KernelEvent | WorkerExit;
