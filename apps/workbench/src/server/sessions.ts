/**
 * One kernel per open notebook, shared by every browser tab that has it open, and the
 * websocket that carries its messages. Browser → server: `execute` (a cell id and its code),
 * `interrupt`, `restart`. Server → browser: the kernel's events with the cell id they belong
 * to, and `status` (state, backend, why).
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { WebSocket } from 'ws';
import { NodeKernel } from '../kernel/node-kernel.js';
import type { KernelEvent, KernelState } from '../kernel/protocol.js';

export type ClientMessage =
  | { type: 'execute'; cellId: string; code: string }
  | { type: 'interrupt' }
  | { type: 'restart' };

export interface SessionInfo {
  id: string;
  path: string;
  kernel: 'node';
  state: KernelState;
  backend: string | null;
}

export class Session {
  readonly id = randomUUID();
  readonly kernel: NodeKernel;
  private readonly sockets = new Set<WebSocket>();
  private readonly cells = new Map<number, string>();
  private detail: string | undefined;

  constructor(
    public path: string,
    absolute: string,
  ) {
    this.kernel = new NodeKernel({ cwd: dirname(absolute) });
    this.kernel.on('event', (event: KernelEvent) => this.forward(event));
    this.kernel.on('status', (_state: KernelState, detail?: string) => {
      this.detail = detail;
      this.broadcast(this.status());
    });
    this.kernel.start().catch((e: Error) => {
      this.detail = e.message;
      this.broadcast(this.status());
    });
  }

  info(): SessionInfo {
    return { id: this.id, path: this.path, kernel: 'node', state: this.kernel.state, backend: this.kernel.backend ?? null };
  }

  private status() {
    return { type: 'status', state: this.kernel.state, backend: this.kernel.backend ?? null, detail: this.detail ?? null };
  }

  private forward(event: KernelEvent): void {
    const cellId = 'seq' in event ? this.cells.get(event.seq) : undefined;
    this.broadcast({ ...event, cellId });
    if (event.type === 'execute_reply') this.cells.delete(event.seq);
  }

  private broadcast(message: unknown): void {
    const text = JSON.stringify(message);
    for (const socket of this.sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  }

  attach(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.send(JSON.stringify(this.status()));
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(String(data)) as ClientMessage;
      } catch {
        return;
      }
      void this.handle(message);
    });
  }

  private async handle(message: ClientMessage): Promise<void> {
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

  shutdown(): void {
    this.kernel.shutdown();
    for (const socket of this.sockets) socket.close();
  }
}

export class SessionManager {
  private readonly byId = new Map<string, Session>();

  open(path: string, absolute: string): Session {
    for (const s of this.byId.values()) if (s.path === path && s.kernel.state !== 'dead') return s;
    for (const s of this.byId.values()) if (s.path === path) return s;
    const session = new Session(path, absolute);
    this.byId.set(session.id, session);
    return session;
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  renamed(from: string, to: string): void {
    for (const s of this.byId.values()) if (s.path === from) s.path = to;
  }

  shutdownAll(): void {
    for (const s of this.byId.values()) s.shutdown();
    this.byId.clear();
  }
}
