// tfjs-core's gradient registrations ship only as extensionless ESM (dist/register_all_gradients.js),
// which Node cannot import. esbuild bundles them into one file that Node loads, and the compiled
// dist/train/gradients.js is pointed at it. The bundle holds its own copy of the core ops the
// gradients call, but tfjs keeps the engine and the gradient registry on the global object, so the
// registrations land where the real tfjs-core looks for them.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
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
const compiled = 'dist/train/gradients.js';
const source = readFileSync(compiled, 'utf8');
if (!source.includes(original)) throw new Error(`${compiled} no longer imports ${original}; update scripts/bundle-gradients.mjs`);
writeFileSync(compiled, source.replace(original, './tfjs-gradients.js'));
