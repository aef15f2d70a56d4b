/**
 * TeX in Markdown (`ui/markdown-math.ts`), as the HTML export renders it (MathML; the page adds
 * KaTeX's HTML): what is math, and what stays text — dollar amounts, code, escaped dollars.
 */
import { describe, expect, it } from 'vitest';
import { nodeSanitizer } from '../src/notebook/sanitize-node.js';
import { markdownToHtml } from '../src/ui/markdown.js';

const html = (source: string) => nodeSanitizer().sanitizeHtml(markdownToHtml(source));
/** The TeX of every formula, with whether it is displayed. */
const formulas = (source: string) =>
  [...html(source).matchAll(/<math[^>]*?( display="block")?>.*?<annotation encoding="application\/x-tex">(.*?)<\/annotation>/gs)].map((m) => `${m[1] ? 'display' : 'inline'}: ${m[2]}`);

describe('math in Markdown', () => {
  it('typesets $…$ inline and $$…$$ displayed, in a paragraph or as a block', () => {
    expect(formulas('Energy is $E=mc^2$ here.')).toEqual(['inline: E=mc^2']);
    expect(formulas('so $$a_1 * b_1$$ holds')).toEqual(['display: a_1 * b_1']);
    // A block keeps lines that Markdown would read as a list or a heading.
    expect(formulas('$$\n- x\n+ y\n$$\n\nafter')).toEqual(['display: - x\n+ y']);
    expect(html('$$\n- x\n+ y\n$$')).not.toContain('<li>');
    // Underscores and asterisks inside math are TeX, not emphasis.
    expect(formulas('$a_i * b_j$ and $c_k$')).toEqual(['inline: a_i * b_j', 'inline: c_k']);
  });

  it('leaves dollar amounts, code and escaped dollars as written', () => {
    expect(html('The tickets cost $5 and $10.')).toBe('<p>The tickets cost $5 and $10.</p>\n');
    expect(html('from $ 5 to $ 10')).toBe('<p>from $ 5 to $ 10</p>\n');
    expect(html('between $x$5')).toBe('<p>between $x$5</p>\n');
    expect(html('In code `$x$` and `a $b` too')).toBe('<p>In code <code>$x$</code> and <code>a $b</code> too</p>\n');
    // A code span after a dollar amount is not the end of a formula.
    expect(html('costs $5 `x$`')).toBe('<p>costs $5 <code>x$</code></p>\n');
    expect(html('```\nconst price = "$3 and $4$";\n```')).toBe('<pre><code>const price = "$3 and $4$";\n</code></pre>\n');
    expect(html('a \\$x$ b')).toBe('<p>a $x$ b</p>\n');
  });

  it('shows TeX that does not parse as its source, without failing the cell', () => {
    const broken = html('see $\\frac{1}{$ here');
    expect(broken).toContain('katex-error');
    expect(broken).toContain('\\frac{1}{');
  });
});
