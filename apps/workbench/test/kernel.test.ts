/**
 * The Node kernel end to end (the built child process): one scope across cells, top-level
 * await, errors on the cell's own lines, interrupt that keeps the state, restart, a crashed
 * kernel, rich outputs and the run record.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../../../test/support/shared.js';
import { NodeKernel } from '../src/kernel/node-kernel.js';
import type { KernelEvent } from '../src/kernel/protocol.js';
import type { ErrorOutput, Output } from '../src/notebook/types.js';

let kernel: NodeKernel;
const events: KernelEvent[] = [];
const dir = mkdtempSync(join(tmpdir(), 'wb-kernel-'));
/** The checkout: a kernel in a temporary folder finds the shipped models in it. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function run(code: string): Promise<{ status: string; outputs: Output[]; updates: number }> {
  const { seq, done } = kernel.execute(code);
  const reply = await done;
  const mine = events.filter((e) => 'seq' in e && e.seq === seq);
  const outputs = mine.flatMap((e) => (e.type === 'output' ? [e.output] : []));
  const ids = new Set(outputs.flatMap((o) => (o.output_type === 'display_data' && o.transient?.display_id ? [o.transient.display_id] : [])));
  const updates = events.filter((e) => e.type === 'update_display' && ids.has(e.displayId)).length;
  return { status: reply.status, outputs, updates };
}

const result = (outputs: Output[]) => {
  const r = outputs.find((o) => o.output_type === 'execute_result');
  return r && r.output_type === 'execute_result' ? r.data['text/plain'] : undefined;
};
const error = (outputs: Output[]) => outputs.find((o) => o.output_type === 'error') as ErrorOutput | undefined;

beforeAll(async () => {
  kernel = new NodeKernel({ cwd: dir, graceMs: 1500 });
  kernel.on('event', (e: KernelEvent) => events.push(e));
  await kernel.start();
});
afterAll(() => kernel.shutdown());

describe('Node kernel', () => {
  it('reports its backend', () => {
    expect(kernel.backend).toBe('wasm');
    expect(kernel.state).toBe('idle');
  });

  it('keeps one scope across cells, with top-level await and TypeScript', async () => {
    expect((await run('const base: number = 40;\nlet count = 0;')).status).toBe('ok');
    expect(result((await run('function add(n: number): number { return base + n; }\nconst later = await Promise.resolve(add(2));\nlater')).outputs)).toBe('42');
    const printed = await run('count += 1;\nconsole.log("count is", count);');
    expect(printed.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'count is 1\n' }]);
    expect(result((await run('const base = 1; // running a cell again re-declares\nadd(1)')).outputs)).toBe('2');
    expect(result((await run('"bank"')).outputs)).toBe("'bank'");
  });

  it('shows errors with the cell\'s own line numbers', async () => {
    const { status, outputs } = await run('type T = { a: number };\n\nfunction boom(): never {\n  throw new RangeError("no such word");\n}\nboom();');
    expect(status).toBe('error');
    const e = error(outputs)!;
    expect(e.ename).toBe('RangeError');
    expect(e.evalue).toBe('no such word');
    expect(e.traceback[1]).toMatch(/at boom \(Cell \[\d+\], line 4\)/);
    expect(e.traceback.join('\n')).toMatch(/at Cell \[\d+\], line 6$/m);
    expect(e.traceback.join('\n')).toContain('> 4 |   throw new RangeError("no such word");');
    const syntax = error((await run('const a = 1;\nconst b = ;')).outputs)!;
    expect(syntax.ename).toBe('SyntaxError');
    expect(syntax.traceback.join('\n')).toMatch(/line 2, column 11[\s\S]*\^/);
    expect(error((await run('const display = 1;')).outputs)!.evalue).toMatch(/"display" is provided by the kernel/);
  });

  it('interrupts a while(true) loop and keeps the state', async () => {
    const pending = run('let spins = 0;\nwhile (true) { spins++; }');
    await new Promise((r) => setTimeout(r, 300));
    expect(await kernel.interrupt()).toBe('interrupted');
    const { status, outputs } = await pending;
    expect(status).toBe('error');
    expect(error(outputs)!.ename).toBe('Interrupt');
    expect(result((await run('spins > 0 && base')).outputs)).toBe('1');
  });

  it('interrupts a cell waiting on a promise that never settles', async () => {
    const pending = run('await new Promise(() => {});');
    await new Promise((r) => setTimeout(r, 200));
    expect(await kernel.interrupt()).toBe('interrupted');
    expect((await pending).status).toBe('error');
    expect(result((await run('base')).outputs)).toBe('1');
  });

  it('restarts when a cell is stuck where it cannot be interrupted, and says the state is lost', async () => {
    const pending = run('/^(a+)+$/.test("a".repeat(40) + "b")');
    await new Promise((r) => setTimeout(r, 200));
    expect(await kernel.interrupt()).toBe('restarted');
    expect(error((await pending).outputs)!.evalue).toMatch(/restarted: its state is lost/);
    expect(result((await run('typeof base')).outputs)).toBe("'undefined'");
  });

  it('restart clears the state', async () => {
    await run('const kept = 1;');
    await kernel.restart();
    expect(result((await run('typeof kept')).outputs)).toBe("'undefined'");
  });

  it('reports a crashed kernel and can be restarted', async () => {
    const { status, outputs } = await run('process.exit(3)');
    expect(status).toBe('error');
    expect(error(outputs)!.evalue).toMatch(/stopped \(exit code 3\)/);
    expect(kernel.state).toBe('dead');
    await kernel.restart();
    expect(kernel.state).toBe('idle');
    expect(result((await run('1 + 1')).outputs)).toBe('2');
  });

  it('renders rich outputs: Plot as SVG, records as a table, JSON, live progress', async () => {
    const plot = await run('Plot.plot({ marks: [Plot.dot([{ x: 1, y: 2 }, { x: 2, y: 3 }], { x: "x", y: "y" })] })');
    const svg = plot.outputs[0] as Extract<Output, { output_type: 'execute_result' }>;
    expect(String(svg.data['image/svg+xml'])).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<circle/);
    const table = await run('display([{ word: "bank", sim: 0.8123456 }, { word: "bat", sim: 0.5 }])');
    expect(String((table.outputs[0] as Extract<Output, { output_type: 'display_data' }>).data['text/html'])).toContain('<td class="num">0.8123</td>');
    const json = await run('({ a: [1, 2], b: "x" })');
    expect((json.outputs[0] as Extract<Output, { output_type: 'execute_result' }>).data['application/json']).toEqual({ a: [1, 2], b: 'x' });
    const heat = await run('views.similarity([[1, 0], [0.7, 0.7], [0, 1]], ["a", "b", "c"])');
    expect(String((heat.outputs[0] as Extract<Output, { output_type: 'execute_result' }>).data['text/html'] ?? (heat.outputs[0] as Extract<Output, { output_type: 'execute_result' }>).data['image/svg+xml'])).toMatch(/data:image\/svg\+xml;base64/);
    const progress = await run('let total = 0;\nfor (const i of progress(30, { label: "steps" })) { total += i; await sleep(5); }\ntotal');
    expect(result(progress.outputs)).toBe('435');
    expect(progress.updates).toBeGreaterThan(0);
    const curve = await run('const curve = trainingCurve();\nfor (let step = 0; step < 5; step++) curve.push({ step, loss: 1 / (step + 1) });');
    expect(curve.updates).toBeGreaterThan(0);
  });

  it('records seeds, package versions and the sha256 of the files a notebook reads', async () => {
    const data = join(dir, 'data.tsv');
    writeFileSync(data, 'sentence\tlabel\nthe bank\t1\n');
    await run('seed(1234);\nconst r = Math.random();');
    const { seq, done } = kernel.execute('import { readFileSync } from "node:fs";\nimport { initBackend } from "@wb/core";\nreadFileSync("data.tsv", "utf8").length');
    const reply = await done;
    expect(seq).toBeGreaterThan(0);
    expect(reply.run!.seeds).toEqual([1234]);
    expect(reply.run!.backend).toBe('wasm');
    expect(reply.run!.packages['@wb/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(reply.run!.files['data.tsv']).toEqual({ sha256: createHash('sha256').update(readFileSync(data)).digest('hex'), bytes: 26 });
    expect(Object.keys(reply.run!.files).some((f) => f.includes('node_modules'))).toBe(false);
    expect(result((await run('seed(1234);\nMath.random() === r')).outputs)).toBe('true');
  });

  it('gives the shared data and the shipped models from @wb/workbench/data, and still (deprecated) from @wb/core/node', async () => {
    const paths = await run(
      "import { sharedPath, shippedModelPath } from '@wb/workbench/data';\nconsole.log(sharedPath('fixtures', 'tiny-bert') + '\\n' + shippedModelPath('bert-mini'));",
    );
    const printed = `${sharedPath('fixtures', 'tiny-bert')}\n${join(repoRoot, 'models', 'bert-mini')}\n`;
    expect(paths.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: printed }]);
    expect(error((await run("shippedModelPath('no-such-model')")).outputs)!.evalue).toBe(
      `${join(repoRoot, 'models', 'no-such-model')}: no such shipped model (the repository's models/ folder has the ones that ship)`,
    );
    const old = await run("import { sharedPath as oldPath, sharedDir as oldDir, loadBert } from '@wb/core/node';\n[oldPath('data') === sharedPath('data'), typeof loadBert]");
    expect(result(old.outputs)).toBe("[ true, 'function' ]");
    const warning = "sharedDir, sharedPath, shippedModelPath moved from '@wb/core/node' to '@wb/workbench/data'; import them from there (the old place is deprecated)\n";
    expect(old.outputs.filter((o) => o.output_type === 'stream')).toEqual([{ output_type: 'stream', name: 'stderr', text: warning }]);
    const again = await run("import { shippedModelPath as oldModel } from '@wb/core/node';\noldModel('bert-mini') === shippedModelPath('bert-mini')");
    expect(result(again.outputs)).toBe('true');
    expect(again.outputs.filter((o) => o.output_type === 'stream')).toEqual([]);
  });
});
