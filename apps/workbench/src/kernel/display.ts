/**
 * `display(x)` in cells: shows any value now (as `mime.ts` renders it) and returns a handle
 * whose `update(y)` replaces that output in place (Jupyter's display ids).
 */
import type { Bundle } from './mime.js';
import { toBundle } from './mime.js';
import type { OutputSink } from './outputs.js';
import { html, image, json, markdown, svg } from './rich.js';

export interface DisplayHandle {
  readonly id: string;
  update(value: unknown): void;
}

let counter = 0;
export const newDisplayId = () => `wb-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export function showBundle(sink: OutputSink, bundle: Bundle): DisplayHandle {
  const id = newDisplayId();
  sink.output({ output_type: 'display_data', data: bundle.data, metadata: bundle.metadata, transient: { display_id: id } });
  return {
    id,
    update(value: unknown) {
      const next = toBundle(value);
      sink.update(id, next.data, next.metadata as Record<string, never>);
    },
  };
}

export function makeDisplay(sink: OutputSink) {
  const display = (value: unknown): DisplayHandle => showBundle(sink, toBundle(value));
  return Object.assign(display, { html, svg, markdown, json, image, clear: (wait = false) => sink.clear(wait) });
}
