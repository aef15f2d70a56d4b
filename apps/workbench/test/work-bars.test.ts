/**
 * Long work in the packages as a bar in the running cell (`kernel/work-bars.ts`): the Trainer
 * reports every step, nested work joins the outer bar, quick embedding draws nothing, and the
 * bar's last update says 100% with the time taken.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, setWorkListener, startWork, Trainer } from '@wb/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KernelEvent } from '../src/kernel/protocol.js';
import { OutputSink } from '../src/kernel/outputs.js';
import { QUIET_WORK_DELAY_MS, workBars } from '../src/kernel/work-bars.js';

type Shown = { html: string; plain: string };

/** A sink whose outputs and in-place updates are collected, as the page would show them. */
function listening(seq = () => 1) {
  const events: KernelEvent[] = [];
  const sink = new OutputSink((event) => events.push(event), seq);
  setWorkListener(workBars(sink, seq));
  const bars = () => events.filter((e) => e.type === 'output' && e.output.output_type === 'display_data').length;
  /** Every state a bar was drawn in (its first output, then each update). */
  const states = (): Shown[] =>
    events.flatMap((e) => {
      const data = e.type === 'update_display' ? e.data : e.type === 'output' && e.output.output_type === 'display_data' ? e.output.data : undefined;
      return data ? [{ html: String(data['text/html']), plain: String(data['text/plain']) }] : [];
    });
  return { sink, bars, states };
}

const progressValue = (html: string) => Number(/value="(\d+)"/.exec(html)![1]);

describe('work bars', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  afterEach(() => {
    setWorkListener(undefined);
    vi.useRealTimers();
  });

  it("draws a Trainer's steps as one bar that ends at 100%", () => {
    const { bars, states } = listening();
    const w = tf.variable(tf.scalar(0), true, 'w');
    const trainer = new Trainer<number>({
      params: { w },
      lossFn: (target) => ({ loss: tf.square(tf.sub(w, target)) as tf.Scalar }),
      nextBatch: () => ({ batch: 3, tokens: 1 }),
      totalSteps: 5,
      learningRate: 0.1,
      seed: 0,
    });
    while (!trainer.done) trainer.step();
    expect(bars()).toBe(1);
    const last = states().at(-1)!;
    expect(progressValue(last.html)).toBe(5);
    expect(last.html).toContain('max="5"');
    expect(last.plain).toMatch(/^training \[#{30}\] 5\/5 · 100% · \d+\.\ds$/);
    w.dispose();
  });

  it('gives work inside work no bar of its own, and the next work after it one', () => {
    const { bars, states } = listening();
    const outer = startWork({ kind: 'training', label: 'training', unit: 'steps', total: 2 });
    outer.advance();
    const inner = startWork({ kind: 'evaluation', label: 'evaluating', unit: 'inputs', total: 10 });
    inner.advance(10);
    inner.finish();
    outer.advance();
    outer.finish();
    expect(bars()).toBe(1);
    expect(states().every((s) => s.plain.startsWith('training'))).toBe(true);
    const next = startWork({ kind: 'training', label: 'training', unit: 'steps', total: 1 });
    next.advance();
    next.finish();
    expect(bars()).toBe(2);
  });

  it('draws embedding only once it has run for a while', () => {
    vi.useFakeTimers();
    const { bars, states } = listening();
    const quick = startWork({ kind: 'embedding', label: 'embedding', unit: 'texts', total: 4 });
    quick.advance(4);
    quick.finish();
    expect(bars()).toBe(0);
    const slow = startWork({ kind: 'embedding', label: 'embedding', unit: 'texts', total: 4 });
    slow.advance(1);
    vi.advanceTimersByTime(QUIET_WORK_DELAY_MS);
    slow.advance(1);
    expect(bars()).toBe(1);
    expect(progressValue(states().at(-1)!.html)).toBe(2);
    slow.advance(2);
    slow.finish();
    expect(states().at(-1)!.plain).toMatch(/^embedding \[#{30}\] 4\/4 · 100%/);
  });

  it('shows the rate and the time left while running', () => {
    vi.useFakeTimers();
    const { sink, states } = listening();
    const work = startWork({ kind: 'training', label: 'training', unit: 'steps', total: 10 });
    work.advance();
    vi.advanceTimersByTime(2000);
    work.advance(3);
    sink.flush();
    // 4 steps in 2 s: 2 steps/s, 6 left.
    expect(states().at(-1)!.plain).toBe('training [############..................] 4/10 · 40% · 2.0 steps/s · ETA 3s');
  });
});
