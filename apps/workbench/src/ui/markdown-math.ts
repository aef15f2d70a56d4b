/**
 * TeX in Markdown, rendered by KaTeX, as JupyterLab reads it: `$…$` inline, `$$…$$` displayed
 * (inside a paragraph or as a block of its own). Marked's own tokenizers take code spans and code
 * blocks first, so a `$` in code stays a `$`. A lone dollar amount stays text too, by Pandoc's rule
 * (which JupyterLab's renderer follows in practice): an opening `$` has a non-space after it, a
 * closing `$` has a non-space before it and no digit after it, so "$5 and $10" is not math.
 * `\$` is a literal dollar (Markdown's escape).
 */
import katex from 'katex';
import type { MarkedExtension, Tokens } from 'marked';

export type MathOutput = 'html' | 'mathml' | 'htmlAndMathml';

/** `$$ … $$` at the start of a block (it may hold blank lines and lines that look like Markdown). */
const BLOCK = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/;
/** `$$ … $$` inside a paragraph. */
const INLINE_DISPLAY = /^\$\$([\s\S]+?)\$\$/;
/** `$ … $` by Pandoc's rule; no backtick inside, so that math never swallows the start of a code span. */
const INLINE = /^\$(?![\s$])((?:\\[\s\S]|[^\\$`])+?)(?<!\s)\$(?!\d)/;

interface MathToken extends Tokens.Generic {
  tex: string;
  display: boolean;
}

/** A TeX formula as HTML; a formula KaTeX cannot parse is shown as its source, in red, with the error as its title. */
export function renderTex(tex: string, display: boolean, output: MathOutput): string {
  return katex.renderToString(tex.trim(), { displayMode: display, throwOnError: false, output, strict: 'ignore' });
}

export function markdownMath(output: MathOutput): MarkedExtension {
  const render = (token: Tokens.Generic) => renderTex((token as MathToken).tex, (token as MathToken).display, output);
  return {
    extensions: [
      {
        name: 'mathBlock',
        level: 'block',
        start: (src) => src.match(/^ {0,3}\$\$|\n {0,3}\$\$/)?.index,
        tokenizer(src) {
          const match = BLOCK.exec(src);
          if (match) return { type: 'mathBlock', raw: match[0], tex: match[1], display: true } satisfies MathToken;
          return undefined;
        },
        renderer: (token) => `<p>${render(token)}</p>\n`,
      },
      {
        name: 'math',
        level: 'inline',
        start: (src) => src.indexOf('$') >= 0 ? src.indexOf('$') : undefined,
        tokenizer(src) {
          const display = INLINE_DISPLAY.exec(src);
          if (display) return { type: 'math', raw: display[0], tex: display[1], display: true } satisfies MathToken;
          const inline = INLINE.exec(src);
          if (inline) return { type: 'math', raw: inline[0], tex: inline[1], display: false } satisfies MathToken;
          return undefined;
        },
        renderer: render,
      },
    ],
  };
}
