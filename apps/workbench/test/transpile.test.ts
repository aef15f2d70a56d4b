/** The scope/transpile machinery: top-level declarations shared across cells, top-level await, results, loops, lines. */
import { describe, expect, it } from 'vitest';
import { rewriteCell } from '../src/kernel/rewrite.js';
import { CellSyntaxError, transpileCell } from '../src/kernel/transpile.js';
import { decodeMappings, originalLine } from '../src/kernel/source-map.js';

/** Runs transpiled cells the way the kernel does, with a fresh object standing in for the globals. */
async function runCells(cells: string[], imports: Record<string, unknown> = {}): Promise<{ results: unknown[]; scope: Record<string, unknown> }> {
  const scope: Record<string, unknown> = {
    __wb: { tick() {}, import: async (m: string) => imports[m] ?? { default: m } },
  };
  const results: unknown[] = [];
  for (const source of cells) {
    const t = await transpileCell(source);
    for (const name of t.declared) if (!(name in scope)) scope[name] = undefined;
    // `with` stands in for the global object in this test (the kernel uses the real globals).
    const fn = new Function('scope', `with (scope) { return ${t.code.replace('globalThis[', 'scope[')}; }`)(scope);
    results.push(await fn());
  }
  return { results, scope };
}

describe('rewriteCell', () => {
  it('turns top-level declarations into assignments and keeps lines', () => {
    const js = 'const a = 1, { b, c: [d] } = o;\nlet e;\nvar f = 2;\nclass G {\n}\nfunction h() {\n}\na + b;\n';
    const r = rewriteCell(js);
    expect(r.declared.sort()).toEqual(['G', 'a', 'b', 'd', 'e', 'f', 'h']);
    expect(r.functions).toEqual(['h']);
    expect(r.hasResult).toBe(true);
    expect(r.body.split('\n')).toHaveLength(js.split('\n').length);
    expect(r.body).toContain(';( a = 1, { b, c: [d] } = o);');
    expect(r.body).toContain(';( e = void 0);');
    expect(r.body).toContain(';G = class G {\n};');
    expect(r.body).toContain('return (a + b);');
  });

  it('puts an interrupt check at the start of every loop body, nested ones included', () => {
    const r = rewriteCell('for (;;) x++;\nwhile (a) { for (const k of b) if (k) continue; }\ndo y(); while (z);\nconst f = () => { for (const k in o) {} };\n');
    expect(r.body.match(/__wb\.tick\(\)/g)).toHaveLength(5);
    expect(r.body).toContain('for (;;) {__wb.tick();x++;}');
    expect(r.body).toContain('do {__wb.tick();y();} while (z);');
  });

  it('routes imports, dynamic imports and import.meta through the kernel', () => {
    const r = rewriteCell('import d, { a as b, c } from "m";\nimport * as ns from "n";\nimport "side";\nconst x = await import("y");\nimport.meta.url;\n');
    expect(r.body).toContain(';({default: d, a: b, c} = await __wb.import("m"));');
    expect(r.body).toContain(';ns = await __wb.import("n");');
    expect(r.body).toContain(';await __wb.import("side");');
    expect(r.body).toContain('await __wb.import("y")');
    expect(r.body).toContain('return (__wb.importMeta.url)');
    expect(r.declared.sort()).toEqual(['b', 'c', 'd', 'ns', 'x']);
  });
});

describe('transpileCell', () => {
  it('shares one scope across cells, with top-level await and a result', async () => {
    const { results, scope } = await runCells([
      'const n: number = 2;\nfunction square(x: number): number { return x * x; }',
      'interface P { v: number }\nconst p: P = { v: square(n) };\nconst later = await Promise.resolve(p.v + 1);\nlater',
      'class Counter { count = n }\nenum Color { Red, Green }\n[new Counter().count, Color.Green]',
      'const n = 10; // re-declaring is an assignment, as in a REPL\nn',
      'import { shout } from "lib";\nshout("hi")',
      '({ a: n, b: [1, 2] })',
      'let i = 0;\nfor (const k of [1, 2, 3]) i += k; // the last statement is not an expression: no result',
    ], { lib: { shout: (s: string) => s.toUpperCase() } });
    expect(results).toEqual([undefined, 5, [2, 1], 10, 'HI', { a: 10, b: [1, 2] }, undefined]);
    expect(scope.later).toBe(5);
    expect(scope.i).toBe(6);
  });

  it('maps generated lines back to the cell', async () => {
    const source = 'type T = {\n  a: number;\n};\n\nconst x = 1;\n\n\nthrow new Error("boom");';
    const t = await transpileCell(source);
    const lines = t.code.split('\n');
    const generated = lines.findIndex((l) => l.includes('throw')) + 1;
    expect(t.cellLine(generated)).toBe(8);
    const decl = lines.findIndex((l) => l.includes('x = 1')) + 1;
    expect(t.cellLine(decl)).toBe(5);
  });

  it('reports syntax errors with the cell line and column', async () => {
    const error = await transpileCell('const a = 1;\nconst b = ;').catch((e) => e);
    expect(error).toBeInstanceOf(CellSyntaxError);
    expect(error.line).toBe(2);
    expect(error.column).toBe(10);
    expect(error.lineText).toBe('const b = ;');
  });
});

describe('source maps', () => {
  it('decodes VLQ mappings to original lines', () => {
    // "AAAA;AACA;AAEA" = line 0 → 0, line 1 → 1, line 2 → 3.
    const map = decodeMappings('AAAA;AACA;AAEA');
    expect([1, 2, 3].map((l) => originalLine(map, l))).toEqual([1, 2, 4]);
    expect(originalLine(map, 9)).toBeUndefined();
  });
});
