/** Rows of records as an HTML table (first `limit` rows), numbers right-aligned and rounded. */
import { escapeHtml, Rich } from '../rich.js';

export interface TableOptions {
  columns?: string[];
  limit?: number;
  /** Significant digits for non-integers. */
  digits?: number;
  caption?: string;
}

function cell(value: unknown, digits: number): { text: string; numeric: boolean } {
  if (typeof value === 'number') {
    return { text: Number.isInteger(value) ? String(value) : value.toPrecision(digits).replace(/\.?0+(e|$)/, '$1'), numeric: true };
  }
  if (value === null || value === undefined) return { text: '', numeric: false };
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const items = Array.from(value as ArrayLike<unknown>).slice(0, 8).map((v) => (typeof v === 'number' ? cell(v, 3).text : String(v)));
    return { text: `[${items.join(', ')}${(value as ArrayLike<unknown>).length > 8 ? ', …' : ''}]`, numeric: false };
  }
  return { text: typeof value === 'object' ? JSON.stringify(value) : String(value), numeric: false };
}

export function tableView(rows: Array<Record<string, unknown>>, options: TableOptions = {}): Rich {
  const limit = options.limit ?? 100;
  const digits = options.digits ?? 4;
  const columns = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .slice(0, limit)
    .map((row) => {
      const tds = columns.map((c) => {
        const { text, numeric } = cell(row[c], digits);
        return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('');
  const more = rows.length > limit ? `<p class="wb-table-more">${rows.length - limit} more rows not shown (of ${rows.length})</p>` : '';
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  const markup = `<table class="wb-table">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
  const plain = [columns.join('\t'), ...rows.slice(0, limit).map((r) => columns.map((c) => cell(r[c], digits).text).join('\t'))].join('\n');
  return new Rich({ 'text/html': markup, 'text/plain': plain });
}
