/**
 * Seeded, bounded fuzzing of file loaders, shared by the packages' fuzz suites.
 *
 * A suite is a worker module (TypeScript, bundled here with esbuild, run as a child process) that
 * hands its targets to `fuzzWorkerMain`. The test side (`fuzzInWorker`) is the watchdog: a case
 * that hangs (no word from the worker for `caseTimeoutMs`) or a worker that dies (a crash, a wasm
 * abort, or memory beyond `maxMemoryMb`) fails the test naming the target, the case and the seed,
 * so that the case can be replayed (`only`). Every outcome must be one of:
 *
 *   - rejected: an Error whose message names the file (the path the loader was given);
 *   - accepted: the loader returned, and the target's own checks of what it returned passed.
 *
 * Anything else (an error that does not name the file, a TypeError/RangeError from inside the
 * loader, something thrown that is not an Error, a failed check) is a failure.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fork } from 'node:child_process';
import { build } from 'esbuild';
import { Rng } from '../../packages/core/src/train/rng.js';

export { Rng };

/** What a worker posts: before each case, and at the end. */
export type FuzzMessage = { type: 'case'; target: string; index: number; seed: number } | { type: 'done'; reports: FuzzReport[] };

export interface FuzzReport {
  target: string;
  seed: number;
  cases: number;
  rejected: number;
  accepted: number;
  /** Wall time of the target's cases (reported, never asserted). */
  ms: number;
  /** `#index: why`, for the first few failures. */
  failures: string[];
}

export interface FuzzTarget {
  name: string;
  cases: number;
  /**
   * Case `index`: build the mutated input with `rng` and run the loader on it inside `expectNamed`
   * (which tags its errors with the file it was given). Return, when it returned, a check of what it
   * returned (throw to fail).
   */
  run(rng: Rng, index: number): Promise<{ check?: () => void | Promise<void> }> | { check?: () => void | Promise<void> };
}

/** Errors a loader should never let out: they mean it read a value it had not checked. */
const INTERNAL = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'];

/**
 * Inside the worker: runs every target's cases, posting progress (the watchdog's heartbeat) and the
 * reports. A case's loader call and its input are made by `target.run`; this decides the outcome.
 */
export async function runFuzzTargets(
  targets: FuzzTarget[],
  seed: number,
  post: (message: FuzzMessage) => void,
  /** Replays one case: `{ target: 'config.json', index: 58 }`. */
  only?: { target: string; index: number },
): Promise<void> {
  const reports: FuzzReport[] = [];
  for (const target of targets) {
    if (only && only.target !== target.name) continue;
    const report: FuzzReport = { target: target.name, seed, cases: 0, rejected: 0, accepted: 0, ms: 0, failures: [] };
    const started = performance.now();
    for (let index = 0; index < target.cases; index++) {
      if (only && only.index !== index) continue;
      const caseSeed = (seed * 1_000_003 + index) >>> 0;
      post({ type: 'case', target: target.name, index, seed: caseSeed });
      report.cases++;
      const outcome = await runCase(target, new Rng(caseSeed), index);
      if (outcome === 'rejected') report.rejected++;
      else if (outcome === 'accepted') report.accepted++;
      else if (report.failures.push(`#${index} (case seed ${caseSeed}): ${outcome}`) > 10) report.failures.length = 10;
    }
    report.ms = Math.round(performance.now() - started);
    reports.push(report);
  }
  post({ type: 'done', reports });
}

/**
 * A worker module's entry: `fuzzWorkerMain((seed) => targets)`. Reads the seed (and the case to
 * replay, if any) from the watchdog and reports to it over IPC.
 */
export function fuzzWorkerMain(makeTargets: () => Promise<FuzzTarget[]> | FuzzTarget[]): void {
  const { seed, only } = JSON.parse(process.env.WB_FUZZ ?? '{"seed": 1}') as { seed: number; only?: { target: string; index: number } };
  const post = (message: FuzzMessage) => process.send?.(message);
  void (async () => {
    await runFuzzTargets(await makeTargets(), seed, post, only);
    process.disconnect?.();
  })();
}

async function runCase(target: FuzzTarget, rng: Rng, index: number): Promise<'rejected' | 'accepted' | string> {
  let check: (() => void | Promise<void>) | undefined;
  try {
    ({ check } = await target.run(rng, index));
  } catch (e) {
    if (!(e instanceof Error)) return `threw a non-Error: ${String(e).slice(0, 200)}`;
    // `expectNamed` tags the loader's errors with the file it was given.
    const named = (e as Error & { fuzzFile?: string }).fuzzFile;
    if (named === undefined) return `error outside the loader: ${e.message.slice(0, 300)}`;
    if (INTERNAL.includes(e.name)) return `internal ${e.name}: ${e.message.slice(0, 300)}`;
    if (!e.message.includes(named)) return `error does not name ${named}: ${e.message.slice(0, 300)}`;
    return 'rejected';
  }
  try {
    await check?.();
    return 'accepted';
  } catch (e) {
    return `accepted, but wrong: ${(e as Error).message?.slice(0, 300) ?? String(e)}`;
  }
}

/**
 * Runs `loader` on `file`; an error it throws carries `fuzzFile`, so that the outcome can check
 * the message names the file even though `run` did not return.
 */
export async function expectNamed<T>(file: string, loader: () => T | Promise<T>): Promise<T> {
  try {
    return await loader();
  } catch (e) {
    if (e instanceof Error) Object.assign(e, { fuzzFile: file });
    throw e;
  }
}

// ------------------------------------------------------------------------------------------------
// Mutators
// ------------------------------------------------------------------------------------------------

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x39];
const INTERESTING_U64 = [0n, 1n, 7n, 8n, 0xffn, 0x7fffffffn, 0xffffffffn, 0x100000000n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

/**
 * 1–3 byte-level mutations: bit flips, interesting bytes, interesting little-endian u64s (the
 * header length of a safetensors file, offsets and sizes in hdf5), truncation, insertion, deletion
 * and duplication. Half of them land in the first `focus` bytes (where headers are).
 */
export function mutateBytes(input: Uint8Array, rng: Rng, focus = input.length): Uint8Array {
  let bytes: Uint8Array = new Uint8Array(input);
  const ops = 1 + rng.int(3);
  for (let k = 0; k < ops; k++) {
    const span = rng.next() < 0.5 ? Math.max(1, Math.min(focus, bytes.length)) : Math.max(1, bytes.length);
    const at = rng.int(span);
    switch (rng.int(7)) {
      case 0:
        if (bytes.length) bytes[at % bytes.length] ^= 1 << rng.int(8);
        break;
      case 1:
        if (bytes.length) bytes[at % bytes.length] = pick(rng, INTERESTING_BYTES);
        break;
      case 2: {
        if (bytes.length < 8) break;
        const where = Math.min(at, bytes.length - 8);
        new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(where, pick(rng, INTERESTING_U64) & (2n ** 64n - 1n), true);
        break;
      }
      case 3:
        bytes = bytes.slice(0, at);
        break;
      case 4: {
        const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => (rng.next() < 0.5 ? pick(rng, INTERESTING_BYTES) : rng.int(256)));
        bytes = concat(bytes.subarray(0, at), extra, bytes.subarray(at));
        break;
      }
      case 5:
        bytes = concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + rng.int(32))));
        break;
      default: {
        const length = 1 + rng.int(32);
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at, at + length), bytes.subarray(at));
      }
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const INTERESTING_VALUES: unknown[] = [
  null, true, false, 0, -1, 1, 2, 3, 0.5, -0.5, 1e-300, 7, 64, 1000, 1_000_000, 2 ** 31, 4294967296, 2 ** 53, 1e308, -1e308,
  '', 'x', '[UNK]', '0', 'gelu', 'relu', 'stdout', 'std out', '<style>*{}</style>', [], [1, 2], [[1, 2]], {}, { a: 1 },
];

type JsonContainer = Record<string, unknown> | unknown[];

const DEEP_MARKER = '\u0000wb-fuzz-deep-';

/** Every container (object or list) in a JSON value with the keys it holds. */
function containers(value: unknown, out: Array<{ node: JsonContainer; key: string | number }> = []): typeof out {
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) node.forEach((child, i) => (out.push({ node, key: i }), stack.push(child)));
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) (out.push({ node: node as JsonContainer, key }), stack.push(child));
  }
  return out;
}

/**
 * 1–3 structural mutations of a JSON value: a value replaced by an interesting one, a key removed,
 * a list entry duplicated, a number nudged, a value wrapped in `depth` (default 100,000) lists; or, one
 * time in eight, the whole document replaced or its text cut/garbled. Returns the text.
 */
export function mutateJson(value: unknown, rng: Rng, options: { depth?: number } = {}): string {
  const doc = structuredClone(value);
  const roll = rng.next();
  if (roll < 0.04) return JSON.stringify(pick(rng, INTERESTING_VALUES));
  const deep: string[] = [];
  const ops = 1 + rng.int(3);
  for (let k = 0; k < ops; k++) {
    const slots = containers(doc);
    if (!slots.length) break;
    const { node, key } = pick(rng, slots);
    const get = () => (node as Record<string | number, unknown>)[key];
    const set = (v: unknown) => ((node as Record<string | number, unknown>)[key] = v);
    switch (rng.int(6)) {
      case 0:
      case 1:
        set(structuredClone(pick(rng, INTERESTING_VALUES)));
        break;
      case 2:
        if (Array.isArray(node)) node.splice(key as number, 1);
        else delete node[key as string];
        break;
      case 3:
        if (Array.isArray(node)) node.splice(key as number, 0, structuredClone(get()));
        else set([get(), get()]);
        break;
      case 4: {
        const v = get();
        if (typeof v === 'number') set(pick(rng, [v + 1, v - 1, -v, v * 2, v * 1000, v + 0.5, 0]));
        else if (typeof v === 'string') set(pick(rng, [v + v, v.slice(1), v.toUpperCase(), `${v} `, '\u0000' + v]));
        else set(structuredClone(pick(rng, INTERESTING_VALUES)));
        break;
      }
      default:
        // Nested lists, spliced into the text below (JSON.stringify itself would overflow the stack).
        deep.push(JSON.stringify(get()) ?? 'null');
        set(`${DEEP_MARKER}${deep.length - 1}`);
    }
  }
  const depth = options.depth ?? 100_000;
  let text = JSON.stringify(doc, null, rng.next() < 0.5 ? 1 : undefined);
  for (let i = deep.length - 1; i >= 0; i--) {
    text = text.replace(JSON.stringify(`${DEEP_MARKER}${i}`), () => '['.repeat(depth) + deep[i] + ']'.repeat(depth));
  }
  if (roll > 0.9) {
    const at = rng.int(text.length + 1);
    return rng.next() < 0.5 ? text.slice(0, at) : text.slice(0, at) + pick(rng, ['"', '{', ']', ',', '\\', '\u0000', 'NaN']) + text.slice(at);
  }
  return text;
}

/** 1–3 line-level mutations of a text file (vocab.txt): lines removed, duplicated, swapped, garbled; the text cut; CRLFs; nothing at all. */
export function mutateLines(text: string, rng: Rng): string {
  if (rng.next() < 0.03) return pick(rng, ['', '\n', '\r\n', '\u0000', '\ufeff']);
  let lines = text.split('\n');
  const ops = 1 + rng.int(3);
  for (let k = 0; k < ops; k++) {
    const at = rng.int(lines.length);
    switch (rng.int(6)) {
      case 0:
        lines.splice(at, 1 + rng.int(4));
        break;
      case 1:
        lines.splice(at, 0, lines[rng.int(lines.length)] ?? '');
        break;
      case 2: {
        const other = rng.int(lines.length);
        [lines[at], lines[other]] = [lines[other], lines[at]];
        break;
      }
      case 3:
        lines[at] = pick(rng, ['', ' ', '\r', '[UNK] [CLS]', '\u0000', '\ud800', '##', '#'.repeat(300), 'é', '日本', '\t[PAD]']) + (lines[at] ?? '');
        break;
      case 4:
        lines = lines.slice(0, at);
        break;
      default:
        lines = lines.map((l) => `${l}\r`);
    }
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------------------
// The watchdog (test side)
// ------------------------------------------------------------------------------------------------

export interface FuzzInWorkerOptions {
  /** The worker module (TypeScript); it calls `fuzzWorkerMain`. */
  entry: string;
  /** Where the bundled worker is written: a folder inside the package, so that its imports resolve. */
  outDir: string;
  seed: number;
  /** A case that takes longer than this is a hang. */
  caseTimeoutMs?: number;
  /** Heap of the worker: a loader that allocates past it fails the suite (no eating memory). */
  maxMemoryMb?: number;
  /** Replay one case. */
  only?: { target: string; index: number };
}

/** Bundles and runs a fuzz worker (a child process) under the watchdog; resolves with its reports, rejects on a hang or a crash. */
export async function fuzzInWorker(options: FuzzInWorkerOptions): Promise<FuzzReport[]> {
  mkdirSync(options.outDir, { recursive: true });
  const outfile = join(options.outDir, `${basename(options.entry, '.ts')}-${process.pid}.mjs`);
  await build({
    entryPoints: [options.entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  const caseTimeoutMs = options.caseTimeoutMs ?? 20_000;
  const child = fork(outfile, [], {
    execArgv: [`--max-old-space-size=${options.maxMemoryMb ?? 1024}`],
    env: { ...process.env, WB_FUZZ: JSON.stringify({ seed: options.seed, only: options.only }) },
    // Libraries print diagnostics for damaged files (hdf5's error stack): keep the tail for a failure, not the log.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let current = 'starting';
  const done = new Promise<FuzzReport[]>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (!settled) reject(new Error(`fuzz: ${why} (at ${current})${output ? `\nits output ended with:\n${output}` : ''}`));
      settled = true;
    };
    let exitedCleanly = false;
    const arm = () => {
      clearTimeout(timer);
      timer = exitedCleanly
        ? setTimeout(() => fail('the worker exited (code 0) and its report never came'), caseTimeoutMs)
        : setTimeout(() => fail(`no progress for ${caseTimeoutMs / 1000} s: the case hangs`), caseTimeoutMs);
    };
    arm();
    child.on('message', (message: FuzzMessage) => {
      if (message.type === 'case') {
        current = `${message.target} case #${message.index}, case seed ${message.seed}`;
        arm();
      } else {
        clearTimeout(timer);
        settled = true;
        resolve(message.reports);
      }
    });
    child.on('error', (e) => fail(`the worker failed: ${e.message}`));
    child.on('exit', (code, signal) => {
      // A worker that finished exits with code 0 after posting its report, but on a busy machine the
      // watchdog may read its last IPC messages (hundreds of cases, then the report) well after the
      // exit, even after the channel's 'disconnect': wait for them as long as they keep coming.
      if (code === 0) {
        exitedCleanly = true;
        arm();
        return;
      }
      const judge = () => setImmediate(() => fail(`the worker exited (${signal ?? `code ${code}`}) before reporting`));
      if (child.connected) child.once('disconnect', judge);
      else judge();
    });
  });
  try {
    return await done;
  } finally {
    rmSync(outfile, { force: true });
  }
}

/** One line per target, for the test log: `target: N cases (R rejected cleanly, A accepted and checked)`. */
export function describeReports(reports: FuzzReport[]): string {
  return reports.map((r) => `${r.target}: ${r.cases} cases (${r.rejected} rejected cleanly, ${r.accepted} accepted and checked) in ${(r.ms / 1000).toFixed(1)} s`).join('\n');
}
