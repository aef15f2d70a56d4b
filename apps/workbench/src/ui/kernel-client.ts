/**
 * The browser's side of a Node kernel session: a websocket to the server (reconnecting when it
 * drops), cells sent by id, and the kernel's events handed to the notebook view.
 */
import type { MimeBundle, Output } from '../notebook/types.js';
import { api } from './api.js';

export type KernelMessage =
  | { type: 'status'; state: string; backend: string | null; detail: string | null }
  | { type: 'queued'; seq: number; cellId: string }
  | { type: 'execute_input'; seq: number; cellId?: string; executionCount: number }
  | { type: 'output'; seq: number; cellId?: string; output: Output }
  | { type: 'update_display'; displayId: string; data: MimeBundle; metadata: MimeBundle }
  | { type: 'clear_output'; seq: number; cellId?: string; wait: boolean }
  | { type: 'execute_reply'; seq: number; cellId?: string; status: 'ok' | 'error' | 'aborted'; executionCount: number | null; run?: unknown }
  | { type: 'metric'; seq: number; cellId?: string; name: string; value: number; step: number }
  | { type: 'interrupted'; result: string }
  | { type: 'restarted' };

/** A kernel as the notebook view uses it: the Node kernel over a websocket, or the browser kernel in the page. */
export interface KernelConnection {
  connect(): Promise<void>;
  execute(cellId: string, code: string): void;
  interrupt(): void;
  restart(): void;
  /** The notebook was renamed. */
  renamed(path: string): void;
  /** Lets go of the kernel, leaving it running for other tabs (a browser kernel ends). */
  close(): void;
  /** Ends the kernel itself (the UI's "Shut down the kernel"); the view opens a new connection for the next one. */
  shutdown(): Promise<void>;
}

/** The Node kernel's session on the server, over a websocket. */
export class KernelClient implements KernelConnection {
  private socket: WebSocket | undefined;
  private sessionId: string | undefined;
  private retry = 0;
  private closed = false;
  private readonly outbox: string[] = [];

  constructor(
    private path: string,
    private readonly onMessage: (message: KernelMessage) => void,
    private readonly onConnection: (connected: boolean) => void,
  ) {}

  async connect(): Promise<void> {
    const info = await api.session(this.path);
    this.sessionId = info.id;
    this.open();
  }

  private open(): void {
    if (this.closed || !this.sessionId) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/sessions/${this.sessionId}/ws`);
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.onConnection(true);
      for (const message of this.outbox.splice(0)) socket.send(message);
    };
    socket.onmessage = (event) => this.onMessage(JSON.parse(String(event.data)) as KernelMessage);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.onConnection(false);
      if (this.closed) return;
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      // The server may have restarted (new session id): ask again.
      setTimeout(() => void this.connect().catch(() => this.open()), delay);
    };
  }

  private send(message: unknown): void {
    const text = JSON.stringify(message);
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
    else this.outbox.push(text);
  }

  execute(cellId: string, code: string): void {
    this.send({ type: 'execute', cellId, code });
  }

  interrupt(): void {
    this.send({ type: 'interrupt' });
  }

  restart(): void {
    this.send({ type: 'restart' });
  }

  /** The notebook was renamed: later sessions are asked for under the new path. */
  renamed(path: string): void {
    this.path = path;
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  /** Ends the server's kernel; this connection stays closed (it would otherwise reconnect and start another). */
  async shutdown(): Promise<void> {
    const id = this.sessionId;
    this.close();
    this.sessionId = undefined;
    if (id) await api.shutdownSession(id);
  }
}
