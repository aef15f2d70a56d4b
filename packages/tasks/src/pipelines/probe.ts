/**
 * Feature extraction + logistic regression (the seed-003 recipe): each sentence's [CLS] vector
 * from a frozen BERT, a seeded train/test split, an L2 logistic regression (L-BFGS) fit on the
 * train part and scored on the test part. Nothing in BERT changes; this measures what its
 * vectors already say about the labels. The same seed always gives the same split and the same
 * numbers.
 */
import { fitLogisticRegression } from '../logistic-regression.js';
import { accuracy } from '../metrics/accuracy.js';
import { macroF1 } from '../metrics/precision-recall-f1.js';
import { trainTestSplit } from '../train-test-split.js';
import type { LanguageModel } from '@wb/core';
import { anySentenceVectors, asSentenceEncoder, sentenceVectorRecipe, type SentenceEncoder, type SentenceVectorOptions, type SentenceVectorRecipe } from './sentence-vectors.js';

export interface ProbeOptions extends SentenceVectorOptions {
  /** Fraction held out for scoring (default 0.25). */
  testFraction?: number;
  /** Seed of the split (default 0). */
  seed?: number;
  /** Inverse L2 strength, scikit-learn's C (default 1). */
  C?: number;
  /** Scale features to unit variance before fitting (default false). */
  standardize?: boolean;
}

export interface ProbeResult {
  /** The sentence vectors the probe read (defaults filled in). */
  recipe: SentenceVectorRecipe;
  accuracy: number;
  macroF1: number;
  trainAccuracy: number;
  trainN: number;
  testN: number;
  /** L-BFGS iterations, and whether it converged. */
  iterations: number;
  converged: boolean;
  featureSeconds: number;
  fitSeconds: number;
}

export async function probeWithLogisticRegression(
  model: LanguageModel | SentenceEncoder,
  examples: readonly { text: string; label: number }[],
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const encoder = asSentenceEncoder(model, 'probe');
  const recipe = sentenceVectorRecipe(encoder, options);
  const featureStart = performance.now();
  const vectors = await anySentenceVectors(encoder, examples.map((e) => e.text), options);
  const featureSeconds = (performance.now() - featureStart) / 1000;
  const { train, test } = trainTestSplit(examples.length, options.testFraction ?? 0.25, options.seed ?? 0);
  const pick = (indices: number[]) => ({ X: indices.map((i) => vectors[i]), y: indices.map((i) => examples[i].label) });
  const fitPart = pick(train);
  const testPart = pick(test);
  const fitStart = performance.now();
  const classifier = fitLogisticRegression(fitPart.X, fitPart.y, { C: options.C, standardize: options.standardize });
  const fitSeconds = (performance.now() - fitStart) / 1000;
  const predicted = classifier.predict(testPart.X);
  return {
    recipe,
    accuracy: accuracy(testPart.y, predicted),
    macroF1: macroF1(testPart.y, predicted),
    trainAccuracy: classifier.score(fitPart.X, fitPart.y),
    trainN: train.length,
    testN: test.length,
    iterations: classifier.info.iterations,
    converged: classifier.info.converged,
    featureSeconds,
    fitSeconds,
  };
}
