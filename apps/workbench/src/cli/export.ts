/** `wb export onnx`: a BERT folder's encoder as an ONNX model, alone or in a Transformers.js folder. */
import { Command } from 'commander';
import { exportBertOnnx } from '@wb/core/node';

export function exportCommand(): Command {
  return new Command('export').description('Write a model in another format').addCommand(
    new Command('onnx')
      .description(
        'The BERT encoder (opset 17, dynamic batch and sequence, int64 input_ids/attention_mask/token_type_ids → ' +
          'last_hidden_state, hidden_states.0..N, pooler_output). An --out ending in .onnx gets the model alone; ' +
          'any other --out becomes a Transformers.js folder: onnx/model.onnx beside config.json and the tokenizer files',
      )
      .requiredOption('--model <dir>', 'BERT folder (or hub id)')
      .requiredOption('--out <path>', 'model.onnx file, or a folder to lay out for Transformers.js')
      .action((opts: { model: string; out: string }) => {
        const { files, bytes } = exportBertOnnx(opts.model, opts.out);
        process.stdout.write(JSON.stringify({ model: opts.model, onnx: files[0], bytes, files }) + '\n');
      }),
  );
}
