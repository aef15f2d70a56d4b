/**
 * Renders nbformat outputs: the richest MIME type the bundle has, as JupyterLab picks it.
 * HTML, SVG and Markdown are sanitised; text is text.
 */
import type { MimeBundle, Output } from '../notebook/types.js';
import { renderMarkdown } from './markdown.js';
import { sanitizeHtml, sanitizeSvg } from './sanitize.js';

const ORDER = ['text/html', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/gif', 'text/markdown', 'application/json', 'text/plain'];

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function text(value: unknown): string {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function pre(content: string, className = ''): HTMLElement {
  const el = document.createElement('pre');
  el.className = className;
  el.textContent = content.replace(ANSI, '');
  return el;
}

export function renderBundle(data: MimeBundle): HTMLElement {
  const mime = ORDER.find((m) => m in data) ?? Object.keys(data)[0];
  const value = data[mime];
  const el = document.createElement('div');
  el.className = 'wb-mime';
  el.dataset.mime = mime;
  switch (mime) {
    case 'text/html':
      el.innerHTML = sanitizeHtml(text(value));
      break;
    case 'image/svg+xml':
      el.innerHTML = sanitizeSvg(text(value));
      break;
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif': {
      const img = document.createElement('img');
      img.src = `data:${mime};base64,${text(value).replace(/\s/g, '')}`;
      img.alt = text(data['text/plain'] ?? mime);
      el.append(img);
      break;
    }
    case 'text/markdown':
      el.classList.add('wb-markdown');
      el.innerHTML = renderMarkdown(text(value));
      break;
    case 'application/json':
      el.append(pre(JSON.stringify(value, null, 2), 'wb-json'));
      break;
    default:
      el.append(pre(text(value ?? '')));
  }
  return el;
}

export function renderOutput(output: Output): HTMLElement {
  const el = document.createElement('div');
  el.className = `wb-output wb-output-${output.output_type}`;
  switch (output.output_type) {
    case 'stream':
      el.classList.add(`wb-${output.name}`);
      el.append(pre(output.text));
      break;
    case 'error': {
      const lines = output.traceback.length ? output.traceback : [`${output.ename}: ${output.evalue}`];
      const body = pre(lines.join('\n'), 'wb-traceback');
      el.append(body);
      break;
    }
    default:
      el.append(renderBundle(output.data));
  }
  return el;
}
