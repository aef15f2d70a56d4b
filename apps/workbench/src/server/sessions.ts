/**
 * One Node kernel per open notebook, shared by every browser tab that has it open, and the
 * websocket that carries its messages (`kernel/kernel-session.ts` says what they are). The
 * browser kernel needs none of this: it lives in the page.
 *
 * Each kernel is a process, so their number is capped (`maxSessions`): at the cap, opening
 * another shuts down the longest-unused kernel that no tab is connected to and that is not
 * running a cell; when every kernel is in use, the request is refused (429).
 *
 * Kernels also end before the server does: from the UI (the kernels list, `DELETE
 * /api/sessions/:id`), when their notebook is deleted or renamed (a renamed notebook's tab asks
 * for a new kernel under the new name, in the new folder), and, with `wb serve
 * --kernel-idle-timeout SECONDS`, when they have been idle that long with no tab connected (as
 * Jupyter's `cull_idle_timeout` with `cull_connected` off).
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
  /** Tabs connected to it. */
  connections: number;
  /** When it last ran something or a tab last used it (ISO 8601): what idle culling goes by. */
  lastActivity: string;
}

export class Session {
  readonly id = randomUUID();
  /** When a tab last opened or connected to it (for choosing which idle kernel to let go at the cap). */
  lastUsed = Date.now();
  readonly kernel: NodeKernel;
  private readonly sockets = new Set<WebSocket>();
  private readonly session: KernelSession;

  constructor(
    public path: string,
    absolute: string,
  ) {
    this.kernel = new NodeKernel({ cwd: dirname(absolute) });
    this.session = new KernelSession(this.kernel, (message) => this.broadcast(message));
    // Output, replies and state changes are activity (a long cell keeps its kernel alive).
    this.kernel.on('event', () => (this.lastUsed = Date.now()));
    this.kernel.on('status', () => (this.lastUsed = Date.now()));
    this.session.start();
  }

  info(): SessionInfo {
    return {
      id: this.id,
      path: this.path,
      kernel: 'node',
      state: this.kernel.state,
      backend: this.kernel.backend ?? null,
      connections: this.sockets.size,
      lastActivity: new Date(this.lastUsed).toISOString(),
    };
  }

  private broadcast(message: unknown): void {
    const text = JSON.stringify(message);
    for (const socket of this.sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  }

  /** Whether a tab is connected, or a cell is running: such a kernel is never shut down to make room. */
  get inUse(): boolean {
    return this.sockets.size > 0 || this.kernel.state === 'busy';
  }

  attach(socket: WebSocket): void {
    this.lastUsed = Date.now();
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
      this.lastUsed = Date.now();
      void this.session.handle(message);
    });
  }

  shutdown(): void {
    this.kernel.shutdown();
    for (const socket of this.sockets) socket.close();
  }
}

/** Refused because every kernel allowed is in use (the route answers 429). */
export class TooManySessionsError extends Error {
  readonly status = 429;
}

export const DEFAULT_MAX_SESSIONS = 16;

export class SessionManager {
  private readonly byId = new Map<string, Session>();

  constructor(readonly maxSessions = DEFAULT_MAX_SESSIONS) {}

  open(path: string, absolute: string): Session {
    for (const s of this.byId.values()) if (s.path === path && s.kernel.state !== 'dead') return this.used(s);
    for (const s of this.byId.values()) if (s.path === path) return this.used(s);
    this.makeRoom();
    const session = new Session(path, absolute);
    this.byId.set(session.id, session);
    return session;
  }

  private used(session: Session): Session {
    session.lastUsed = Date.now();
    return session;
  }

  /** At the cap: shut down the longest-unused kernel nobody uses, or refuse. */
  private makeRoom(): void {
    for (const [id, s] of this.byId) if (s.kernel.state === 'dead' && !s.inUse) (s.shutdown(), this.byId.delete(id));
    if (this.byId.size < this.maxSessions) return;
    const idle = [...this.byId.values()].filter((s) => !s.inUse).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!idle) {
      throw new TooManySessionsError(
        `${this.byId.size} notebook kernels are running and in use (the most wb serve runs at once); close a notebook's tab and try again`,
      );
    }
    idle.shutdown();
    this.byId.delete(idle.id);
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every kernel, oldest first. */
  list(): SessionInfo[] {
    return [...this.byId.values()].map((s) => s.info());
  }

  /** Shuts one kernel down; false when there is no such session. */
  shutdown(id: string): boolean {
    const session = this.byId.get(id);
    if (!session) return false;
    session.shutdown();
    this.byId.delete(id);
    return true;
  }

  /** Shuts down the kernel of a notebook (or of every notebook under a folder); returns how many. */
  shutdownPath(path: string): number {
    let count = 0;
    for (const s of [...this.byId.values()]) if (s.path === path || s.path.startsWith(`${path}/`)) count += Number(this.shutdown(s.id));
    return count;
  }

  /**
   * A notebook (or a folder of them) was renamed: its kernel ran in the old name's folder and
   * under the old name, so it is shut down; the open tab asks for a new one under the new name.
   */
  renamed(from: string, _to: string): void {
    this.shutdownPath(from);
  }

  /** Shuts down the kernels idle for `timeoutMs` or more with no tab connected; returns their paths. */
  cullIdle(timeoutMs: number, now = Date.now()): string[] {
    const culled: string[] = [];
    for (const s of [...this.byId.values()]) {
      if (s.inUse || now - s.lastUsed < timeoutMs) continue;
      culled.push(s.path);
      this.shutdown(s.id);
    }
    return culled;
  }

  shutdownAll(): void {
    for (const s of this.byId.values()) s.shutdown();
    this.byId.clear();
  }
}
