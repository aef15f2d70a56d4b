/** What the sentence-classification readers (SST-2 TSV, labelled CSV) return. */

export interface LabeledText {
  text: string;
  /** Index into `labelNames`. */
  label: number;
  /** 1-based line of the row in the source, so a bad prediction can be traced to its row. */
  line: number;
}

export interface LabeledTextData {
  examples: LabeledText[];
  /** `labelNames[id]` is the label as written in the file. */
  labelNames: string[];
}
