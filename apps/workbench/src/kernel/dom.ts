/**
 * A DOM for kernels that have none (Node, Web Workers), so that Observable Plot renders to SVG
 * markup that goes into the notebook as a static output (it opens in JupyterLab and on GitHub).
 * Plot's colour ramps draw on a canvas; a small canvas stand-in turns those pixels into an SVG
 * image.
 */
import { parseHTML } from 'linkedom';

interface Pixel {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
}

function svgCanvas() {
  const pixels: Pixel[] = [];
  const context = {
    fillStyle: '#000',
    fillRect(x: number, y: number, w: number, h: number) {
      pixels.push({ x, y, w, h, fill: String(context.fillStyle) });
    },
  };
  return {
    width: 300,
    height: 150,
    getContext: (kind: string) => (kind === '2d' ? context : null),
    toDataURL() {
      const rects = pixels.map((p) => `<rect x="${p.x}" y="${p.y}" width="${p.w + 0.5}" height="${p.h}" fill="${p.fill}"/>`).join('');
      const markup = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${this.width} ${this.height}" width="${this.width}" height="${this.height}" preserveAspectRatio="none">${rects}</svg>`;
      return `data:image/svg+xml;base64,${btoa(markup)}`;
    },
  };
}

let shared: Document | undefined;

export function kernelDocument(): Document {
  if (shared) return shared;
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  const createElement = document.createElement.bind(document);
  (document as { createElement: unknown }).createElement = (tag: string, options?: unknown) =>
    tag.toLowerCase() === 'canvas' ? svgCanvas() : createElement(tag, options as ElementCreationOptions);
  shared = document as unknown as Document;
  return shared;
}

/** Markup of a rendered element; standalone SVGs get their namespace (needed when shown as an image). */
export function outerMarkup(element: Element): string {
  if (element.tagName.toLowerCase() === 'svg' && !element.getAttribute('xmlns')) {
    element.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  }
  return element.outerHTML;
}
