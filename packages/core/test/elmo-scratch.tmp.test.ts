import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { loadElmo } from '../src/checkpoint/allennlp-elmo.js';
import { sharedPath } from '../src/shared-data.js';
it('fixture', async () => {
  console.log(await initBackend());
  const dir = sharedPath('fixtures', 'allennlp-elmo');
  const model = await loadElmo(dir);
  const exp = JSON.parse(readFileSync(dir + '/expected_first_batch.json', 'utf8')).cases;
  const t0 = Date.now();
  const out = model.run(exp.map((c: any) => c.tokens));
  const top = out.layers[2].arraySync() as number[][][];
  console.log('ms', Date.now() - t0);
  let worst = 0;
  exp.forEach((c: any, b: number) => c.top_layer.forEach((row: number[], t: number) => row.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - top[b][t][k])); })));
  console.log('max diff', worst);
  for (const [b, c] of exp.entries()) {
    const single = model.run([c.tokens]);
    const s = single.layers[2].arraySync() as number[][][];
    let w = 0; c.top_layer.forEach((row: number[], t: number) => row.forEach((v: number, k: number) => { w = Math.max(w, Math.abs(v - s[0][t][k])); }));
    console.log('single', b, w);
  }
});
