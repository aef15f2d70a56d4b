/** Markdown cells and text/markdown outputs: marked (GitHub-flavoured), then sanitised. */
import { marked } from 'marked';
import { sanitizeHtml } from './sanitize.js';

marked.setOptions({ gfm: true, breaks: false });

/** Markdown as HTML, NOT sanitised: for a sanitiser of the caller's (the HTML export's). */
export function markdownToHtml(source: string): string {
  return marked.parse(source, { async: false }) as string;
}

export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdownToHtml(source));
}
