/**
 * `loadHubModelOr`: the hub model when the cache has it or the hub gives it, the fallback (with a
 * note saying so) when it is not in the cache and the hub is offline or unreachable — and no
 * fallback for other failures (a repository the hub does not have is an error, not a silent mini).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { folderFiles, startMockHub, type MockHub } from '../../../test/support/mock-hub.js';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { loadHubModelOr } from '../src/load-fallback.js';
import { loadModel } from '../src/load.js';

describeShared(['fixtures', 'tiny-bert'], 'loadHubModelOr', () => {
  const fixture = sharedPath('fixtures', 'tiny-bert');
  const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HUB_CACHE: process.env.HF_HUB_CACHE, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE };
  let hub: MockHub;
  let notes: string[];
  const say = (line: string) => notes.push(line);

  beforeAll(async () => {
    await initBackend('cpu');
  });
  beforeEach(async () => {
    hub = await startMockHub();
    hub.addCommit('org/tiny-bert', folderFiles(fixture, ['reference.json']));
    notes = [];
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = mkdtempSync(join(tmpdir(), 'wb-fallback-cache-'));
    delete process.env.HF_HUB_OFFLINE;
  });
  afterEach(async () => {
    await hub.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('loads the hub model when the hub gives it, and from the cache once the hub is gone', async () => {
    const online = await loadHubModelOr('org/tiny-bert', '/no/such/fallback', loadModel, { say });
    await hub.stop();
    const cached = await loadHubModelOr('org/tiny-bert', '/no/such/fallback', loadModel, { say });
    expect(notes).toEqual(['model: org/tiny-bert (from the Hugging Face hub)', 'model: org/tiny-bert (from the Hugging Face hub)']);
    const text = ['the bank of the river'];
    expect(await cached.embed(text)).toEqual(await online.embed(text));
  });

  it('falls back, saying so, when the model is not cached and the hub is offline or unreachable', async () => {
    process.env.HF_HUB_OFFLINE = '1';
    const offline = await loadHubModelOr('org/tiny-bert', fixture, loadModel, { say });
    delete process.env.HF_HUB_OFFLINE;
    await hub.stop(); // a closed port: the "no network" case, refused at once
    const unreachable = await loadHubModelOr('org/tiny-bert', fixture, loadModel, { say });
    const note = 'model: tiny-bert (org/tiny-bert is not in the hub cache and cannot be downloaded here: offline or the hub unreachable)';
    expect(notes).toEqual([note, note]);
    expect([offline.family, unreachable.family]).toEqual(['bert', 'bert']);
    expect(await offline.embed(['a bank loan'])).toEqual(await (await loadModel(fixture)).embed(['a bank loan']));
  });

  it('does not fall back when the hub answers that the model does not exist', async () => {
    await expect(loadHubModelOr('org/absent', fixture, loadModel, { say })).rejects.toThrow(`org/absent needs authentication (401 from ${hub.url})`);
    expect(notes).toEqual([]);
  });
});
