/**
 * The sanitiser the UI and the HTML export share (`ui/sanitize.ts`), here over jsdom's DOM as the
 * export uses it: no scripts, handlers, forms, refreshes or base URLs, and output CSS scoped to its
 * output — checked in Chromium, where `@scope` must keep an output's rules off the page around it.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../test/support/browser.js';
import { notebookToHtml } from '../src/notebook/export-html.js';
import { emptyNotebook } from '../src/notebook/new.js';
import { nodeSanitizer } from '../src/notebook/sanitize-node.js';
import type { Notebook, Output } from '../src/notebook/types.js';
import { scopeStyleSheet } from '../src/ui/sanitize.js';

const { sanitizeHtml, sanitizeSvg } = nodeSanitizer();

describe('sanitizeHtml', () => {
  it('removes scripts, handlers, javascript: links, forms, refreshes, base URLs and frames', () => {
    const dirty = [
      '<p onclick="steal()">hi<script>alert(1)</script><img src=x onerror=alert(2)></p>',
      '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
      '<form action="http://evil.example/"><input name=a><button>go</button></form>',
      '<a href="javascript:alert(3)">x</a><base href="http://evil.example/"><link rel=stylesheet href=http://evil.example/>',
      '<iframe src="http://evil.example/"></iframe><svg><a href="javascript:alert(4)"><text>t</text></a></svg>',
    ].join('');
    const clean = sanitizeHtml(dirty);
    for (const bad of ['<script', 'onclick', 'onerror', 'javascript:', '<meta', '<form', '<input', '<button', '<base', '<link', '<iframe']) {
      expect(clean, bad).not.toContain(bad);
    }
    expect(clean).toContain('<p>hi<img src="x"></p>');
  });

  it('keeps an output’s style, scoped to the element that holds it', () => {
    expect(sanitizeHtml('<p>x</p><style>p { color: red }</style>')).toBe('<p>x</p><style>@scope {\np { color: red }\n}</style>');
    expect(sanitizeSvg('<svg><style>text{fill:red}</style><text>a</text></svg>')).toBe('<svg><style>@scope {\ntext{fill:red}\n}</style><text>a</text></svg>');
  });

  it('empties a style sheet that would close the scope and style the page', () => {
    expect(sanitizeHtml('<p>x</p><style>} body { display: none } p {</style>')).toBe('<p>x</p><style></style>');
  });
});

describe('scopeStyleSheet', () => {
  it('counts braces outside strings and comments only', () => {
    expect(scopeStyleSheet('a::after { content: "}" } /* } */ b { }')).toBe('@scope {\na::after { content: "}" } /* } */ b { }\n}');
    expect(scopeStyleSheet("a { content: '\\'}' }")).toBe("@scope {\na { content: '\\'}' }\n}");
    expect(scopeStyleSheet('@media (min-width: 1px) { p { color: red } }')).toBe('@scope {\n@media (min-width: 1px) { p { color: red } }\n}');
    for (const bad of ['}', 'a {', 'a { } }', '/* unclosed', 'a { content: "open }', 'a { content: "new\nline" }']) expect(scopeStyleSheet(bad), bad).toBeUndefined();
  });
});

describe('HTML export', () => {
  const exportOf = (outputs: Output[], metadata: Notebook['metadata'] = {}) =>
    notebookToHtml({ ...emptyNotebook(), metadata, cells: [{ id: 'c', cell_type: 'code', metadata: {}, source: '1 < 2', execution_count: 3, outputs }] }, 't<i>tle');

  it('escapes the file table of the run record, the title and the code', () => {
    const html = exportOf([], {
      wb: { run: { kernel: 'node', backend: 'wasm', started: 'a', seeds: [], packages: {}, files: { '<b>f</b>': { sha256: '<script>alert(1)</script>', bytes: 3 } } } },
    });
    expect(html).toContain('<td>&lt;b&gt;f&lt;/b&gt;</td><td>3</td><td><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></td>');
    expect(html).toContain('<title>t&lt;i&gt;tle</title>');
    expect(html).toContain('<pre class="code">1 &lt; 2</pre>');
    expect(html).not.toContain('<script>');
  });

  it('reports a malformed run record instead of failing', () => {
    for (const [run, problem] of [
      ['yes', 'metadata.wb.run is not an object'],
      [{ kernel: 'node', backend: 'wasm', started: 'a', seeds: [], packages: {}, files: { f: { sha256: 1, bytes: 2 } } }, 'metadata.wb.run.files["f"]: expected { "sha256": string, "bytes": number }'],
      [{ kernel: 'node', backend: 'wasm', started: 'a', seeds: [], packages: [] , files: {} }, 'metadata.wb.run.packages: expected an object of version strings'],
    ] as const) {
      expect(exportOf([], { wb: { run } as never })).toContain(`The run record is malformed (${problem.replace(/"/g, '&quot;')}), so it is not shown.`);
    }
  });

  it('sanitises HTML, SVG and Markdown outputs, and refuses image data that is not base64', () => {
    const html = exportOf([
      { output_type: 'display_data', metadata: {}, data: { 'text/html': '<b onmouseover="x()">b</b><meta http-equiv="refresh" content="0;url=http://evil.example/">' } },
      { output_type: 'display_data', metadata: {}, data: { 'image/svg+xml': '<svg onload="x()"><script>alert(1)</script></svg>' } },
      { output_type: 'display_data', metadata: {}, data: { 'text/markdown': '[a](javascript:alert(1)) <form action="http://evil.example/"></form>' } },
      { output_type: 'display_data', metadata: {}, data: { 'image/png': 'AAAA"><script>alert(1)</script>' } },
    ]);
    for (const bad of ['onmouseover', 'http-equiv="refresh"', 'onload', '<script>', 'javascript:', '<form']) expect(html, bad).not.toContain(bad);
    expect(html).toContain('<pre>[image/png output that is not base64]</pre>');
    expect(html).toContain("form-action 'none'");
  });
});

describe.runIf(browserAvailable())('scoped output CSS in Chromium', () => {
  it('styles its own output and nothing else on the page', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const output = sanitizeHtml('<p id="inside">in</p><style>p { color: rgb(255, 0, 0) } :scope { border: 1px solid }</style>');
      await page.setContent(`<p id="outside">out</p><div id="output">${output}</div>`);
      const color = (id: string) => page.evaluate((i) => getComputedStyle(document.getElementById(i)!).color, id);
      expect(await color('inside')).toBe('rgb(255, 0, 0)');
      expect(await color('outside')).toBe('rgb(0, 0, 0)');
    } finally {
      await browser.close();
    }
  });
});
