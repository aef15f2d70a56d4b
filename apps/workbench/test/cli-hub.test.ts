/**
 * Hub ids on the command line, against a mock hub (test/support/mock-hub.ts) serving the
 * tiny-bert fixture: `wb embed --model org/name` online with a fresh HF_HOME and again offline
 * with the hub stopped, `wb pull`, `wb cache ls|rm`, two processes pulling at once, and the run
 * record of a notebook that loads a hub model.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { folderFiles, startMockHub, type MockHub } from '../../../test/support/mock-hub.js';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { parseNotebook, serializeNotebook } from '../src/notebook/io.js';
import { emptyNotebook, newCell } from '../src/notebook/new.js';
import { RunStore } from '../src/runs/store.js';
import { wbRun } from './support/cli.js';

interface Reference {
  cases: Array<{ text: string; text_pair?: string; ids: number[]; hidden_states: number[][][] }>;
}

describeShared(['fixtures', 'tiny-bert'], 'wb with hub ids (mock hub)', () => {
  const fixture = sharedPath('fixtures', 'tiny-bert');
  const reference = (): Reference => JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8'));
  let hub: MockHub;
  let dir: string;
  let commit: string;
  /** A fresh HF_HOME per test, the mock hub as HF_ENDPOINT, no token. */
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    hub = await startMockHub();
    // The reference outputs stay off the hub: the model is all it serves.
    commit = hub.addCommit('org/tiny-bert', folderFiles(fixture, ['reference.json']));
    dir = mkdtempSync(join(tmpdir(), 'wb-cli-hub-'));
    env = { HF_ENDPOINT: hub.url, HF_HOME: join(dir, 'hf-home'), HF_HUB_CACHE: '', HF_TOKEN: '', HF_HUB_OFFLINE: '' };
  });
  afterEach(async () => hub.stop());

  // Three `wb embed` processes: generous under a loaded machine.
  it('embed --model org/name gives the reference hidden states, then again offline with the hub stopped', { timeout: 300_000 }, async () => {
    const cases = reference().cases;
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, cases.map((c) => JSON.stringify(c.text_pair ? { text: c.text, text_pair: c.text_pair } : { text: c.text })).join('\n') + '\n');
    const check = (output: string) => {
      const rows = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(rows).toHaveLength(cases.length);
      rows.forEach((row, i) => {
        expect(row.ids).toEqual(cases[i].ids);
        expect(row.hidden_states).toHaveLength(cases[i].hidden_states.length);
        row.hidden_states.forEach((layer: number[][], l: number) =>
          layer.forEach((token, t) => token.forEach((v, d) => expect(Math.abs(v - cases[i].hidden_states[l][t][d])).toBeLessThan(1e-4))),
        );
      });
    };
    const online = await wbRun(['embed', '--model', 'org/tiny-bert', '--input', input, '--output', join(dir, 'online.jsonl'), '--all-layers'], { env });
    expect(online.code, online.stderr).toBe(0);
    check(join(dir, 'online.jsonl'));
    const snapshot = join(dir, 'hf-home', 'hub', 'models--org--tiny-bert', 'snapshots', commit);
    expect(readdirSync(snapshot).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);

    await hub.stop();
    const offline = await wbRun(['embed', '--model', 'org/tiny-bert', '--input', input, '--output', join(dir, 'offline.jsonl'), '--all-layers'], {
      env: { ...env, HF_HUB_OFFLINE: '1' },
    });
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toBe('');
    check(join(dir, 'offline.jsonl'));
    expect(readFileSync(join(dir, 'offline.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'online.jsonl'), 'utf8'));

    // Offline, what the cache lacks is named.
    const missing = await wbRun(['embed', '--model', 'org/other@v2', '--input', input], { env: { ...env, HF_HUB_OFFLINE: '1' } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `wb: org/other@v2 is not in the hub cache (nothing of org/other is in ${join(dir, 'hf-home', 'hub')}) and HF_HUB_OFFLINE=1, so nothing is downloaded; ` +
        'unset HF_HUB_OFFLINE and run `wb pull org/other@v2`\n',
    );
  });

  it('pull prints the snapshot folder; cache ls lists it; cache rm removes it', { timeout: 300_000 }, async () => {
    const jsonOnly = await wbRun(['pull', 'org/tiny-bert', '--include', '*.json'], { env });
    expect(jsonOnly.code, jsonOnly.stderr).toBe(0);
    const folder = join(dir, 'hf-home', 'hub', 'models--org--tiny-bert', 'snapshots', commit);
    expect(jsonOnly.stdout).toBe(`${folder}\n`);
    expect(jsonOnly.stderr).toContain(`wb pull: org/tiny-bert@main is commit ${commit}: 2 files (2 downloaded)\n`);
    expect(readdirSync(folder).sort()).toEqual(['config.json', 'tokenizer_config.json']);

    const all = await wbRun(['pull', 'org/tiny-bert'], { env });
    expect(all.code, all.stderr).toBe(0);
    // The progress bar (not a terminal: one line at the end) counts the bytes.
    expect(all.stderr).toMatch(/pull org\/tiny-bert █+ 4\.4 MB\/4\.4 MB [\d.]+ [kMG]?B\/s [\d.]+s\n/);
    expect(all.stderr).toContain('4 files (2 downloaded)');

    const ls = await wbRun(['cache', 'ls'], { env });
    expect(ls.code, ls.stderr).toBe(0);
    const lines = ls.stdout.trim().split('\n');
    expect(lines[0]).toBe(join(dir, 'hf-home', 'hub'));
    expect(lines[1].split(/\s{2,}/)).toEqual(['REPO', 'REFS', 'SNAPSHOTS', 'SIZE', 'MODIFIED']);
    expect(lines[2].split(/\s{2,}/).slice(0, 4)).toEqual(['org/tiny-bert', `main=${commit.slice(0, 7)}`, commit.slice(0, 7), '4.4 MB']);
    const json = JSON.parse((await wbRun(['cache', 'ls', '--json'], { env })).stdout);
    expect(json.models[0]).toMatchObject({ repoId: 'org/tiny-bert', refs: { main: commit }, snapshots: [commit] });

    const rm = await wbRun(['cache', 'rm', 'org/tiny-bert'], { env });
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toBe('removed org/tiny-bert: 4.4 MB freed (1 entry)\n');
    expect((await wbRun(['cache', 'ls'], { env })).stdout).toBe(`no models in ${join(dir, 'hf-home', 'hub')}\n`);
    expect((await wbRun(['cache', 'rm', 'org/tiny-bert'], { env })).stderr).toBe(`wb: org/tiny-bert is not in the hub cache ${join(dir, 'hf-home', 'hub')}\n`);
    expect((await wbRun(['pull', 'a/b/c'], { env })).stderr).toBe('wb: "a/b/c" is not a hub model id (org/name[@revision]): a repo id is "name" or "org/name" (at most one "/")\n');
  });

  it('two processes pulling the same model at once both succeed, and the weights are downloaded once', async () => {
    const weights = new Uint8Array(readFileSync(join(fixture, 'model.safetensors')));
    const held = hub.hold(weights);
    const pulls = [wbRun(['pull', 'org/tiny-bert'], { env }), wbRun(['pull', 'org/tiny-bert'], { env })];
    // Both have asked for the weights' metadata, one is downloading them: now let the CDN answer.
    while (hub.count({ method: 'HEAD', pathEnds: '/model.safetensors' }) < 2 || hub.count({ origin: 'cdn' }) < 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    held.release();
    const [a, b] = await Promise.all(pulls);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stderr + b.stderr).toMatch(/org\/tiny-bert@main: model\.safetensors is being downloaded by process \d+ on .+; waiting for it/);
    expect(hub.count({ origin: 'cdn' })).toBe(1);
    const repo = join(dir, 'hf-home', 'hub', 'models--org--tiny-bert');
    expect(readdirSync(join(repo, 'blobs')).filter((b) => b.includes('.'))).toEqual([]);
    expect(readFileSync(join(repo, 'snapshots', commit, 'model.safetensors')).equals(Buffer.from(weights))).toBe(true);
    expect(readdirSync(join(dir, 'hf-home', 'hub', '.locks', 'models--org--tiny-bert'))).toEqual([]);
  });

  it('a notebook run records the repo id and commit of the hub models it loaded; --verify re-runs with those commits', { timeout: 300_000 }, async () => {
    const nb = emptyNotebook();
    nb.cells = [
      newCell(
        'code',
        "import { loadBert, resolveModelSource } from '@wb/core/node';\nconst bert = await loadBert('org/tiny-bert');\n(await resolveModelSource('org/tiny-bert')).hub?.commit",
      ),
    ];
    const file = join(dir, 'hub.ipynb');
    writeFileSync(file, serializeNotebook(nb));
    const out = join(dir, 'hub.out.ipynb');
    const runs = join(dir, 'runs.sqlite');
    const runEnv = { ...env, WB_RUNS_DB: runs };
    const result = await wbRun(['run', file, '--out', out], { env: runEnv });
    expect(result.code, result.stderr).toBe(0);
    const executed = parseNotebook(readFileSync(out, 'utf8'), out);
    const run = (executed.metadata.wb as { run: { models: unknown; files: Record<string, unknown> } }).run;
    expect(run.models).toEqual([{ repo: 'org/tiny-bert', commit }]);
    expect(Object.keys(run.files).some((f) => f.endsWith(`models--org--tiny-bert/snapshots/${commit}/model.safetensors`))).toBe(true);
    const store = RunStore.open(runs);
    try {
      expect(store.list()[0].models).toEqual([{ repo: 'org/tiny-bert', commit }]);
    } finally {
      store.close();
    }

    // main moves on; --verify still loads the recorded commit, so the outputs reproduce.
    const next = hub.addCommit('org/tiny-bert', { ...folderFiles(fixture, ['reference.json']), 'generation_config.json': new TextEncoder().encode('{}') });
    const verified = await wbRun(['run', out, '--verify'], { env: runEnv });
    expect(verified.stderr).toContain(`wb run --verify: org/tiny-bert at commit ${commit}, as recorded\n`);
    expect(verified.stderr).toContain('every output reproduced');
    expect(verified.code, verified.stderr).toBe(0);
    // A plain run follows main.
    const rerun = await wbRun(['run', file, '--out', out], { env: runEnv });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((parseNotebook(readFileSync(out, 'utf8'), out).metadata.wb as { run: { models: unknown } }).run.models).toEqual([{ repo: 'org/tiny-bert', commit: next }]);
  });
});
