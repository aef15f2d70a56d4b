/**
 * The folder loaders read through `ModelFiles` only, so any storage works: here a folder held in
 * memory (as the browser kernel's HTTP folders are, one request per file) loads the same BERT, and
 * reports the same problems, as the folder on disk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { bertFromFiles, resolveModelFolder } from '../src/checkpoint/bert-folder.js';
import { pickElmoWeightFile } from '../src/checkpoint/elmo-folder.js';
import { joinLocation, type ModelFiles } from '../src/checkpoint/model-files.js';
import { detectModelFamily, loadBert } from '../src/load.js';

/** A folder of files in memory: relative path → bytes. */
function memoryFiles(location: string, files: Map<string, Uint8Array>, prefix = ''): ModelFiles {
  const at = (name: string) => (prefix && name ? `${prefix}/${name}` : prefix || name);
  const children = (dir: string) => [...new Set([...files.keys()].filter((k) => !dir || k.startsWith(`${dir}/`)).map((k) => k.slice(dir ? dir.length + 1 : 0).split('/')[0]))];
  const self: ModelFiles = {
    location,
    path: (name) => joinLocation(location, name),
    kind: (name) => (files.has(at(name)) ? 'file' : at(name) === '' || children(at(name)).length ? 'folder' : undefined),
    list: (name = '') => children(at(name)),
    bytes(name) {
      const bytes = files.get(at(name));
      if (!bytes) throw new Error(`${self.path(name)}: no such file`);
      return bytes;
    },
    text: (name) => new TextDecoder().decode(self.bytes(name)),
    folder: (name) => memoryFiles(joinLocation(location, name), files, at(name)),
  };
  return self;
}

const fromDisk = (dir: string) => new Map(readdirSync(dir).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));

describeShared(['fixtures', 'tiny-bert'], 'model folders through ModelFiles', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('loads the same BERT from memory as from disk, also from a hub cache layout', async () => {
    const disk = await loadBert(sharedPath('fixtures', 'tiny-bert'));
    const fixture = fromDisk(sharedPath('fixtures', 'tiny-bert'));
    const memory = bertFromFiles(memoryFiles('mem://tiny-bert', fixture));
    const text = 'The fisherman sat on the bank of the river.';
    const [a] = await disk.embed([text]);
    const [b] = await memory.embed([text]);
    expect(b.words.map((w) => w.word)).toEqual(a.words.map((w) => w.word));
    expect(Array.from(b.words[5].layers.at(-1)!)).toEqual(Array.from(a.words[5].layers.at(-1)!));
    const hub = new Map([['refs/main', new TextEncoder().encode('abc\n')], ...[...fixture].map(([k, v]) => [`snapshots/abc/${k}`, v] as const)]);
    expect(resolveModelFolder(memoryFiles('mem://hub', hub)).location).toBe('mem://hub/snapshots/abc');
    expect(detectModelFamily(memoryFiles('mem://hub', hub))).toBe('bert');
  });

  it('names the folder in what is missing', () => {
    const noWeights = new Map([...fromDisk(sharedPath('fixtures', 'tiny-bert'))].filter(([k]) => k !== 'model.safetensors'));
    expect(() => bertFromFiles(memoryFiles('mem://x', noWeights))).toThrow(/^mem:\/\/x: no model\.safetensors or model\.safetensors\.index\.json \(found: /);
    expect(() => pickElmoWeightFile(memoryFiles('mem://e', new Map([['options.json', new Uint8Array()]])))).toThrow('mem://e: no weight file');
  });
});
