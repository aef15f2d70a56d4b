// Browser-safe API. Node-only file readers are in './node.ts'.
export { parseWic, parseWicData, parseWicGold, type WicExample } from './readers/wic.js';
export { parseSenseval, type SensevalInstance } from './readers/senseval.js';
export { tokenBudget, windowAround, type TokenBudget, type WordWindow } from './sense/window.js';
export { embedTargets, type EmbedTargetsOptions, type TargetItem } from './sense/target-vectors.js';
export { fitThreshold, thresholdAccuracy, type ThresholdFit } from './sense/threshold.js';
export { evaluateWic, type LayerChoice, type WicLayerResult, type WicOptions, type WicResult } from './sense/wic.js';
export { kFolds, type FoldSplit } from './sense/folds.js';
export { cosineMatrix, knnPredict } from './sense/knn.js';
export { staticVectors } from './sense/static-vectors.js';
export {
  evaluateSenseval,
  evaluateSensevalWord,
  knnCrossValidate,
  mfsCrossValidate,
  type SensevalOptions,
  type SensevalResult,
  type SensevalWordResult,
} from './sense/senseval.js';
export { senseGaps, wordGap, type SenseGapLayer, type SenseGapResult, type SenseGapWord } from './sense/sense-gap.js';
export { DataFormatError } from './readers/data-format-error.js';
export type { LabeledText, LabeledTextData } from './readers/labeled-text.js';
export { parseSst2, type Sst2Data } from './readers/sst2.js';
// The path readers over a kernel's own file access (the browser kernel's server routes), and their strict UTF-8 decoding.
export { pathReaders } from './readers/path-readers.js';
export { decodeUtf8 } from './readers/utf8.js';
export { parseCsvRecords, type CsvOptions, type CsvRecord } from './readers/csv.js';
export { parseLabeledCsv, type LabeledCsvData, type LabeledCsvOptions } from './readers/labeled-csv.js';
export { parseConll, type ConllData, type ConllOptions, type ConllSentence } from './readers/conll.js';
export { parseSquad, type SquadAnswer, type SquadData, type SquadQuestion } from './readers/squad.js';
export { parsePlainText } from './readers/plain-text.js';
export { findJsonSyntaxError, type JsonSyntaxError } from './readers/json-syntax-error.js';
export { parseSenseGapData, type SenseGapItem } from './readers/sense-gap.js';
export { CLOZE_MASK, parseClozeData, type ClozeItem } from './readers/cloze.js';
export { accuracy } from './metrics/accuracy.js';
export { classificationReport, macroF1, type ClassificationReport, type ClassScores } from './metrics/precision-recall-f1.js';
export { entityF1, getEntities, type EntityF1Result, type EntityScores, type EntitySpan } from './metrics/entity-f1.js';
export { normalizeSquadAnswer, squadEvaluate, squadExactMatch, squadF1, type SquadScores } from './metrics/squad.js';
export { scoreCloze, type ClozeScore } from './metrics/cloze.js';
export { pearson } from './metrics/pearson.js';
export { averageRanks, spearman } from './metrics/spearman.js';
export { minimizeLbfgs, type LbfgsObjective, type LbfgsOptions, type LbfgsResult, type LbfgsStop } from './optim/lbfgs.js';
export { fitLogisticRegression, LogisticRegression, type FeatureMatrix, type LogisticRegressionOptions } from './logistic-regression.js';
export { trainTestSplit } from './train-test-split.js';
export { parseLabeledTsv, type LabeledTsvData, type LabeledTsvExample, type LabeledTsvOptions } from './readers/labeled-tsv.js';
export { padBatch, toBertInputs, type PaddedBatch, type TokenizedInput } from './heads/padded-batch.js';
export { initSequenceClassificationHead, sequenceClassificationLogits, type ClassifierPooling } from './heads/sequence-classification.js';
export { initTokenClassificationHead, tokenClassificationLogits } from './heads/token-classification.js';
export { initQuestionAnsweringHead, questionAnsweringLogits, type SpanLogits } from './heads/question-answering.js';
export {
  encodeWordSequences,
  wordEntities,
  wordPredictions,
  type WordChunk,
  type WordEntity,
  type WordSequence,
} from './heads/word-labels.js';
export { answerPositions, encodeQaWindows, type QaExample, type QaWindow, type QaWindowOptions } from './heads/qa-windows.js';
export { bestSpan, predictAnswers, spanCharacters, type QaAnswer, type QaSpan } from './heads/qa-spans.js';
export {
  anySentenceVectors,
  asSentenceEncoder,
  elmoSentenceVectors,
  sentenceVectorRecipe,
  sentenceVectors,
  type BertParts,
  type SentenceEncoder,
  type SentencePooling,
  type SentenceVectorOptions,
  type SentenceVectorRecipe,
} from './pipelines/sentence-vectors.js';
export { probeWithLogisticRegression, type ProbeOptions, type ProbeResult } from './pipelines/probe.js';
export { SimilarityIndex, type SearchHit } from './pipelines/similarity-search.js';
export type {
  BertArchitecture,
  BertWithHead,
  ClassificationTaskName,
  EvaluateOptions,
  FinetuneTaskName,
  Metrics,
  PreparedTask,
  TaskSettings,
} from './finetune/task.js';
export { prepareClassificationTask, type ClassificationExample } from './finetune/classification-task.js';
export { prepareTokenTask, type TaggedSentence } from './finetune/token-task.js';
export { prepareQaTask, type QaSettings } from './finetune/qa-task.js';
export {
  FINETUNE_DEFAULTS,
  runFinetuning,
  type EpochResult,
  type FinetuneHooks,
  type FinetuneResult,
  type FinetuneSettings,
  type StepProgress,
} from './finetune/loop.js';
export { elmoWords, predictElmoSentences, predictElmoTags, type ElmoHead, type ElmoTaskName } from './finetune/elmo-task.js';
// PCA, t-SNE and UMAP to the plane, for any caller (the notebooks' views.embeddings draws them).
export {
  pca,
  project,
  PROJECTION_METHODS,
  tsne,
  umap,
  type PcaResult,
  type PlaneProjection,
  type ProjectionMethod,
  type ProjectionOptions,
  type TsneOptions,
  type TsneResult,
  type UmapOptions,
  type UmapResult,
} from './projections/index.js';
