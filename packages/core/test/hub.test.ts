/**
 * The hub client against a mock hub (test/support/mock-hub.ts) that speaks huggingface_hub's
 * protocol: the cache layout it leaves, revisions, offline and unreachable hubs, corrupted and
 * interrupted downloads, authentication and not-found messages, pickle-only repositories.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { folderFiles, startMockHub, type MockHub, type RepoFiles } from '../../../test/support/mock-hub.js';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { hubSnapshotOf, listHubCache, removeFromHubCache } from '../src/hub/cache.js';
import { modelFolderPath, resolveModelSource } from '../src/hub/model-source.js';
import type { DownloadProgress } from '../src/hub/progress.js';
import { isHubId, parseHubId } from '../src/hub/repo-id.js';
import { snapshotDownload, type SnapshotOptions } from '../src/hub/snapshot.js';
import { loadBert } from '../src/load.js';

/** Deterministic bytes that stand for weights (the download tests never parse them). */
function pseudoWeights(bytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const weights = pseudoWeights(3_000_000, 7);
const tinyRepo = (config = '{"model_type": "bert"}'): RepoFiles => ({
  'config.json': text(config),
  'vocab.txt': text('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nbank\n'),
  'model.safetensors': weights,
  'README.md': text('# not a model file'),
});

describe('hub ids', () => {
  it('parses org/name[@revision] and refuses what the hub would', () => {
    expect(parseHubId('bert-base-uncased')).toEqual({ repoId: 'bert-base-uncased' });
    expect(parseHubId('org/name@v1.0')).toEqual({ repoId: 'org/name', revision: 'v1.0' });
    expect(parseHubId('org/name@refs/pr/3')).toEqual({ repoId: 'org/name', revision: 'refs/pr/3' });
    for (const bad of ['./models/x', '/abs/path', 'a/b/c', 'org/-name', 'org/na--me', 'org/name@', '~/x', 'a b']) expect(isHubId(bad)).toBe(false);
    expect(() => parseHubId('a/b/c')).toThrow('"a/b/c" is not a hub model id (org/name[@revision]): a repo id is "name" or "org/name" (at most one "/")');
  });

  it('finds the repository and commit of a path inside a cache snapshot', () => {
    const commit = 'a'.repeat(40);
    expect(hubSnapshotOf(`/c/hub/models--org--tiny/snapshots/${commit}/config.json`)).toEqual({ repoId: 'org/tiny', commit });
    expect(hubSnapshotOf(`/c/hub/models--tiny/snapshots/${commit}/sub/x.json`)).toEqual({ repoId: 'tiny', commit });
    expect(hubSnapshotOf('/models/bert-mini/config.json')).toBeUndefined();
  });
});

describe('snapshotDownload against a mock hub', () => {
  let hub: MockHub;
  let cacheDir: string;
  let notices: string[];
  const settings = () => ({ endpoint: hub.url, cacheDir, token: '', offline: false });
  const pull = (id: string, options: SnapshotOptions = {}) =>
    snapshotDownload(id, { onNotice: (m) => notices.push(m), ...options, settings: { ...settings(), ...options.settings } });
  const repoFolder = (name: string) => join(cacheDir, name);

  beforeEach(async () => {
    hub = await startMockHub();
    cacheDir = mkdtempSync(join(tmpdir(), 'wb-hub-cache-'));
    notices = [];
  });
  afterEach(async () => hub.stop());

  it('downloads into the huggingface_hub layout, then serves from the cache with the hub stopped', async () => {
    const commit = hub.addCommit('org/tiny', tinyRepo());
    const progress: DownloadProgress[] = [];
    const snapshot = await pull('org/tiny', { onProgress: (p) => progress.push(p) });
    const folder = repoFolder('models--org--tiny');
    expect(snapshot).toMatchObject({ repoId: 'org/tiny', revision: 'main', commit, folder: join(folder, 'snapshots', commit), fromCache: false });
    // README.md is not a model file: left on the hub.
    expect(snapshot.files).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    expect(readFileSync(join(folder, 'refs', 'main'), 'utf8')).toBe(commit);
    const weightsLink = join(snapshot.folder, 'model.safetensors');
    expect(lstatSync(weightsLink).isSymbolicLink()).toBe(true);
    const sha = sha256(weights);
    expect(readlinkSync(weightsLink)).toBe(`../../blobs/${sha}`);
    expect(sha256(readFileSync(weightsLink))).toBe(sha256(weights));
    expect(readdirSync(join(folder, 'blobs')).sort()).toHaveLength(3);
    expect(readdirSync(join(cacheDir, '.locks', 'models--org--tiny'))).toEqual([]);
    // One progress report at least per megabyte-ish chunk; the last one is complete.
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ repoId: 'org/tiny', done: true, bytes: last.total });
    expect(last.total).toBe(weights.length + tinyRepo()['config.json'].length + tinyRepo()['vocab.txt'].length);
    // The token-less CDN got no Authorization; the LFS file came from it, once.
    expect(hub.count({ origin: 'cdn', method: 'GET' })).toBe(1);

    // Online again: one API call, nothing downloaded.
    const before = hub.requests.length;
    expect((await pull('org/tiny')).downloaded).toEqual([]);
    expect(hub.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/models/org/tiny/revision/main']);

    await hub.stop();
    const cached = await pull('org/tiny');
    expect(cached).toMatchObject({ commit, folder: snapshot.folder, fromCache: true, files: snapshot.files });
    expect(notices.join('\n')).toMatch(/^http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\); using org\/tiny@main from the cache \(commit [0-9a-f]{12}\)$/);
  });

  it('HF_HUB_OFFLINE serves the cache without a request and names what is missing', async () => {
    const commit = hub.addCommit('org/tiny', tinyRepo());
    const offline = { settings: { offline: true } };
    await expect(pull('org/tiny', offline)).rejects.toThrow(
      `org/tiny@main is not in the hub cache (nothing of org/tiny is in ${cacheDir}) and HF_HUB_OFFLINE=1, so nothing is downloaded; unset HF_HUB_OFFLINE and run \`wb pull org/tiny@main\``,
    );
    await pull('org/tiny', { include: ['*.json', '*.txt'] });
    await expect(pull('org/tiny', offline)).rejects.toThrow(
      `org/tiny@main (commit ${commit}) is in the hub cache without model.safetensors (${join(repoFolder('models--org--tiny'), 'snapshots', commit)} has: config.json, vocab.txt) and HF_HUB_OFFLINE=1`,
    );
    await expect(pull('org/tiny@v2', offline)).rejects.toThrow(`org/tiny@v2 is not in the hub cache (${repoFolder('models--org--tiny')} has no refs/v2)`);
    await pull('org/tiny');
    const requests = hub.requests.length;
    expect(await pull('org/tiny', offline)).toMatchObject({ commit, fromCache: true, files: ['config.json', 'model.safetensors', 'vocab.txt'] });
    expect(await pull(`org/tiny@${commit}`, offline)).toMatchObject({ commit, fromCache: true });
    expect(hub.requests.length).toBe(requests);
    expect(notices).toEqual([]);
  });

  it('rejects a corrupted LFS body and leaves nothing behind', async () => {
    const commit = hub.addCommit('org/tiny', tinyRepo());
    hub.corrupt(weights);
    const sha = sha256(weights);
    await expect(pull('org/tiny')).rejects.toThrow(
      new RegExp(`^org/tiny@${commit}: model\\.safetensors: the download's sha256 is [0-9a-f]{64} but the hub says ${sha}; the file was discarded and nothing was saved$`),
    );
    const folder = repoFolder('models--org--tiny');
    expect(readdirSync(join(folder, 'blobs')).filter((b) => b.startsWith(sha))).toEqual([]);
    expect(existsSync(join(folder, 'snapshots'))).toBe(false);
    expect(existsSync(join(folder, 'refs'))).toBe(false);
    expect(readdirSync(join(cacheDir, '.locks', 'models--org--tiny'))).toEqual([]);
  });

  it('resumes an interrupted download with a Range request, in the same call and in a later one', async () => {
    hub.addCommit('org/tiny', tinyRepo());
    hub.interruptOnce(weights, 1_000_000);
    const snapshot = await pull('org/tiny');
    expect(sha256(readFileSync(join(snapshot.folder, 'model.safetensors')))).toBe(sha256(weights));
    const cdn = hub.requests.filter((r) => r.origin === 'cdn');
    expect(cdn).toHaveLength(2);
    expect(cdn[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(cdn[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_000_000);

    // A process that died mid-download left a partial blob: the next pull continues it.
    const other = mkdtempSync(join(tmpdir(), 'wb-hub-cache-'));
    const blob = join(other, 'models--org--tiny', 'blobs', sha256(weights));
    mkdirSync(join(blob, '..'), { recursive: true });
    writeFileSync(`${blob}.incomplete`, weights.subarray(0, 1_234_567));
    const resumed = await pull('org/tiny', { settings: { cacheDir: other } });
    expect(hub.requests.filter((r) => r.origin === 'cdn').at(-1)?.range).toBe('bytes=1234567-');
    expect(sha256(readFileSync(join(resumed.folder, 'model.safetensors')))).toBe(sha256(weights));
    expect(existsSync(`${blob}.incomplete`)).toBe(false);
  });

  it('resolves branches, tags and commits; refs/ records the branch and tag; unchanged blobs are not fetched again', async () => {
    const first = hub.addCommit('org/tiny', tinyRepo('{"model_type": "bert", "v": 1}'), ['main', 'v1.0']);
    const second = hub.addCommit('org/tiny', tinyRepo('{"model_type": "bert", "v": 2}'), ['main', 'dev']);
    const main = await pull('org/tiny');
    const tag = await pull('org/tiny@v1.0');
    const branch = await pull('org/tiny', { revision: 'dev' });
    const bySha = await pull(`org/tiny@${first}`);
    expect([main.commit, tag.commit, branch.commit, bySha.commit]).toEqual([second, first, second, first]);
    expect(readFileSync(join(tag.folder, 'config.json'), 'utf8')).toContain('"v": 1');
    expect(readFileSync(join(main.folder, 'config.json'), 'utf8')).toContain('"v": 2');
    const refs = join(repoFolder('models--org--tiny'), 'refs');
    expect(readdirSync(refs).sort()).toEqual(['dev', 'main', 'v1.0']);
    expect(readFileSync(join(refs, 'v1.0'), 'utf8')).toBe(first);
    expect(bySha.downloaded).toEqual([]);
    // The weights are the same in both commits: one blob, one CDN download.
    expect(hub.count({ origin: 'cdn' })).toBe(1);
    await expect(pull('org/tiny@nope')).rejects.toThrow(`org/tiny: revision "nope" not found on ${hub.url} (not a branch, tag or commit of the repository) (the hub says: Invalid rev id: nope)`);
  });

  it('says what 401 and 404 mean, and sends the token to the hub only', async () => {
    hub.addCommit('org/private', tinyRepo());
    hub.setAccess('org/private', 'private');
    hub.addCommit('org/gated', tinyRepo());
    hub.setAccess('org/gated', 'gated');
    await expect(pull('org/private')).rejects.toThrow(
      `org/private needs authentication (401 from ${hub.url}): it is private or gated, or does not exist. Set HF_TOKEN to an access token that can read it (${hub.url}/settings/tokens) (the hub says: Repository not found)`,
    );
    await expect(pull('org/gated')).rejects.toThrow(`org/gated is a gated model (401 from ${hub.url}): accept its terms on ${hub.url}/org/gated and set HF_TOKEN to an access token of that account`);
    await expect(pull('org/private', { settings: { token: 'hf_wrong' } })).rejects.toThrow(
      `org/private: no such model repository on ${hub.url} (or it is private and the token in HF_TOKEN cannot read it)`,
    );
    await expect(pull('org/missing')).rejects.toThrow(`org/missing needs authentication (401 from ${hub.url})`);

    const withToken = await pull('org/private', { settings: { token: hub.token } });
    expect(existsSync(join(withToken.folder, 'model.safetensors'))).toBe(true);
    expect(hub.requests.filter((r) => r.origin === 'hub' && r.path.includes('org/private')).at(-1)?.authorization).toBe(`Bearer ${hub.token}`);
    expect(hub.requests.filter((r) => r.origin === 'cdn').map((r) => r.authorization)).toEqual([undefined]);

    const commit = hub.addCommit('org/tiny', tinyRepo());
    hub.hide('org/tiny', 'vocab.txt');
    await expect(pull('org/tiny')).rejects.toThrow(`org/tiny@${commit}: file "vocab.txt" not found on ${hub.url} (the hub says: vocab.txt does not exist on "${commit}")`);
  });

  it('refuses a pickle-only repository and points at its safetensors conversion pull request', async () => {
    hub.addCommit('org/old', { 'config.json': text('{}'), 'pytorch_model.bin': pseudoWeights(1000, 3) });
    await expect(pull('org/old')).rejects.toThrow(
      'org/old@main has only PyTorch pickle weights (pytorch_model.bin). Loading a pickle can run arbitrary code, so the workbench loads safetensors only. ' +
        'No safetensors conversion is listed on the hub',
    );
    const converted = hub.addCommit('org/old', { 'config.json': text('{}'), 'pytorch_model.bin': pseudoWeights(1000, 3), 'model.safetensors': pseudoWeights(1000, 4) }, ['refs/pr/3']);
    hub.addDiscussion('org/old', { num: 2, title: 'Fix the README', status: 'open', isPullRequest: true });
    hub.addDiscussion('org/old', { num: 3, title: 'Adding `safetensors` variant of this model', status: 'open', isPullRequest: true });
    await expect(pull('org/old')).rejects.toThrow('The hub has a safetensors conversion of this model in pull request #3: use org/old@refs/pr/3');
    const pr = await pull('org/old@refs/pr/3');
    expect(pr.commit).toBe(converted);
    expect(pr.files).toEqual(['config.json', 'model.safetensors']);
    expect(readFileSync(join(repoFolder('models--org--old'), 'refs', 'refs', 'pr', '3'), 'utf8')).toBe(converted);
    // Asked for explicitly, a pickle is just a file.
    expect((await pull('org/old', { include: ['*.bin'] })).files).toEqual(['pytorch_model.bin']);
  });

  it('lists the cache and removes a revision with the blobs only it used', async () => {
    const first = hub.addCommit('org/tiny', tinyRepo('{"v": 1}'), ['v1']);
    const second = hub.addCommit('org/tiny', tinyRepo('{"v": 2}'), ['main']);
    await pull('org/tiny@v1');
    await pull('org/tiny');
    const [entry] = listHubCache(cacheDir);
    expect(entry).toMatchObject({ repoId: 'org/tiny', refs: { main: second, v1: first }, snapshots: [first, second].sort() });
    expect(entry.bytes).toBe(weights.length + tinyRepo()["vocab.txt"].length + 8 + 8);
    const removal = removeFromHubCache(cacheDir, 'org/tiny', 'v1');
    // The v1 config blob goes; the weights and vocabulary stay, main still uses them.
    expect(removal.removed.filter((p) => p.includes('/blobs/'))).toHaveLength(1);
    expect(removal.bytes).toBe(8);
    expect(listHubCache(cacheDir)[0]).toMatchObject({ refs: { main: second }, snapshots: [second] });
    expect(() => removeFromHubCache(cacheDir, 'org/tiny', 'v1')).toThrow(`org/tiny@v1 is not in the hub cache (cached: main, ${second.slice(0, 12)})`);
    removeFromHubCache(cacheDir, 'org/tiny');
    expect(listHubCache(cacheDir)).toEqual([]);
    expect(() => removeFromHubCache(cacheDir, 'org/tiny')).toThrow(`org/tiny is not in the hub cache ${cacheDir}`);
  });
});

describeShared(['fixtures', 'tiny-bert'], 'loaders given a hub id', () => {
  let hub: MockHub;
  let cacheDir: string;
  const env = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HUB_CACHE: process.env.HF_HUB_CACHE, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE };

  beforeAll(async () => {
    await initBackend('cpu');
  });
  beforeEach(async () => {
    hub = await startMockHub();
    cacheDir = mkdtempSync(join(tmpdir(), 'wb-hub-cache-'));
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = cacheDir;
    delete process.env.HF_HUB_OFFLINE;
  });
  afterEach(async () => {
    await hub.stop();
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('loadBert("org/name") downloads, then loads from the cache offline; a folder of that name wins', async () => {
    const fixture = sharedPath('fixtures', 'tiny-bert');
    const commit = hub.addCommit('org/tiny-bert', folderFiles(fixture, ['reference.json']));
    const reference = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8')) as { cases: Array<{ text: string; ids: number[] }> };
    expect(() => modelFolderPath('org/tiny-bert')).toThrow(`org/tiny-bert: no such folder, and org/tiny-bert@main is not in the hub cache ${cacheDir}; download it first`);
    const online = await loadBert('org/tiny-bert');
    expect(online.tokenizer.encode(reference.cases[0].text).ids).toEqual(reference.cases[0].ids);
    const source = await resolveModelSource('org/tiny-bert');
    expect(source.hub).toEqual({ repoId: 'org/tiny-bert', revision: 'main', commit });
    expect(modelFolderPath('org/tiny-bert')).toBe(source.dir);

    await hub.stop();
    process.env.HF_HUB_OFFLINE = '1';
    const offline = await loadBert('org/tiny-bert');
    const [a, b] = [online, offline].map((m) => m.run([reference.cases[0].text]).outputs.lastHiddenState.arraySync());
    expect(b).toEqual(a);
    // An existing folder is a folder, whatever its name looks like.
    expect((await resolveModelSource(fixture)).hub).toBeUndefined();
  });

  it('WB_HUB_PINS resolves a pinned repository to the recorded commit, whatever revision is asked', async () => {
    const files = folderFiles(sharedPath('fixtures', 'tiny-bert'), ['reference.json']);
    const recorded = hub.addCommit('org/tiny-bert', files);
    const latest = hub.addCommit('org/tiny-bert', { ...files, 'generation_config.json': text('{}') });
    hub.setRef('org/tiny-bert', 'v1', recorded);
    expect((await resolveModelSource('org/tiny-bert')).hub?.commit).toBe(latest);
    expect((await resolveModelSource('org/tiny-bert', { revision: 'v1' })).hub?.commit).toBe(recorded);
    await expect(resolveModelSource('org/tiny-bert@main', { revision: 'v1' })).rejects.toThrow('org/tiny-bert@main: two revisions given ("main" in the id, "v1" as an option)');
    process.env.WB_HUB_PINS = JSON.stringify({ 'org/tiny-bert': recorded });
    try {
      expect((await resolveModelSource('org/tiny-bert')).hub?.commit).toBe(recorded);
      expect((await resolveModelSource('org/tiny-bert', { revision: 'main' })).hub?.commit).toBe(recorded);
      expect(modelFolderPath('org/tiny-bert@main')).toBe(join(cacheDir, 'models--org--tiny-bert', 'snapshots', recorded));
      process.env.WB_HUB_PINS = '{"org/tiny-bert": "main"}';
      expect(() => modelFolderPath('org/tiny-bert')).toThrow('WB_HUB_PINS: "org/tiny-bert" must map to a 40-hex commit, got "main"');
    } finally {
      delete process.env.WB_HUB_PINS;
    }
  });
});
