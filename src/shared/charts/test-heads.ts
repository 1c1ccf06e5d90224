/**
 * Results of the three heads for the faces' tests, built by hand from the result types: what the engine gives
 * for a multi-label model (4 emotions, per-label sigmoids that do not sum to 1) and a regression model (one
 * score, no probabilities), beside a single-label one.
 */
import type { ModelInfo, SentenceResult } from '../results.js';

const MODEL = {
  source: 'fixtures/models/x',
  modelType: 'distilbert',
  tokenizer: 'WordPiece',
  layers: 2,
  heads: 4,
  hiddenSize: 32,
  maxLength: 64,
  vocabSize: 322,
  dtype: 'fp32',
  sha256: 'a'.repeat(64),
} as const;

export const SINGLE_LABEL_MODEL: ModelInfo = {
  ...MODEL,
  name: 'sst2',
  labels: ['NEGATIVE', 'POSITIVE'],
  task: 'single_label_classification',
};

export const MULTI_LABEL_MODEL: ModelInfo = {
  ...MODEL,
  name: 'emotions',
  labels: ['joy', 'anger', 'sadness', 'surprise'],
  task: 'multi_label_classification',
  threshold: 0.5,
};

export const REGRESSION_MODEL: ModelInfo = { ...MODEL, name: 'stars', labels: ['LABEL_0'], task: 'regression' };

const SENTENCE = {
  index: 0,
  text: 'What a surprise, I am furious',
  tokens: ['[CLS]', 'what', 'a', 'surprise', ',', 'i', 'am', 'furious', '[SEP]'],
  ids: [2, 10, 11, 12, 13, 14, 15, 16, 3],
  truncated: false,
  warnings: [],
  explanations: {},
};

export const SINGLE_LABEL_RESULT: SentenceResult = {
  ...SENTENCE,
  logits: [-2.5, 2.5],
  probabilities: { NEGATIVE: 0.0067, POSITIVE: 0.9933 },
  predictedIndex: 1,
  predictedLabel: 'POSITIVE',
};

/** anger and surprise above 0.5, joy just below it; the sigmoids sum to 2.04. */
export const MULTI_LABEL_RESULT: SentenceResult = {
  ...SENTENCE,
  logits: [-0.2, 2.2, -1.7, 1.4],
  probabilities: { joy: 0.4502, anger: 0.9002, sadness: 0.1544, surprise: 0.8022 },
  predictedIndex: 1,
  predictedLabel: 'anger',
  predictedLabels: ['anger', 'surprise'],
};

/** No label reaches the threshold. */
export const MULTI_LABEL_NONE_RESULT: SentenceResult = {
  ...SENTENCE,
  index: 1,
  text: 'Fine.',
  logits: [-0.3, -1, -2, -0.9],
  probabilities: { joy: 0.4256, anger: 0.2689, sadness: 0.1192, surprise: 0.2891 },
  predictedIndex: 0,
  predictedLabel: 'joy',
  predictedLabels: [],
};

export const REGRESSION_RESULT: SentenceResult = {
  ...SENTENCE,
  logits: [0.7342],
  probabilities: {},
  predictedIndex: 0,
  predictedLabel: 'LABEL_0',
  score: 0.7342,
};
