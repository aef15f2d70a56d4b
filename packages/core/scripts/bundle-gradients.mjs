// tfjs-core's gradient registrations ship only as extensionless ESM (dist/register_all_gradients.js),
// which Node cannot import. esbuild bundles them into one file that Node loads. The bundle holds its
// own copy of the core ops the gradients call, but tfjs keeps the engine and the gradient registry
// on the global object, so the registrations land where the real tfjs-core looks for them.
import { build } from 'esbuild';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: 'dist/train/tfjs-gradients.js',
  logLevel: 'warning',
  legalComments: 'none',
});
