/**
 * `wb generate`: a prompt continued by a causal LM (GPT-2), greedy by default or sampled with
 * --temperature / --top-k / --top-p from --seed; one JSON object {prompt, prompt_ids, new_ids, text}.
 */
import { loadModel, type GenerateOptions } from '@wb/core/node';

export interface GenerateCommandOptions {
  model: string;
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

export async function generate(prompt: string, options: GenerateCommandOptions): Promise<void> {
  const model = await loadModel(options.model);
  try {
    const settings: GenerateOptions = {
      maxNewTokens: options.maxNewTokens,
      temperature: options.temperature,
      topK: options.topK,
      topP: options.topP,
      seed: options.seed,
    };
    const out = await model.generate(prompt, settings);
    process.stdout.write(JSON.stringify({ prompt: out.prompt, prompt_ids: out.promptIds, new_ids: out.newIds, text: out.text }) + '\n');
  } finally {
    model.dispose();
  }
}
