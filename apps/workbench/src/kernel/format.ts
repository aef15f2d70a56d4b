/** Plain-text rendering of any value (Node's `util.inspect`, as the Node REPL shows it). */
import { inspect } from 'node:util';

export function formatValue(value: unknown): string {
  return inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
}
