/**
 * `--engine auto|tfjs|onnxruntime` for the commands that run a model's encoder (`wb embed`, `wb eval
 * wic|senseval|probe|sense-gap`). The loaders in core take the choice; nothing else in a command
 * changes. The default, auto, is ONNX Runtime for BERT encoders (3.7–4.7× faster than tfjs-wasm on
 * this kind of CPU, hidden states within 1e-4: bench/README.md) and tfjs for everything else.
 */
import { Option, type Command } from 'commander';
import { defaultThreadCount, ENCODER_ENGINES, type EncoderEngine, type EngineOptions } from '@wb/core/node';

export function engineOption(): Option {
  return new Option('--engine <name>', 'what runs the encoder: onnxruntime (BERT and DistilBERT encoders, faster on CPU), tfjs (every model), or auto (onnxruntime where it runs the model)')
    .choices([...ENCODER_ENGINES])
    .default('auto');
}

/** The engine a command's options ask for, with the program's `--threads` (else WB_THREADS, else the cores). */
export function engineSettings(command: Command): Required<Pick<EngineOptions, 'engine' | 'threads'>> {
  const { engine, threads } = command.optsWithGlobals<{ engine?: EncoderEngine; threads?: string }>();
  return { engine: engine ?? 'auto', threads: defaultThreadCount(threads) };
}
