/**
 * Everything that came from a notebook (Markdown, HTML and SVG outputs) goes through DOMPurify
 * before it touches a page: no scripts, no event handlers, no javascript: links, no forms, no
 * `<meta http-equiv=refresh>`, no `<base>`. The page's Content-Security-Policy is the second line
 * of defence.
 *
 * An output's `<style>` is kept but scoped: its rules are wrapped in `@scope { … }`, which limits
 * them to the element that holds the `<style>` (the output), so an output cannot restyle the app
 * around it. A style sheet whose braces do not balance (one that would close the scope early) is
 * emptied.
 *
 * The same rules serve the UI (the browser's DOMPurify, `sanitizeHtml`) and the HTML export
 * (`createSanitizer` over a DOMPurify made with jsdom's window, in `notebook/sanitize-node.ts`).
 */
import DOMPurify from 'dompurify';

/** The DOMPurify instance methods used here (the default export, or one made for another window). */
export interface Purifier {
  sanitize(dirty: string, config: Record<string, unknown>): unknown;
  addHook(entryPoint: 'afterSanitizeAttributes' | 'uponSanitizeElement', hook: (node: Element) => void): void;
}

export interface Sanitizer {
  sanitizeHtml(html: string): string;
  sanitizeSvg(svg: string): string;
}

/**
 * The style sheet's rules limited to the `<style>` element's parent, or undefined when its braces
 * do not balance outside comments and strings (such a sheet could end the scope and style the page).
 */
export function scopeStyleSheet(css: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < css.length && css[j] !== c) {
        if (css[j] === '\\') j++;
        else if (css[j] === '\n') return undefined;
        j++;
      }
      if (j >= css.length) return undefined;
      i = j;
    } else if (c === '\\') {
      i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (--depth < 0) return undefined;
    }
  }
  return depth === 0 ? `@scope {\n${css}\n}` : undefined;
}

/** The sanitising functions over one DOMPurify instance (adds its hooks once). */
export function createSanitizer(purify: Purifier): Sanitizer {
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  purify.addHook('uponSanitizeElement', (node) => {
    if (node.nodeName?.toLowerCase() !== 'style') return;
    // Emptied rather than removed: DOMPurify is walking the tree this node is in.
    node.textContent = scopeStyleSheet(node.textContent ?? '') ?? '';
  });
  return {
    sanitizeHtml: (html) =>
      purify.sanitize(html, {
        // MathML: the formulas of Markdown cells (KaTeX writes it beside its HTML, the export writes only it).
        USE_PROFILES: { html: true, svg: true, svgFilters: true, mathMl: true },
        // <semantics>/<annotation>: where KaTeX keeps a formula's TeX source (text only).
        ADD_TAGS: ['style', 'semantics', 'annotation'],
        FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'meta', 'base', 'link'],
      }) as string,
    sanitizeSvg: (svg) =>
      purify.sanitize(svg, {
        USE_PROFILES: { svg: true, svgFilters: true },
        ADD_TAGS: ['style'],
      }) as string,
  };
}

let pageSanitizer: Sanitizer | undefined;

/** The page's sanitizer, made on first use (importing this module in Node, without a window, costs nothing). */
function page(): Sanitizer {
  pageSanitizer ??= createSanitizer(DOMPurify as unknown as Purifier);
  return pageSanitizer;
}

export function sanitizeHtml(html: string): string {
  return page().sanitizeHtml(html);
}

export function sanitizeSvg(svg: string): string {
  return page().sanitizeSvg(svg);
}
