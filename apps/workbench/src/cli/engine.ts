/**
 * `--engine tfjs|onnxruntime` for the commands that run a model's encoder (`wb embed`, `wb eval
 * wic|senseval|probe`). The loaders in core take the choice; nothing else in a command changes.
 */
import { Option, type Command } from 'commander';
import { defaultThreadCount, ENCODER_ENGINES, type EncoderEngine, type EngineOptions } from '@wb/core/node';

export function engineOption(): Option {
  return new Option('--engine <name>', 'what runs the encoder: tfjs (every model) or onnxruntime (BERT encoders, faster on CPU)')
    .choices([...ENCODER_ENGINES])
    .default('tfjs');
}

/** The engine a command's options ask for, with the program's `--threads` (else WB_THREADS, else the cores). */
export function engineSettings(command: Command): Required<EngineOptions> {
  const { engine, threads } = command.optsWithGlobals<{ engine?: EncoderEngine; threads?: string }>();
  return { engine: engine ?? 'tfjs', threads: defaultThreadCount(threads) };
}
