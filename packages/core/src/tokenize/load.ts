/** The BERT tokenizer of a model folder on disk (Node): core's one loader (`load-model.ts`), kept under this import. */
export { loadBertTokenizer } from '../load.js';
