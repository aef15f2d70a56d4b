/**
 * A kernel bound to the cells of one notebook view: what the notebook page and a kernel say to
 * each other, whichever kernel it is. Page → kernel (`ClientMessage`): `execute` (a cell id and its
 * code), `interrupt`, `restart`. Kernel → page: the kernel's events with the cell id they belong
 * to, `queued`, `interrupted`, `restarted`, and `status` (state, backend, why). The server speaks
 * it over a websocket for the Node kernel (`server/sessions.ts`); the page speaks it to itself for
 * the browser kernel (`ui/browser-kernel-client.ts`). Browser-safe.
 */
import type { KernelDriver } from './kernel-driver.js';
import type { KernelEvent, KernelState } from './protocol.js';

export type ClientMessage =
  | { type: 'execute'; cellId: string; code: string }
  | { type: 'interrupt' }
  | { type: 'restart' };

export interface StatusMessage {
  type: 'status';
  state: KernelState;
  backend: string | null;
  detail: string | null;
}

export class KernelSession {
  private readonly cells = new Map<number, string>();
  private detail: string | undefined;

  constructor(
    readonly kernel: KernelDriver,
    /** Sends a message to every page that has the notebook open. */
    private readonly broadcast: (message: unknown) => void,
  ) {
    kernel.on('event', (event: KernelEvent) => this.forward(event));
    kernel.on('status', (_state, detail) => {
      this.detail = detail;
      this.broadcast(this.status());
    });
  }

  /** Starts the kernel; a failure to start shows in the status. */
  start(): void {
    this.kernel.start().catch((e: Error) => {
      this.detail = e.message;
      this.broadcast(this.status());
    });
  }

  status(): StatusMessage {
    return { type: 'status', state: this.kernel.state, backend: this.kernel.backend ?? null, detail: this.detail ?? null };
  }

  private forward(event: KernelEvent): void {
    const cellId = 'seq' in event ? this.cells.get(event.seq) : undefined;
    this.broadcast({ ...event, cellId });
    if (event.type === 'execute_reply') this.cells.delete(event.seq);
  }

  async handle(message: ClientMessage): Promise<void> {
    if (message.type === 'execute' && typeof message.code === 'string' && typeof message.cellId === 'string') {
      const { seq } = this.kernel.execute(message.code);
      this.cells.set(seq, message.cellId);
      this.broadcast({ type: 'queued', seq, cellId: message.cellId });
    } else if (message.type === 'interrupt') {
      const result = await this.kernel.interrupt();
      this.broadcast({ type: 'interrupted', result });
    } else if (message.type === 'restart') {
      await this.kernel.restart().catch((e: Error) => (this.detail = e.message));
      this.broadcast({ type: 'restarted' });
      this.broadcast(this.status());
    }
  }
}
