/**
 * `console.log` and friends in the browser kernel go into the cell's output, as a Node kernel's
 * stdout and stderr do: log/info/debug/dir/table to stdout, warn/error/trace to stderr, formatted as
 * Node's console formats them (`util.format`).
 */
import type { OutputSink } from '../outputs.js';
import { format, inspect } from './node-util.js';

export function captureConsole(sink: OutputSink): void {
  const write = (name: 'stdout' | 'stderr') => (...args: unknown[]) => sink.stream(name, `${format(...args)}\n`);
  const c = console as unknown as Record<string, unknown>;
  for (const method of ['log', 'info', 'debug', 'table']) c[method] = write('stdout');
  for (const method of ['warn', 'error', 'trace']) c[method] = write('stderr');
  c.dir = (value: unknown) => sink.stream('stdout', `${inspect(value, { depth: 2 })}\n`);
}
