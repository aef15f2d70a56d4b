// The peers of the encoder benchmark, on the shape ours just ran: ONNX Runtime (onnxruntime-node)
// on the same random weights exported by our ONNX exporter, as the onnxruntime engine runs them
// (contrib-op graph) and as `wb export onnx` writes them (standard operators); and PyTorch
// (bench/peers/torch_encoder.py), when a python with torch is there. One JSON line each, then the
// ratios. A peer that cannot run prints {"peer": ..., "skipped": reason}.
import { bertToOnnx, defaultThreadCount, onnxRuntimeSessionOptions } from '@wb/core/node';
import { ratio, runTorchPeer } from './pytorch.mjs';

/** `ours`: the tokens/s our tfjs encoder line reported for this shape. */
export async function encoderPeers({ shape, config, weights, ours }) {
  const threads = defaultThreadCount();
  const base = { bench: 'encoder', shape: shape.name, layers: shape.layers, hidden: shape.hidden, batch: shape.batch, seq: shape.seq };
  const runs = Math.max(shape.runs, 3);

  const onnx = {};
  for (const graph of ['contrib', 'standard']) {
    const line = await onnxRuntime(config, weights, shape, { contribOps: graph === 'contrib', threads, runs });
    console.log(JSON.stringify({ ...base, peer: 'onnxruntime', graph, ...line }));
    onnx[graph] = line.tokens_per_s;
  }

  const torch = runTorchPeer('torch_encoder.py', {
    layers: shape.layers,
    hidden: shape.hidden,
    heads: shape.heads,
    intermediate: shape.intermediate,
    batch: shape.batch,
    seq: shape.seq,
    runs,
    threads,
  });
  console.log(JSON.stringify({ ...base, peer: 'pytorch', ...torch }));

  const engine = onnx.contrib ?? onnx.standard;
  console.log(
    JSON.stringify({
      bench: 'encoder',
      shape: shape.name,
      // What `wb embed`/`wb eval` run a BERT on by default (`--engine auto`): the contrib graph.
      wb_default_engine: 'onnxruntime',
      ratios: {
        wb_default_engine_vs_pytorch: ratio(engine, torch.tokens_per_s),
        tfjs_vs_pytorch: ratio(ours, torch.tokens_per_s),
        tfjs_vs_onnxruntime: ratio(ours, engine),
        contrib_vs_standard_graph: ratio(onnx.contrib, onnx.standard),
      },
    }),
  );
}

async function onnxRuntime(config, weights, shape, { contribOps, threads, runs }) {
  let ort;
  try {
    ort = (await import('onnxruntime-node')).default;
  } catch (error) {
    return { skipped: `onnxruntime-node does not load: ${error.message}` };
  }
  const session = await ort.InferenceSession.create(bertToOnnx(config, weights, { contribOps }), onnxRuntimeSessionOptions(threads));
  const n = shape.batch * shape.seq;
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(1000 + ((i * 7919) % 19000)));
  const int64 = (values) => new ort.Tensor('int64', values, [shape.batch, shape.seq]);
  const feeds = { input_ids: int64(ids), attention_mask: int64(new BigInt64Array(n).fill(1n)), token_type_ids: int64(new BigInt64Array(n)) };
  const forward = () => session.run(feeds, ['last_hidden_state']);
  await forward(); // warm-up: plans memory, picks kernels
  const start = performance.now();
  for (let r = 0; r < runs; r++) await forward();
  const seconds = (performance.now() - start) / 1000 / runs;
  await session.release();
  return { threads, seconds_per_batch: +seconds.toFixed(3), tokens_per_s: +(n / seconds).toFixed(1) };
}
