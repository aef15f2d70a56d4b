/** The browser kernel's stand-in for node:util (`kernel/browser/node-util.ts`) prints values as Node does. */
import { format as nodeFormat, inspect as nodeInspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { format, inspect } from '../src/kernel/browser/node-util.js';

// The options `kernel/format.ts` uses.
const options = { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 };

describe('node:util stand-in', () => {
  it('inspects values as node:util does', () => {
    const values: unknown[] = [
      'bank', "it's", 42, -0, 10n, true, null, undefined, [], {}, [1, 2, 3], { a: [1, 2], b: 'x' }, { 'a-b': 1 },
      new Float32Array([1, 2.5]), new Float32Array(20).map((_, i) => i / 3), new Map([['k', 1]]), new Set([1]),
      [{ x: 1 }, { x: 2 }], [[1, 2], [3, 4]], Array.from({ length: 30 }, (_, i) => i * 1000), Array.from({ length: 150 }, (_, i) => i),
      ['a', 'bb', 'ccc', 'dddd', 'e', 'f', 'g', 'h'], ['x'.repeat(60), 'y'.repeat(60)], [{ a: 1, b: [1, 2, { c: 3 }] }, 'str', 5, 6, 7, 8, 9, 10],
      { nested: { deep: { deeper: { deepest: { gone: 1 } } } } }, { a: { b: { c: {} } } }, { a: { b: { c: { d: 1 } } } },
      { backend: 'webgpu', numHiddenLayers: 2, numAttentionHeads: 4, hiddenSize: 32, vocabSize: 30522, maxPositionEmbeddings: 64 },
      function foo() {}, class Bar {},
    ];
    for (const value of values) expect(inspect(value, options), nodeInspect(value, options)).toBe(nodeInspect(value, options));
  });

  it('formats console arguments as node:util does', () => {
    for (const args of [['count is', 1], ['%s=%d', 'a', 2, { b: 1 }], [{ a: 1 }, 'x'], ['100%%', 'done']]) {
      expect(format(...args)).toBe(nodeFormat(...args));
    }
  });
});
