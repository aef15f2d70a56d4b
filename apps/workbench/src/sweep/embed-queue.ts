/**
 * `wb embed --queue`: the input's records in shards of whole batches (so that every batch is
 * the one `wb embed` would run, and the rows come out the same to the byte), one BullMQ job per
 * shard. Workers hand back each shard's rows; they are written as shard files in a temporary
 * folder as they arrive, then assembled in input order, after a check that the shards cover every
 * record exactly once.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import type { EmbedOptions } from '../cli/embed.js';
import { openJsonlWriter, readJsonl } from '../cli/jsonl.js';
import { collectJobs } from './collect.js';
import type { ShardResult } from './embed-job.js';
import { ATTEMPTS, jobId, QUEUE_NAME, redisConnection, type EmbedJob } from './queue.js';
import { newBatchId } from './sweep.js';

export interface QueuedEmbedOptions extends EmbedOptions {
  redis?: string;
  /** Records per shard (rounded up to whole batches). */
  shardSize: number;
}

/** Checks that the shards cover records 0..total-1 exactly once, each with one row per record. */
export function checkShards(shards: ShardResult[], total: number): void {
  const covered = new Uint8Array(total);
  for (const shard of shards) {
    const rows = shard.text === '' ? 0 : shard.text.split('\n').length - 1;
    if (rows !== shard.rows) throw new Error(`shard ${shard.point}: ${rows} rows, expected ${shard.rows}`);
    if (createHash('sha256').update(shard.text).digest('hex') !== shard.sha256) throw new Error(`shard ${shard.point}: its rows do not match their sha256`);
    for (let i = shard.first; i < shard.first + shard.rows; i++) {
      if (i >= total) throw new Error(`shard ${shard.point}: record ${i + 1} is past the input's ${total}`);
      if (covered[i]) throw new Error(`record ${i + 1} came back twice (shard ${shard.point})`);
      covered[i] = 1;
    }
  }
  const missing = covered.indexOf(0);
  if (missing >= 0) throw new Error(`record ${missing + 1} of ${total} is missing from the shards`);
}

export async function embedOnQueue(options: QueuedEmbedOptions): Promise<number> {
  const records = await readJsonl(options.input);
  const shardSize = Math.ceil(options.shardSize / options.batchSize) * options.batchSize;
  const shards = Math.ceil(records.length / shardSize);
  const id = newBatchId('em');
  const say = (line: string) => process.stderr.write(`wb embed --queue ${id}: ${line}\n`);
  const connection = redisConnection(options.redis);
  const queue = new Queue<EmbedJob, ShardResult>(QUEUE_NAME, { connection });
  queue.on('error', () => undefined);
  const folder = mkdtempSync(join(tmpdir(), 'wb-embed-shards-'));
  const results = new Map<number, ShardResult>();
  try {
    say(`${records.length} records in ${shards} shards of up to ${shardSize}`);
    const rowOptions = { allLayers: options.allLayers, attentions: options.attentions, batchSize: options.batchSize, maxLength: options.maxLength, mix: options.mix, mixGamma: options.mixGamma };
    const failures: string[] = [];
    const outcome = await collectJobs<ShardResult>(queue, {
      batch: id,
      points: shards,
      add: (point) => {
        const part = records.slice(point * shardSize, (point + 1) * shardSize);
        const data: EmbedJob = {
          kind: 'embed',
          sweep: id,
          point,
          model: resolve(options.model),
          engine: options.engine,
          file: options.input,
          first: point * shardSize,
          lines: part.map((r) => JSON.stringify(r.value)),
          lineNumbers: part.map((r) => r.line),
          rowOptions: JSON.parse(JSON.stringify(rowOptions)),
        };
        return queue.add(`shard ${point}`, data, { jobId: jobId(id, point), attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 500 } });
      },
      completed: (point, result) => {
        if (results.has(point)) return;
        writeFileSync(join(folder, `${point}.jsonl`), result.text);
        results.set(point, { ...result, text: '' });
        say(`shard ${point} done by ${result.worker} [${results.size}/${shards}]`);
      },
      failed: (point, job) => failures.push(`shard ${point} failed ${job.attemptsMade} times: ${job.failedReason}`),
      say,
    });
    if (outcome === 'cancelled') return 130;
    if (failures.length > 0) throw new Error(failures.join('\n'));
    const ordered = [...results.values()].sort((a, b) => a.first - b.first).map((r) => ({ ...r, text: readFileSync(join(folder, `${r.point}.jsonl`), 'utf8') }));
    checkShards(ordered, records.length);
    const writer = openJsonlWriter(options.output);
    for (const shard of ordered) for (const line of shard.text.split('\n').slice(0, -1)) writer.write(JSON.parse(line));
    await writer.close();
    say(`wrote ${records.length} rows${options.output ? ` to ${options.output}` : ''}`);
    return 0;
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await queue.close();
    connection.disconnect();
  }
}
