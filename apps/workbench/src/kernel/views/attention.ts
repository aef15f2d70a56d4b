/**
 * The attention head view (as bertviz draws it): the tokens twice, queries on the left and keys
 * on the right, a line from each query to each key as strong as the attention weight; one head,
 * or every head at once in its own colour.
 */
import { escapeHtml, Rich } from '../rich.js';

export interface AttentionViewOptions {
  /** Which head of a [heads][query][key] array; 'all' (default) overlays every head. */
  head?: number | 'all';
  title?: string;
  /** Weights below this are not drawn (default 0.05: keeps the view readable and the SVG small). */
  threshold?: number;
}

const PALETTE = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab', '#1f77b4', '#d62728'];

type Matrix = ArrayLike<ArrayLike<number>>;

function asHeads(attention: Matrix | ArrayLike<Matrix>): Matrix[] {
  const first = (attention as ArrayLike<unknown>)[0] as ArrayLike<unknown> | undefined;
  const isHeads = first !== undefined && typeof (first[0] as ArrayLike<number>)?.length === 'number';
  return isHeads ? Array.from(attention as ArrayLike<Matrix>) : [attention as Matrix];
}

export function attentionView(tokens: string[], attention: Matrix | ArrayLike<Matrix>, options: AttentionViewOptions = {}): Rich {
  const all = asHeads(attention);
  const n = tokens.length;
  all.forEach((m, h) => {
    if (m.length !== n || Array.from(m).some((row) => row.length !== n)) {
      throw new Error(`views.attention: head ${h} is not ${n}×${n} (one row and column per token)`);
    }
  });
  const which = options.head ?? 'all';
  if (which !== 'all' && (which < 0 || which >= all.length)) throw new Error(`views.attention: head ${which} does not exist (0..${all.length - 1})`);
  const heads = which === 'all' ? all.map((m, h) => ({ m, h })) : [{ m: all[which], h: which }];
  const threshold = options.threshold ?? 0.05;
  const rowH = 22;
  const longest = Math.max(...tokens.map((t) => t.length), 4);
  const textW = longest * 7.5 + 12;
  const gap = 220;
  const top = options.title ? 54 : 34;
  const width = textW * 2 + gap + 20;
  const height = top + n * rowH + 10;
  const leftX = textW + 4;
  const rightX = textW + gap + 16;
  const y = (i: number) => top + i * rowH + rowH / 2;
  const lines: string[] = [];
  for (const { m, h } of heads) {
    const colour = PALETTE[h % PALETTE.length];
    for (let q = 0; q < n; q++) {
      for (let k = 0; k < n; k++) {
        const w = m[q][k];
        if (w < threshold) continue;
        const opacity = Math.min(1, which === 'all' ? w * 0.9 : w);
        lines.push(
          `<line x1="${leftX + 6}" y1="${y(q)}" x2="${rightX - 6}" y2="${y(k)}" stroke="${colour}" stroke-width="${(1 + 3 * w).toFixed(2)}" stroke-opacity="${opacity.toFixed(3)}"/>`,
        );
      }
    }
  }
  const label = (t: string, i: number, x: number, anchor: string) =>
    `<text x="${x}" y="${y(i)}" dy="0.35em" text-anchor="${anchor}">${escapeHtml(t)}</text>`;
  const legend = heads
    .map(({ h }, i) => `<g transform="translate(${10 + i * 64},${options.title ? 30 : 8})"><rect width="12" height="12" rx="2" fill="${PALETTE[h % PALETTE.length]}"/><text x="16" y="10">head ${h}</text></g>`)
    .join('');
  const title = options.title ? `<text x="10" y="18" font-weight="600" font-size="13">${escapeHtml(options.title)}</text>` : '';
  const markup =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(width, heads.length * 64 + 20)}" height="${height}" viewBox="0 0 ${Math.max(width, heads.length * 64 + 20)} ${height}" font-family="system-ui, sans-serif" font-size="12" fill="currentColor">` +
    `${title}<g font-size="11">${legend}</g>` +
    `<g>${lines.join('')}</g>` +
    `<g>${tokens.map((t, i) => label(t, i, leftX, 'end')).join('')}${tokens.map((t, i) => label(t, i, rightX, 'start')).join('')}</g>` +
    `</svg>`;
  const plain = `[attention: ${n} tokens, ${which === 'all' ? `${all.length} heads` : `head ${which}`}]`;
  return new Rich({ 'image/svg+xml': markup, 'text/plain': plain });
}
