/**
 * One Node kernel per open notebook, shared by every browser tab that has it open, and the
 * websocket that carries its messages (`kernel/kernel-session.ts` says what they are). The
 * browser kernel needs none of this: it lives in the page.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { WebSocket } from 'ws';
import { KernelSession, type ClientMessage } from '../kernel/kernel-session.js';
import { NodeKernel } from '../kernel/node-kernel.js';
import type { KernelState } from '../kernel/protocol.js';

export type { ClientMessage };

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
  private readonly session: KernelSession;

  constructor(
    public path: string,
    absolute: string,
  ) {
    this.kernel = new NodeKernel({ cwd: dirname(absolute) });
    this.session = new KernelSession(this.kernel, (message) => this.broadcast(message));
    this.session.start();
  }

  info(): SessionInfo {
    return { id: this.id, path: this.path, kernel: 'node', state: this.kernel.state, backend: this.kernel.backend ?? null };
  }

  private broadcast(message: unknown): void {
    const text = JSON.stringify(message);
    for (const socket of this.sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  }

  attach(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.send(JSON.stringify(this.session.status()));
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(String(data)) as ClientMessage;
      } catch {
        return;
      }
      void this.session.handle(message);
    });
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
