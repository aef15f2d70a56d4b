#!/usr/bin/env node
// Runs every bench/*.bench.mjs in turn (or those named by --only), each printing JSON lines.
// `npm run bench -- --only encoder,tokenizer`
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1]?.split(',') : undefined;
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.replace(/\.bench\.mjs$/, ''))
  .filter((name) => !only || only.includes(name))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches ${only}; available: ${readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const name of benches) {
  console.error(`# bench ${name}`);
  const result = spawnSync(process.execPath, [join(here, `${name}.bench.mjs`), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
