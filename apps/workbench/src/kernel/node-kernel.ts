/**
 * The Node kernel as its driver sees it (the server, `wb run`): a child process on wasm that
 * runs cells in order and streams their outputs as `KernelEvent`s.
 *
 * Interrupt first asks nicely (`executor.ts` stops the cell at its next await or loop
 * iteration, keeping the notebook's state); if the cell has not stopped after `graceMs` (it is
 * stuck inside code that has no interrupt checks), the child is killed and started again, and
 * the cell's output says that the state was lost. A child that dies on its own is reported and
 * can be restarted; the notebook itself lives in the browser and on disk, never here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorOutput, RunRecord } from '../notebook/types.js';
import type { KernelEvent, KernelRequest, KernelState, ReplyStatus } from './protocol.js';

export interface NodeKernelOptions {
  /** The kernel's working directory: the notebook's folder. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** How long an interrupted cell may take to stop before the kernel is restarted. */
  graceMs?: number;
}

export interface ExecuteReply {
  seq: number;
  status: ReplyStatus;
  executionCount: number | null;
  run?: RunRecord;
}

interface Pending {
  resolve(reply: ExecuteReply): void;
}

function childScript(): string {
  const here = fileURLToPath(import.meta.url);
  // Tests import this file from src/ (TypeScript); the child always runs from dist/.
  const built = here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/kernel/child.js', import.meta.url)) : fileURLToPath(new URL('./child.js', import.meta.url));
  if (!existsSync(built)) throw new Error(`the kernel is not built: ${built} is missing (run npm run build)`);
  return built;
}

/**
 * Notebooks outside the repository (a temporary copy, another folder) still find the shared
 * data (models, fixtures) beside the workbench's own checkout, unless WB_SHARED_DIR says otherwise.
 */
function sharedDirEnv(): NodeJS.ProcessEnv {
  if (process.env.WB_SHARED_DIR) return {};
  const beside = fileURLToPath(new URL('../../../../../shared', import.meta.url));
  return existsSync(beside) ? { WB_SHARED_DIR: beside } : {};
}

export class NodeKernel extends EventEmitter {
  state: KernelState = 'dead';
  backend: string | undefined;
  versions: Record<string, string> = {};
  private child: ChildProcess | undefined;
  private seq = 0;
  private running: number | undefined;
  private readonly pending = new Map<number, Pending>();
  private stderrTail = '';
  private ready: Promise<void> | undefined;

  constructor(readonly options: NodeKernelOptions) {
    super();
  }

  private setState(state: KernelState, detail?: string): void {
    this.state = state;
    this.emit('status', state, detail);
  }

  /** Starts the child; resolves when its backend is ready. */
  start(): Promise<void> {
    if (this.ready && this.child) return this.ready;
    this.setState('starting');
    this.backend = undefined;
    const child = fork(childScript(), [], {
      cwd: this.options.cwd,
      env: { ...process.env, ...sharedDirEnv(), ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
      serialization: 'json',
    });
    this.child = child;
    this.stderrTail = '';
    const tail = (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000));
    child.stdout?.on('data', tail);
    child.stderr?.on('data', tail);
    (child.stdio[3] as NodeJS.WritableStream | null)?.on('error', () => undefined);
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (event: KernelEvent) => {
        if (child !== this.child) return;
        if (event.type === 'ready') {
          this.backend = event.backend;
          this.versions = event.versions;
          this.setState(this.pending.size ? 'busy' : 'idle');
          resolve();
        }
        this.onEvent(event);
      });
      child.on('exit', (code, signal) => {
        if (child !== this.child) return;
        this.child = undefined;
        this.ready = undefined;
        const why = signal ? `signal ${signal}` : `exit code ${code}`;
        const detail = this.stderrTail.trim() ? `\n${this.stderrTail.trim().split('\n').slice(-15).join('\n')}` : '';
        reject(new Error(`the kernel stopped while starting (${why})${detail}`));
        this.failPending(`KernelDied`, `the kernel process stopped (${why}); restart it to go on (the notebook is safe)${detail}`);
        this.setState('dead', why);
      });
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

  private send(request: KernelRequest): void {
    this.child?.send(request);
  }

  /** Queues a cell. Outputs arrive as 'event's with this `seq`; `done` resolves with the reply. */
  execute(code: string): { seq: number; done: Promise<ExecuteReply> } {
    const seq = ++this.seq;
    const done = new Promise<ExecuteReply>((resolve) => this.pending.set(seq, { resolve }));
    if (!this.child) {
      this.emitError(seq, 'KernelDied', 'the kernel is not running; restart it');
      this.pending.get(seq)!.resolve({ seq, status: 'error', executionCount: null });
      this.pending.delete(seq);
      return { seq, done };
    }
    if (this.state === 'idle') this.setState('busy');
    this.send({ type: 'execute', seq, code });
    return { seq, done };
  }

  private emitError(seq: number, ename: string, evalue: string): void {
    const output: ErrorOutput = { output_type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
    this.emit('event', { type: 'output', seq, output } satisfies KernelEvent);
  }

  /** Ends every waiting execution: the running one with an error output, the queued ones as aborted. */
  private failPending(ename: string, evalue: string): void {
    const running = this.running;
    this.running = undefined;
    for (const [seq, p] of this.pending) {
      const status: ReplyStatus = seq === running ? 'error' : 'aborted';
      if (seq === running) this.emitError(seq, ename, evalue);
      this.emit('event', { type: 'execute_reply', seq, status, executionCount: null, run: undefined as unknown as RunRecord } satisfies KernelEvent);
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
    const child = this.child;
    if (seq === undefined || !child) return 'idle';
    const done = new Promise<ExecuteReply>((resolve) => {
      const p = this.pending.get(seq);
      if (!p) return resolve({ seq, status: 'ok', executionCount: null });
      this.pending.set(seq, { resolve: (r) => (p.resolve(r), resolve(r)) });
    });
    const word = Buffer.alloc(4);
    word.writeInt32LE(seq);
    (child.stdio[3] as NodeJS.WritableStream | null)?.write(word);
    this.send({ type: 'interrupt', seq });
    const stopped = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), this.options.graceMs ?? 2000))]);
    if (stopped) return 'interrupted';
    await this.restart(`the cell did not stop within ${((this.options.graceMs ?? 2000) / 1000).toFixed(0)} s of the interrupt (it was busy outside the notebook's code), so the kernel was restarted: its state is lost`);
    return 'restarted';
  }

  /** Kills the child (ending waiting executions) and starts a fresh one. */
  async restart(reason = 'the kernel was restarted'): Promise<void> {
    this.stop(reason);
    await this.start();
  }

  private stop(reason: string): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    this.failPending('Interrupt', reason);
    if (child) {
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
    }
  }

  shutdown(): void {
    this.stop('the kernel was shut down');
    this.setState('dead', 'shut down');
  }
}
