/**
 * A shard of `wb embed --queue`, on a worker: the shard's JSONL lines through the same
 * `embeddingRows` as `wb embed`, serialised as `wb embed` writes them, so that the assembled
 * output is the unsharded output byte for byte. The model is loaded once per worker process and
 * kept for the next shard.
 */
import { createHash } from 'node:crypto';
import { loadModel, type LanguageModel } from '@wb/core/node';
import { embeddingRows, inputOf } from '../cli/embed.js';
import type { EmbedJob } from './queue.js';

/** What a shard hands back: its text, and what the assembler checks it by. */
export interface ShardResult {
  point: number;
  /** Index (among the input's records) of the shard's first record. */
  first: number;
  /** Rows written: one per record. */
  rows: number;
  text: string;
  sha256: string;
  worker: string;
}

const models = new Map<string, Promise<LanguageModel>>();

export async function runEmbedJob(data: EmbedJob, worker: string): Promise<ShardResult> {
  const engine = { engine: data.engine ?? 'tfjs', attentions: data.rowOptions.attentions };
  const key = `${engine.engine}:${engine.attentions ? 'attentions:' : ''}${data.model}`;
  if (!models.has(key)) models.set(key, loadModel(data.model, engine));
  const model = await models.get(key)!;
  const inputs = data.lines.map((text, i) => inputOf(model, { line: data.lineNumbers[i], value: JSON.parse(text) }, data.file));
  let text = '';
  for await (const row of embeddingRows(model, inputs, { file: data.file, lines: data.lineNumbers }, data.rowOptions)) text += JSON.stringify(row) + '\n';
  return { point: data.point, first: data.first, rows: inputs.length, text, sha256: createHash('sha256').update(text).digest('hex'), worker };
}
