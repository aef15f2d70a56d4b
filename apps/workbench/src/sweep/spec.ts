/**
 * A sweep's spec (`wb sweep SPEC.yaml`): what to run — a notebook, or a `wb finetune`/`wb eval`
 * command — over a grid or a random search of parameters, seeds, and the metric to report.
 * Expanded into points, one job each:
 *
 *   notebook: train.ipynb        # relative to the spec file; its `parameters` cell is overridden; or
 *   command: finetune sst2 --model ../models/bert-mini --train train.tsv --dev dev.tsv --out {out}
 *                                # a `wb finetune`/`wb eval` command (a string split at spaces, or a
 *                                # list), run in the spec's folder; each parameter is added as
 *                                # `--name value`; `{out}` is a fresh folder per job on the worker
 *   grid: { lr: [1e-4, 1e-3] }   # every combination; or
 *   random: { samples: 4, seed: 0, params: { lr: { min: 1e-5, max: 1e-3, log: true }, freeze: [0, 2] } }
 *   seeds: [1, 2, 3]             # each point once per seed, passed as the parameter `seed_param`
 *   seed_param: trainSeed        # default "runSeed" for a notebook (`seed` is the kernel's own
 *                                # function), "seed" (--seed) for a command
 *   metric: accuracy             # a notebook: a metric it logs with logMetric; a command: a number
 *                                # in the JSON it prints, by its dotted path (best.accuracy)
 *   goal: max                    # or min (a loss): how the results table is sorted
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Rng } from '@wb/core';
import { parse } from 'yaml';
import type { JsonValue } from '../notebook/types.js';

export interface SweepSpec {
  /** Absolute path of the notebook, for a notebook sweep. */
  notebook?: string;
  /** The arguments after `wb` (`finetune sst2 ...`), for a command sweep; run in `folder`. */
  command?: string[];
  /** The spec's folder, where relative paths start. */
  folder: string;
  metric: string;
  /** Whether a higher or a lower metric is better. */
  goal: 'max' | 'min';
  /** Every point's parameters, in order. */
  points: Array<Record<string, JsonValue>>;
  /** The spec as written, for the history. */
  source: Record<string, JsonValue>;
}

type Range = { min: number; max: number; log?: boolean };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** A command's parameter is an option name without its dashes (`lr`, `batch-size`). */
const OPTION = /^[A-Za-z][A-Za-z0-9-]*$/;
/** The `wb` commands a sweep may run: they print their results as one JSON object. */
const SWEEPABLE_COMMANDS = ['finetune', 'eval'];

/** `command:` as a list of arguments: a list as given, a string split at whitespace. */
function commandArgs(file: string, command: unknown): string[] {
  const args = typeof command === 'string' ? command.trim().split(/\s+/) : command;
  if (!Array.isArray(args) || args.length < 2 || !args.every((a) => typeof a === 'string' || typeof a === 'number')) {
    throw new Error(`${file}: command: expected a \`wb finetune\` or \`wb eval\` command, as a string or a list of arguments (e.g. "finetune sst2 --model ... --out {out}")`);
  }
  const list = args.map(String);
  if (list[0] === 'wb') list.shift();
  if (!SWEEPABLE_COMMANDS.includes(list[0])) {
    throw new Error(`${file}: command: "${list[0]}" cannot be swept; expected one of ${SWEEPABLE_COMMANDS.map((c) => `wb ${c}`).join(', ')}`);
  }
  return list;
}

function combinations(grid: Record<string, JsonValue[]>): Array<Record<string, JsonValue>> {
  return Object.entries(grid).reduce<Array<Record<string, JsonValue>>>((points, [name, values]) => points.flatMap((p) => values.map((v) => ({ ...p, [name]: v }))), [{}]);
}

function randomPoints(file: string, random: Record<string, unknown>): Array<Record<string, JsonValue>> {
  const samples = random.samples;
  if (!Number.isInteger(samples) || (samples as number) <= 0) throw new Error(`${file}: random.samples: expected a positive integer, got ${JSON.stringify(samples)}`);
  if (!isObject(random.params)) throw new Error(`${file}: random.params: expected a mapping of parameter names to a list of choices or { min, max, log? }`);
  const next = new Rng(Number(random.seed ?? 0)).uniformSource();
  const ranges = Object.entries(random.params).map(([name, space]) => {
    if (Array.isArray(space) && space.length > 0) return [name, () => space[Math.floor(next() * space.length)] as JsonValue] as const;
    if (isObject(space) && typeof space.min === 'number' && typeof space.max === 'number' && space.min <= space.max) {
      const { min, max, log } = space as Range;
      if (log && min <= 0) throw new Error(`${file}: random.params.${name}: a log range needs min > 0, got ${min}`);
      return [name, () => (log ? Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))) : min + next() * (max - min))] as const;
    }
    throw new Error(`${file}: random.params.${name}: expected a non-empty list of choices or { min, max, log? } with min <= max`);
  });
  return Array.from({ length: samples as number }, () => Object.fromEntries(ranges.map(([name, draw]) => [name, draw()])));
}

/** Reads and expands a spec file; bad input is named with the file and the key. */
export function readSweepSpec(file: string): SweepSpec {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw new Error(`${file}: expected a YAML mapping with notebook, grid or random, seeds and metric`);
  if ((doc.notebook === undefined) === (doc.command === undefined)) throw new Error(`${file}: expected exactly one of notebook (a .ipynb file) and command (wb finetune/eval ...)`);
  if (doc.notebook !== undefined && typeof doc.notebook !== 'string') throw new Error(`${file}: notebook: expected the path of a .ipynb file`);
  const command = doc.command === undefined ? undefined : commandArgs(file, doc.command);
  if (typeof doc.metric !== 'string' || !doc.metric) {
    throw new Error(`${file}: metric: expected ${command ? 'the dotted path of a number in the command\'s JSON output (best.accuracy)' : 'the name of a metric the notebook logs with logMetric'}`);
  }
  const goal = doc.goal ?? 'max';
  if (goal !== 'max' && goal !== 'min') throw new Error(`${file}: goal: expected max or min, got ${JSON.stringify(goal)}`);
  if ((doc.grid === undefined) === (doc.random === undefined)) throw new Error(`${file}: expected exactly one of grid and random`);
  let points: Array<Record<string, JsonValue>>;
  if (doc.grid !== undefined) {
    if (!isObject(doc.grid) || !Object.values(doc.grid).every((v) => Array.isArray(v) && v.length > 0)) {
      throw new Error(`${file}: grid: expected a mapping of parameter names to non-empty lists of values`);
    }
    points = combinations(doc.grid as Record<string, JsonValue[]>);
  } else {
    if (!isObject(doc.random)) throw new Error(`${file}: random: expected a mapping with samples, seed and params`);
    points = randomPoints(file, doc.random);
  }
  if (doc.seeds !== undefined) {
    if (!Array.isArray(doc.seeds) || doc.seeds.length === 0 || !doc.seeds.every((s) => Number.isInteger(s))) throw new Error(`${file}: seeds: expected a non-empty list of integers`);
    const seedParam = doc.seed_param ?? (command ? 'seed' : 'runSeed');
    if (typeof seedParam !== 'string' || !(command ? OPTION : IDENTIFIER).test(seedParam)) {
      throw new Error(`${file}: seed_param: expected ${command ? 'an option name (seed for --seed)' : 'a variable name'}, got ${JSON.stringify(seedParam)}`);
    }
    const seeds = doc.seeds as number[];
    points = points.flatMap((p) => seeds.map((s) => ({ ...p, [seedParam]: s })));
  }
  for (const name of Object.keys(points[0] ?? {})) {
    if (command && !OPTION.test(name)) throw new Error(`${file}: "${name}" is not an option name (letters, digits and "-", as in --batch-size)`);
    if (command?.includes(`--${name}`)) throw new Error(`${file}: command: --${name} is a swept parameter too; leave it out of the command`);
    if (!command && !IDENTIFIER.test(name)) throw new Error(`${file}: "${name}" is not a valid parameter (variable) name`);
  }
  const folder = dirname(resolve(file));
  const what = command ? { command } : { notebook: resolve(folder, doc.notebook as string) };
  return { ...what, folder, metric: doc.metric, goal, points, source: doc as Record<string, JsonValue> };
}
