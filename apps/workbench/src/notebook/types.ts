/**
 * The Jupyter notebook format (nbformat 4.5) as the workbench holds it in memory. Multi-line
 * strings (`source`, stream `text`, text MIME data) are single strings here; `io.ts` splits
 * them into lines on save, as Jupyter does, so that files diff well and round-trip.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** MIME type → content. Text types are strings; JSON types hold JSON values. */
export type MimeBundle = Record<string, JsonValue>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: JsonObject;
  /** Only on the wire (never saved): the id that later `update_display_data` messages refer to. */
  transient?: { display_id?: string };
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: JsonObject;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

interface CellBase {
  id: string;
  metadata: JsonObject;
  source: string;
}

export interface CodeCell extends CellBase {
  cell_type: 'code';
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell extends CellBase {
  cell_type: 'markdown';
  attachments?: JsonObject;
}

export interface RawCell extends CellBase {
  cell_type: 'raw';
  attachments?: JsonObject;
}

export type Cell = CodeCell | MarkdownCell | RawCell;
export type CellType = Cell['cell_type'];

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
}

/** What a run records in `metadata.wb.run` (see `kernel/run-record.ts`). */
export interface RunRecord {
  kernel: 'node' | 'browser';
  backend: string;
  started: string;
  finished?: string;
  node?: string;
  params?: Record<string, JsonValue>;
  seeds: number[];
  packages: Record<string, string>;
  /** Files read by the notebook's code (models, datasets), relative to the notebook's folder. */
  files: Record<string, { sha256: string; bytes: number }>;
  /** Hugging Face hub models the code read (from the hub cache), each at the commit it read. */
  models?: HubModelUse[];
}

/** A hub model a run used: the repository and the exact commit, enough to fetch the same files again. */
export interface HubModelUse {
  repo: string;
  commit: string;
}
