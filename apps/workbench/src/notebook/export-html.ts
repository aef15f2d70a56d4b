/**
 * A notebook as one self-contained HTML file: code, Markdown and every output inline (SVG,
 * images as data URLs), nothing fetched from the network, so a report can be mailed and opened
 * safely. Markdown, HTML and SVG go through the UI's sanitiser (`ui/sanitize.ts`: no scripts, no
 * forms, no `<meta http-equiv=refresh>`, output CSS scoped to its output), everything else is
 * escaped, and a Content-Security-Policy that lets no script run and no form post is the second
 * line of defence. The run record (`metadata.wb.run`) is summarised at the end, when it is well
 * formed (`run-metadata.ts`).
 */
import { markdownToHtml } from '../ui/markdown.js';
import { readRunRecord } from './run-metadata.js';
import { nodeSanitizer } from './sanitize-node.js';
import type { MimeBundle, Notebook, Output, RunRecord } from './types.js';

const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const ORDER = ['text/html', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/gif', 'text/markdown', 'application/json', 'text/plain'];

function bundleHtml(data: MimeBundle): string {
  const mime = ORDER.find((m) => m in data) ?? Object.keys(data)[0];
  const value = data[mime];
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  switch (mime) {
    case 'text/html':
      return `<div class="rich">${nodeSanitizer().sanitizeHtml(text)}</div>`;
    case 'image/svg+xml':
      return `<div class="rich">${nodeSanitizer().sanitizeSvg(text)}</div>`;
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif': {
      const base64 = text.replace(/\s/g, '');
      return BASE64.test(base64) ? `<img alt="" src="data:${mime};base64,${base64}">` : `<pre>[${escape(mime)} output that is not base64]</pre>`;
    }
    case 'text/markdown':
      return `<div class="md">${nodeSanitizer().sanitizeHtml(markdownToHtml(text))}</div>`;
    default:
      return `<pre>${escape(text.replace(ANSI, ''))}</pre>`;
  }
}

function outputHtml(output: Output): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="${escape(output.name)}">${escape(output.text.replace(ANSI, ''))}</pre>`;
    case 'error':
      return `<pre class="error">${escape(output.traceback.join('\n').replace(ANSI, ''))}</pre>`;
    default:
      return bundleHtml(output.data);
  }
}

function runHtml(nb: Notebook): string {
  const reading = readRunRecord(nb.metadata);
  if ('absent' in reading) return '';
  if ('problem' in reading) return `<p class="run">The run record is malformed (${escape(reading.problem)}), so it is not shown.</p>`;
  const run: RunRecord = reading.run;
  const rows = [
    ['kernel', `${run.kernel}, tfjs backend ${run.backend}${run.node ? `, Node ${run.node}` : ''}`],
    ['run', `${run.started}${run.finished ? ` → ${run.finished}` : ''}`],
    ['seeds', run.seeds.length ? run.seeds.join(', ') : 'none set'],
    ['parameters', run.params && Object.keys(run.params).length ? JSON.stringify(run.params) : 'none'],
    ['packages', Object.entries(run.packages).map(([n, v]) => `${n} ${v}`).join(', ')],
    ...(run.models?.length ? [['hub models', run.models.map((m) => `${m.repo}@${m.commit}`).join(', ')]] : []),
  ];
  const files = Object.entries(run.files)
    .map(([f, { sha256, bytes }]) => `<tr><td>${escape(f)}</td><td>${escape(bytes.toLocaleString('en'))}</td><td><code>${escape(sha256)}</code></td></tr>`)
    .join('');
  return `<details class="run"><summary>How these outputs were made</summary><table>${rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>${
    files ? `<table><tr><th>file read</th><th>bytes</th><th>sha256</th></tr>${files}</table>` : ''
  }</details>`;
}

const STYLE = `
body { font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2430; max-width: 1000px; margin: 32px auto; padding: 0 20px; }
.cell { display: flex; gap: 10px; margin: 10px 0; }
.prompt { flex: 0 0 56px; text-align: right; font: 12px ui-monospace, Menlo, monospace; color: #8a93a3; padding-top: 8px; }
.body { flex: 1; min-width: 0; }
pre { font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; margin: 4px 0; }
pre.code { background: #f7f8fa; border: 1px solid #e3e6ec; border-radius: 6px; padding: 8px 10px; }
pre.stderr, pre.error { background: #fff5f5; border-radius: 6px; padding: 6px 10px; color: #7d1a1a; }
.rich svg, img { max-width: 100%; height: auto; }
.md code, .run code { background: #eef1f6; padding: 1px 4px; border-radius: 4px; font-size: 0.9em; }
.md blockquote { margin: 0.5em 0; padding: 4px 12px; border-left: 3px solid #f5d68a; background: #fffbeb; }
table { border-collapse: collapse; font-size: 12.5px; }
th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #eef0f4; }
td.num { text-align: right; }
.wb-progress { display: flex; gap: 10px; align-items: center; }
.run { margin-top: 32px; color: #364152; }
.run table { margin: 8px 0; }
`;

export function notebookToHtml(nb: Notebook, title: string): string {
  const cells = nb.cells
    .map((cell) => {
      if (cell.cell_type === 'markdown') return `<div class="cell"><div class="prompt"></div><div class="body md">${nodeSanitizer().sanitizeHtml(markdownToHtml(cell.source))}</div></div>`;
      if (cell.cell_type === 'raw') return `<div class="cell"><div class="prompt"></div><div class="body"><pre>${escape(cell.source)}</pre></div></div>`;
      const prompt = escape(`[${cell.execution_count ?? ' '}]:`);
      return `<div class="cell"><div class="prompt">${prompt}</div><div class="body"><pre class="code">${escape(cell.source)}</pre>${cell.outputs.map(outputHtml).join('\n')}</div></div>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${cells}
${runHtml(nb)}
</body>
</html>
`;
}
