/**
 * The UI's sanitiser (`ui/sanitize.ts`, the same DOMPurify rules) outside a browser, for the HTML
 * export: DOMPurify needs a DOM, and jsdom's is a spec-compliant HTML parser (what a browser will
 * make of the sanitised markup is what DOMPurify saw). Made on first use: jsdom takes a moment.
 */
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { createSanitizer, type Purifier, type Sanitizer } from '../ui/sanitize.js';

let sanitizer: Sanitizer | undefined;

export function nodeSanitizer(): Sanitizer {
  sanitizer ??= createSanitizer(createDOMPurify(new JSDOM('').window as unknown as Window & typeof globalThis) as unknown as Purifier);
  return sanitizer;
}
