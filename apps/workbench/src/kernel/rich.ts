/**
 * A value that knows how it looks: a MIME bundle (what Jupyter's `IPython.display` objects
 * are). `html`, `svg`, `markdown`, `json` and `image` make one; views and helpers return them.
 */
import type { JsonObject, JsonValue, MimeBundle } from '../notebook/types.js';

export class Rich {
  constructor(
    readonly data: MimeBundle,
    readonly metadata: JsonObject = {},
  ) {}
}

export const html = (markup: string, plain = '[HTML]') => new Rich({ 'text/html': markup, 'text/plain': plain });
export const svg = (markup: string, plain = '[SVG]') => new Rich({ 'image/svg+xml': markup, 'text/plain': plain });
export const markdown = (text: string) => new Rich({ 'text/markdown': text, 'text/plain': text });
export const json = (value: JsonValue) => new Rich({ 'application/json': value, 'text/plain': JSON.stringify(value, null, 2) });

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** PNG, JPEG or GIF bytes (the type is read from the bytes when not given). */
export function image(bytes: Uint8Array, mime?: string): Rich {
  const type = mime ?? imageType(bytes);
  if (!type) throw new Error('image: not PNG, JPEG or GIF bytes (pass the MIME type)');
  return new Rich({ [type]: base64(bytes), 'text/plain': `[${type}, ${bytes.length} bytes]` });
}

export function imageType(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'image/gif';
  return undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
