/**
 * The Node kernel as its driver sees it (the server, `wb run`): a child process on wasm that
 * runs cells in order and streams their outputs as `KernelEvent`s. The bookkeeping (executions,
 * states, interrupt then restart, a child that dies) is `KernelDriver`'s; this is the process:
 * IPC for requests and events, a pipe (fd 3) for interrupts that reaches a worker thread of the
 * child while its main thread is busy in a cell, and its stderr as the last words of a crash.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KernelDriver, type InstanceHandlers } from './kernel-driver.js';
import type { KernelEvent, KernelRequest } from './protocol.js';

export type { ExecuteReply } from './kernel-driver.js';

export interface NodeKernelOptions {
  /** The kernel's working directory: the notebook's folder. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** How long an interrupted cell may take to stop before the kernel is restarted. */
  graceMs?: number;
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

export class NodeKernel extends KernelDriver {
  protected readonly noun = 'kernel process';
  private child: ChildProcess | undefined;

  constructor(readonly options: NodeKernelOptions) {
    super(options.graceMs);
  }

  protected launch(handlers: InstanceHandlers): void {
    const child = fork(childScript(), [], {
      cwd: this.options.cwd,
      env: { ...process.env, ...sharedDirEnv(), ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
      serialization: 'json',
    });
    this.child = child;
    let stderrTail = '';
    const tail = (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-4000));
    child.stdout?.on('data', tail);
    child.stderr?.on('data', tail);
    (child.stdio[3] as NodeJS.WritableStream | null)?.on('error', () => undefined);
    child.on('message', (event: KernelEvent) => handlers.event(event));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      handlers.exit(signal ? `signal ${signal}` : `exit code ${code}`, stderrTail);
    });
  }

  protected send(request: KernelRequest): void {
    this.child?.send(request);
  }

  protected signalInterrupt(seq: number): void {
    const word = Buffer.alloc(4);
    word.writeInt32LE(seq);
    (this.child?.stdio[3] as NodeJS.WritableStream | null | undefined)?.write(word);
  }

  protected kill(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
  }
}
