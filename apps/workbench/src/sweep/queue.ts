/**
 * What `wb sweep` (and `wb embed --queue`) and `wb worker` agree on: the BullMQ queue, how a Redis
 * URL becomes a connection, and the jobs' data. Job ids are `<sweep>-<point>`: adding a job
 * again (after a Redis restart lost it) is then a no-op when the job is still there.
 */
import { Redis } from 'ioredis';
import type { EncoderEngine } from '@wb/core/node';
import type { JsonValue } from '../notebook/types.js';
import type { CommandJob } from './command-job.js';

export const QUEUE_NAME = 'wb-jobs';
/** A job that fails this many times is reported with its error; the sweep goes on without it. */
export const ATTEMPTS = 3;

export interface NotebookJob {
  kind: 'notebook';
  sweep: string;
  point: number;
  /** The notebook's path on the submitting machine (its folder is the cwd when it exists here too). */
  notebook: string;
  /** The notebook itself, so that a worker runs what was submitted. */
  source: string;
  params: Record<string, JsonValue>;
}

export interface EmbedJob {
  kind: 'embed';
  /** The `wb embed --queue` call's id. */
  sweep: string;
  /** The shard's number. */
  point: number;
  /** Model folder (as resolved on the submitting machine; the same path must hold it on the worker). */
  model: string;
  engine?: EncoderEngine;
  /** The input's name, for errors that name a line. */
  file: string;
  /** Index (among the input's records) of the shard's first record. */
  first: number;
  /** The shard's JSONL lines, and their line numbers in the input. */
  lines: string[];
  lineNumbers: number[];
  /** `wb embed`'s row options. */
  rowOptions: { allLayers?: boolean; attentions?: boolean; batchSize: number; maxLength?: number; mix?: number[]; mixGamma?: number };
}

export type JobData = NotebookJob | CommandJob | EmbedJob;

export const jobId = (sweep: string, point: number): string => `${sweep}-${point}`;

/**
 * A connection to `redis://[user:password@]host:port[/db]`; bad input is named. Each queue and
 * worker gets its own (BullMQ takes a client, not options, under ESM).
 */
export function redisConnection(url: string | undefined): Redis {
  if (!url) throw new Error('no Redis: pass --redis redis://host:port or set WB_REDIS_URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--redis: expected redis://host:port, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:') throw new Error(`--redis: expected a redis:// URL, got "${url}"`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`--redis: "${parsed.pathname.slice(1)}" is not a database number in "${url}"`);
  return new Redis({
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    // BullMQ's blocking commands must wait out a Redis restart rather than fail.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  });
}
