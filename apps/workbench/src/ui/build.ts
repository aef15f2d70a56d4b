/**
 * Bundles the notebook UI for the browser with esbuild: src/ui/main.ts (and the CSS it imports)
 * → dist/ui/assets/, plus dist/ui/index.html, and the browser kernel's worker → dist/ui/assets/kernel/.
 * Run by `npm run build` after tsc.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildKernelWorker } from './build-worker.js';

const src = fileURLToPath(new URL('../../src/ui/', import.meta.url));
const out = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wb · workbench</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%233b5bdb'/%3E%3Ctext x='8' y='12' font-size='10' text-anchor='middle' fill='white' font-family='sans-serif'%3Ewb%3C/text%3E%3C/svg%3E">
<link rel="stylesheet" href="/assets/main.css">
<script type="module" src="/assets/main.js"></script>
</head>
<body><div id="app"></div></body>
</html>
`;

export async function buildUi(): Promise<void> {
  mkdirSync(`${out}assets`, { recursive: true });
  await build({
    entryPoints: [`${src}main.ts`],
    bundle: true,
    format: 'esm',
    // Shared code in chunks: Observable Plot loads only when the runs page draws a chart.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    outdir: `${out}assets`,
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    // KaTeX's fonts, referenced by its CSS: copied beside the bundle under hashed names.
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
    assetNames: 'fonts/[name]-[hash]',
    logLevel: 'warning',
  });
  writeFileSync(`${out}index.html`, page);
  await buildKernelWorker(`${out}assets/kernel`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildUi();
}
