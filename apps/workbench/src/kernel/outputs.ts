/**
 * Where a cell's outputs go: each output is sent with the execution (`seq`) it belongs to,
 * even when it comes late (a timer, a live plot). Consecutive stream writes are merged and
 * sent every few milliseconds; live views register a flush that runs when a cell ends.
 */
import type { MimeBundle, Output } from '../notebook/types.js';
import type { KernelEvent } from './protocol.js';

export class OutputSink {
  private pending: { seq: number; name: 'stdout' | 'stderr'; text: string } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly flushers = new Set<() => void>();

  constructor(
    private readonly emit: (event: KernelEvent) => void,
    /** The execution that the calling code belongs to. */
    readonly seq: () => number,
  ) {}

  /** Characters of stream output each execution has sent, to stop a runaway print loop flooding the notebook. */
  private readonly streamed = new Map<number, number>();
  static readonly STREAM_LIMIT = 2_000_000;

  stream(name: 'stdout' | 'stderr', text: string): void {
    const seq = this.seq();
    const sent = this.streamed.get(seq) ?? 0;
    if (sent >= OutputSink.STREAM_LIMIT) return;
    if (this.streamed.size > 1000) this.streamed.clear();
    this.streamed.set(seq, sent + text.length);
    if (sent + text.length >= OutputSink.STREAM_LIMIT) {
      text = text.slice(0, OutputSink.STREAM_LIMIT - sent) + `\n[wb: output truncated after ${OutputSink.STREAM_LIMIT.toLocaleString('en')} characters]\n`;
    }
    if (this.pending && (this.pending.seq !== seq || this.pending.name !== name)) this.flushStream();
    if (this.pending) this.pending.text += text;
    else this.pending = { seq, name, text };
    this.timer ??= setTimeout(() => this.flushStream(), 40);
    if (this.pending.text.length > 64_000) this.flushStream();
  }

  private flushStream(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p) this.emit({ type: 'output', seq: p.seq, output: { output_type: 'stream', name: p.name, text: p.text } });
  }

  output(output: Output, seq = this.seq()): void {
    this.flushStream();
    this.emit({ type: 'output', seq, output });
  }

  update(displayId: string, data: MimeBundle, metadata: MimeBundle = {}): void {
    this.flushStream();
    this.emit({ type: 'update_display', displayId, data, metadata });
  }

  clear(wait = false): void {
    this.flushStream();
    this.emit({ type: 'clear_output', seq: this.seq(), wait });
  }

  /** Live views pass a function that sends their last state; `flush` runs them. */
  onFlush(fn: () => void): () => void {
    this.flushers.add(fn);
    return () => this.flushers.delete(fn);
  }

  flush(): void {
    for (const fn of this.flushers) fn();
    this.flushStream();
  }
}
