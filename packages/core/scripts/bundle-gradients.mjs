// tfjs-core's gradient registrations ship only as extensionless ESM (dist/register_all_gradients.js),
// which Node cannot import. esbuild bundles them into dist/train/tfjs-gradients.js, the file that
// dist/train/gradients.js imports (src/train/tfjs-gradients.js plays that part for bundlers). The bundle holds its own copy of the core ops the
// gradients call, but tfjs keeps the engine and the gradient registry on the global object, so the
// registrations land where the real tfjs-core looks for them.
import { build } from 'esbuild';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const original = '@tensorflow/tfjs-core/dist/register_all_gradients.js';
await build({
  entryPoints: [require.resolve(original)],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: 'dist/train/tfjs-gradients.js',
  logLevel: 'warning',
  legalComments: 'none',
});
