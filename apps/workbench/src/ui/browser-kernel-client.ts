/**
 * The browser kernel as the notebook view uses it: a `BrowserKernel` (a Web Worker) bound to the
 * notebook's cells by the same `KernelSession` the server uses for the Node kernel, so the view
 * gets the same messages from either. Nothing goes over the network but the worker's own requests
 * (transpiling, files).
 */
import { BrowserKernel } from '../kernel/browser/browser-kernel.js';
import { KernelSession } from '../kernel/kernel-session.js';
import type { KernelConnection, KernelMessage } from './kernel-client.js';

/**
 * The tfjs backend asked for in the page's address (`?backend=webgpu|webgl|wasm|cpu`); without it
 * the kernel takes the first that works, skipping a GPU emulated on the CPU (core's initBackend).
 */
function requestedBackend(): string | undefined {
  return new URLSearchParams(location.search).get('backend') ?? undefined;
}

export class BrowserKernelClient implements KernelConnection {
  private readonly kernel: BrowserKernel;
  private readonly session: KernelSession;

  constructor(
    path: string,
    private readonly onMessage: (message: KernelMessage) => void,
    private readonly onConnection: (connected: boolean) => void,
  ) {
    this.kernel = new BrowserKernel({ notebookPath: path, backend: requestedBackend() });
    this.session = new KernelSession(this.kernel, (message) => this.onMessage(message as KernelMessage));
  }

  /** Starts the worker; its states ('starting', then 'idle' with the backend) arrive as status messages. */
  async connect(): Promise<void> {
    this.onConnection(true);
    this.session.start();
  }

  execute(cellId: string, code: string): void {
    void this.session.handle({ type: 'execute', cellId, code });
  }

  interrupt(): void {
    void this.session.handle({ type: 'interrupt' });
  }

  restart(): void {
    void this.session.handle({ type: 'restart' });
  }

  /** Relative paths in cells start from the notebook's folder: a restarted worker uses the new one. */
  renamed(path: string): void {
    this.kernel.options.notebookPath = path;
  }

  close(): void {
    this.kernel.shutdown();
  }

  async shutdown(): Promise<void> {
    this.kernel.shutdown();
  }
}
