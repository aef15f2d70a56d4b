/**
 * A "Run all" in the run history, as `wb run` records one: begun on the server when the cells are
 * sent, ended once every cell sent has replied (ok, failed, or aborted behind a failure), with the
 * metrics the cells logged, the kernel's run record, and the first failing cell and its error.
 * Works the same for both kernels: it reads the kernel's messages as the notebook view gets them.
 */
import type { Output } from '../notebook/types.js';
import { api } from './api.js';
import type { KernelMessage } from './kernel-client.js';

export class RunAllRecording {
  private readonly id: Promise<number | undefined>;
  private readonly waiting: Set<string>;
  private readonly metrics: Array<{ name: string; value: number; step: number }> = [];
  private failedCell: number | undefined;
  private error: Output | undefined;
  private run: unknown;
  private over = false;

  /** `cells`: the ids of the code cells sent, with their position in the notebook. */
  constructor(
    path: string,
    private readonly cells: Map<string, number>,
    private readonly outputsOf: (cellId: string) => Output[],
    warn: (message: string) => void,
  ) {
    this.waiting = new Set(cells.keys());
    this.id = api.beginRun(path).then(
      ({ id }) => id,
      (e: Error) => {
        warn(`This run is not recorded in the run history: ${e.message}`);
        return undefined;
      },
    );
  }

  /** Reads one kernel message; true once every cell has replied and the run is recorded. */
  note(message: KernelMessage): boolean {
    if (this.over || !('cellId' in message) || !message.cellId || !this.cells.has(message.cellId)) return this.over;
    if (message.type === 'metric') this.metrics.push({ name: message.name, value: message.value, step: message.step });
    if (message.type !== 'execute_reply' || !this.waiting.delete(message.cellId)) return false;
    if (message.run) this.run = message.run;
    if (message.status === 'error' && this.failedCell === undefined) {
      this.failedCell = this.cells.get(message.cellId);
      this.error = this.outputsOf(message.cellId).find((o) => o.output_type === 'error');
    }
    if (this.waiting.size > 0) return false;
    this.end({ ok: this.failedCell === undefined, failedCell: this.failedCell, error: this.error, run: this.run, metrics: this.metrics });
    return true;
  }

  /** The kernel was shut down or replaced before every cell replied. */
  interrupted(): void {
    if (!this.over) this.end({ interrupted: true, metrics: this.metrics });
  }

  private end(body: object): void {
    this.over = true;
    void this.id.then((id) => (id === undefined ? undefined : api.finishRun(id, body).catch(() => undefined)));
  }
}
