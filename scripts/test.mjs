#!/usr/bin/env node
/**
 * `npm test`: build once, then two lanes at the same time — the workbench's suite (the longest: its
 * tests mostly wait on child processes, servers and Chromium, leaving a core idle) and the other
 * packages' suites one after another. Turbo's own `--concurrency` cannot say which task to start
 * first, and started the workbench last. Exits non-zero when either lane fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const turbo = join(root, 'node_modules', '.bin', 'turbo');

const build = spawnSync(turbo, ['run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const lanes = [
  ['run', 'test', '--only', '--filter=@wb/workbench'],
  ['run', 'test', '--only', '--filter=!@wb/workbench', '--concurrency=1'],
];
const codes = await Promise.all(
  lanes.map((args) => new Promise((resolve) => spawn(turbo, args, { cwd: root, stdio: 'inherit' }).once('close', (code) => resolve(code ?? 1)))),
);
process.exit(codes.every((code) => code === 0) ? 0 : 1);
