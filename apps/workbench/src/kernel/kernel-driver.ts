/**
 * A kernel as whoever drives it sees it (the server, `wb run`, the notebook page): something that
 * runs cells in order and streams their outputs as `KernelEvent`s, whatever it runs in. This is
 * the bookkeeping both kernels share: execution numbers, waiting executions, states, interrupt
 * with a grace period, restart, and a kernel that dies. `NodeKernel` (a child process) and
 * `BrowserKernel` (a Web Worker) only say how to start, signal and kill their instance.
 *
 * Interrupt first asks nicely (the executor stops the cell at its next await or loop iteration,
 * keeping the notebook's state); if the cell has not stopped after `graceMs` (it is stuck inside
 * code that has no interrupt checks), the instance is killed and started again, and the cell's
 * output says that the state was lost. An instance that dies on its own is reported and can be
 * restarted; the notebook itself lives in the page and on disk, never in the kernel.
 *
 * Browser-safe (no node: imports): the page bundles it for the browser kernel.
 */
import type { ErrorOutput, RunRecord } from '../notebook/types.js';
import type { KernelEvent, KernelRequest, KernelState, ReplyStatus } from './protocol.js';

export interface ExecuteReply {
  seq: number;
  status: ReplyStatus;
  executionCount: number | null;
  run?: RunRecord;
}

interface Pending {
  resolve(reply: ExecuteReply): void;
}

/** What an instance reports to its driver. Calls from an instance that was replaced are ignored. */
export interface InstanceHandlers {
  event(event: KernelEvent): void;
  /** It stopped: `why` is short ("exit code 7"), `detail` its last words (may be ''). */
  exit(why: string, detail: string): void;
}

interface DriverEvents {
  event: [KernelEvent];
  status: [KernelState, string | undefined];
}

export abstract class KernelDriver {
  state: KernelState = 'dead';
  backend: string | undefined;
  versions: Record<string, string> = {};
  private seq = 0;
  private running: number | undefined;
  private readonly pending = new Map<number, Pending>();
  private ready: Promise<void> | undefined;
  /** Which instance is current; handlers of older ones are ignored. */
  private generation = 0;
  private alive = false;
  private readonly listeners: { [K in keyof DriverEvents]: Array<(...args: DriverEvents[K]) => void> } = { event: [], status: [] };

  /** What the instance is called in messages: "kernel process", "kernel worker". */
  protected abstract readonly noun: string;
  /** Starts a fresh instance that reports through `handlers`. */
  protected abstract launch(handlers: InstanceHandlers): void;
  protected abstract send(request: KernelRequest): void;
  /** Tells the instance, past its busy thread, that execution `seq` is interrupted. */
  protected abstract signalInterrupt(seq: number): void;
  /** Stops the instance at once, without it reporting an exit. */
  protected abstract kill(): void;

  constructor(private readonly graceMs = 2000) {}

  on<K extends keyof DriverEvents>(name: K, listener: (...args: DriverEvents[K]) => void): this {
    this.listeners[name].push(listener);
    return this;
  }

  protected emit<K extends keyof DriverEvents>(name: K, ...args: DriverEvents[K]): void {
    for (const listener of this.listeners[name]) listener(...args);
  }

  private setState(state: KernelState, detail?: string): void {
    this.state = state;
    this.emit('status', state, detail);
  }

  /** Starts an instance; resolves when its backend is ready. */
  start(): Promise<void> {
    if (this.ready && this.alive) return this.ready;
    this.setState('starting');
    this.backend = undefined;
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.alive = true;
    this.ready = new Promise((resolve, reject) => {
      const handlers: InstanceHandlers = {
        event: (event) => {
          if (!current()) return;
          if (event.type === 'ready') {
            this.backend = event.backend;
            this.versions = event.versions;
            this.setState(this.pending.size ? 'busy' : 'idle');
            resolve();
          }
          this.onEvent(event);
        },
        exit: (why, detail) => {
          if (!current() || !this.alive) return;
          this.alive = false;
          this.ready = undefined;
          const lastWords = detail.trim() ? `\n${detail.trim().split('\n').slice(-15).join('\n')}` : '';
          reject(new Error(`the kernel stopped while starting (${why})${lastWords}`));
          this.failPending('KernelDied', `the ${this.noun} stopped (${why}); restart it to go on (the notebook is safe)${lastWords}`);
          this.setState('dead', why);
        },
      };
      try {
        this.launch(handlers);
      } catch (e) {
        handlers.exit(`could not start: ${(e as Error).message}`, '');
      }
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private onEvent(event: KernelEvent): void {
    if (event.type === 'execute_input') {
      this.running = event.seq;
      if (this.state !== 'busy') this.setState('busy');
    }
    this.emit('event', event);
    if (event.type === 'execute_reply') {
      if (this.running === event.seq) this.running = undefined;
      const p = this.pending.get(event.seq);
      this.pending.delete(event.seq);
      p?.resolve({ seq: event.seq, status: event.status, executionCount: event.executionCount, run: event.run });
      if (this.pending.size === 0 && this.state === 'busy') this.setState('idle');
    }
  }

  /** Queues a cell. Outputs arrive as 'event's with this `seq`; `done` resolves with the reply. */
  execute(code: string): { seq: number; done: Promise<ExecuteReply> } {
    const seq = ++this.seq;
    const done = new Promise<ExecuteReply>((resolve) => this.pending.set(seq, { resolve }));
    if (!this.alive) {
      // Later, so that whoever queued it knows its seq when the error arrives.
      queueMicrotask(() => {
        this.emitError(seq, 'KernelDied', 'the kernel is not running; restart it');
        this.emit('event', { type: 'execute_reply', seq, status: 'error', executionCount: null, run: undefined as unknown as RunRecord });
        this.pending.get(seq)?.resolve({ seq, status: 'error', executionCount: null });
        this.pending.delete(seq);
      });
      return { seq, done };
    }
    if (this.state === 'idle') this.setState('busy');
    this.send({ type: 'execute', seq, code });
    return { seq, done };
  }

  private emitError(seq: number, ename: string, evalue: string): void {
    const output: ErrorOutput = { output_type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
    this.emit('event', { type: 'output', seq, output });
  }

  /** Ends every waiting execution: the running one with an error output, the queued ones as aborted. */
  private failPending(ename: string, evalue: string): void {
    const running = this.running;
    this.running = undefined;
    for (const [seq, p] of this.pending) {
      const status: ReplyStatus = seq === running ? 'error' : 'aborted';
      if (seq === running) this.emitError(seq, ename, evalue);
      this.emit('event', { type: 'execute_reply', seq, status, executionCount: null, run: undefined as unknown as RunRecord });
      p.resolve({ seq, status, executionCount: null });
    }
    this.pending.clear();
  }

  /**
   * Stops the running cell. Returns 'interrupted' when it stopped with the state kept,
   * 'restarted' when the kernel had to be restarted, 'idle' when nothing was running.
   */
  async interrupt(): Promise<'interrupted' | 'restarted' | 'idle'> {
    const seq = this.running ?? [...this.pending.keys()][0];
    if (seq === undefined || !this.alive) return 'idle';
    const done = new Promise<ExecuteReply>((resolve) => {
      const p = this.pending.get(seq);
      if (!p) return resolve({ seq, status: 'ok', executionCount: null });
      this.pending.set(seq, { resolve: (r) => (p.resolve(r), resolve(r)) });
    });
    this.signalInterrupt(seq);
    this.send({ type: 'interrupt', seq });
    const stopped = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), this.graceMs))]);
    if (stopped) return 'interrupted';
    await this.restart(`the cell did not stop within ${(this.graceMs / 1000).toFixed(0)} s of the interrupt (it was busy outside the notebook's code), so the kernel was restarted: its state is lost`);
    return 'restarted';
  }

  /** Kills the instance (ending waiting executions) and starts a fresh one. */
  async restart(reason = 'the kernel was restarted'): Promise<void> {
    this.stop(reason);
    await this.start();
  }

  private stop(reason: string): void {
    const wasAlive = this.alive;
    this.alive = false;
    this.ready = undefined;
    this.generation++;
    this.failPending('Interrupt', reason);
    if (wasAlive) this.kill();
  }

  shutdown(): void {
    this.stop('the kernel was shut down');
    this.setState('dead', 'shut down');
  }
}
