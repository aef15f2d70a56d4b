/** Markdown cells and text/markdown outputs: marked (GitHub-flavoured), then sanitised. */
import { marked } from 'marked';
import { sanitizeHtml } from './sanitize.js';

marked.setOptions({ gfm: true, breaks: false });

export function renderMarkdown(source: string): string {
  return sanitizeHtml(marked.parse(source, { async: false }) as string);
}
