/**
 * Markdown cells and text/markdown outputs: marked (GitHub-flavoured) with TeX by KaTeX
 * (`markdown-math.ts`), then sanitised. The page shows KaTeX's HTML (styled by its CSS, which
 * `main.ts` imports) with MathML beside it for screen readers; the HTML export, which carries no
 * style sheets or fonts, gets MathML only, which browsers draw themselves.
 */
import { Marked } from 'marked';
import { markdownMath } from './markdown-math.js';
import { sanitizeHtml } from './sanitize.js';

const options = { gfm: true, breaks: false } as const;
const forPage = new Marked(options, markdownMath('htmlAndMathml'));
const forExport = new Marked(options, markdownMath('mathml'));

/** Markdown as HTML (math as MathML), NOT sanitised: for a sanitiser of the caller's (the HTML export's). */
export function markdownToHtml(source: string): string {
  return forExport.parse(source, { async: false }) as string;
}

export function renderMarkdown(source: string): string {
  return sanitizeHtml(forPage.parse(source, { async: false }) as string);
}
