/** config.json of a transformers.js-style model folder, normalized across architecture families. */
import type { Task } from '../../shared/results.js';

export interface ModelConfig {
  modelType: string;
  labels: string[];
  task: Task;
  layers: number;
  heads: number;
  hiddenSize: number;
  /** Tokens one sentence may hold, specials included: what the position table can number. */
  maxTokens: number;
  vocabSize: number;
  /** Where the labels came from, for messages about them: transformers assumes 2 labels when nothing says. */
  labelsFrom: 'id2label' | 'num_labels' | 'default';
}

export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

/**
 * Families that number positions as fairseq does, from `padding_idx + 1` (transformers'
 * `create_position_ids_from_input_ids`): the table's first `pad_token_id + 1` rows never serve a token, so
 * roberta-base's 514 positions hold 512 tokens.
 */
const POSITIONS_AFTER_PADDING = new Set(['roberta', 'xlm-roberta', 'camembert', 'mpnet']);

/**
 * Families whose classifiers are not encoders read at one pooled position: refused at load, saying what their
 * support would need, rather than explained wrongly (their exports can take input_ids and attention_mask and
 * output logits just like an encoder's).
 */
const ENCODER_DECODER = new Set([
  'bart',
  'mbart',
  'plbart',
  'bigbird_pegasus',
  'pegasus',
  'pegasus_x',
  'marian',
  'blenderbot',
  'blenderbot-small',
  'led',
  'fsmt',
  'prophetnet',
  'm2m_100',
  'nllb-moe',
  't5',
  'mt5',
  'umt5',
  'longt5',
  'switch_transformers',
  'encoder-decoder',
]);
const DECODER_ONLY = new Set([
  'gpt2',
  'gpt_neo',
  'gpt_neox',
  'gptj',
  'gpt_bigcode',
  'openai-gpt',
  'ctrl',
  'codegen',
  'biogpt',
  'bloom',
  'falcon',
  'mpt',
  'opt',
  'llama',
  'mistral',
  'mixtral',
  'qwen2',
  'qwen2_moe',
  'qwen3',
  'phi',
  'phi3',
  'gemma',
  'gemma2',
  'stablelm',
  'starcoder2',
  'persimmon',
  'olmo',
  'cohere',
  'xglm',
]);

/** Why an architecture family is refused, or undefined for an encoder. */
function familyProblem(config: Record<string, unknown>, modelType: string, file: string): string | undefined {
  if (ENCODER_DECODER.has(modelType) || config.is_encoder_decoder === true) {
    return (
      `${file}: model_type "${modelType}" is an encoder-decoder model, and the workbench explains encoder ` +
      'classifiers (BERT, DistilBERT, RoBERTa, ELECTRA, …) only. Explaining it would need the decoder inputs ' +
      '(decoder_input_ids) fed, the pooled end-of-sentence token of the decoder read instead of [CLS], and ' +
      'self-attention told apart from cross-attention in its attention maps.'
    );
  }
  if (DECODER_ONLY.has(modelType) || config.is_decoder === true) {
    return (
      `${file}: model_type "${modelType}" is a decoder-only (causal) model, and the workbench explains encoder ` +
      'classifiers (BERT, DistilBERT, RoBERTa, ELECTRA, …) only. Explaining it would need the last non-padding ' +
      'token pooled instead of the first, padding placed where the causal mask expects it, and the position ids ' +
      'and key/value cache inputs of its export fed.'
    );
  }
  return undefined;
}

/** DistilBERT names its sizes differently from BERT/RoBERTa/…; accept both spellings. */
const SIZE_KEYS = {
  layers: ['num_hidden_layers', 'n_layers'],
  heads: ['num_attention_heads', 'n_heads'],
  hiddenSize: ['hidden_size', 'dim'],
  maxPositions: ['max_position_embeddings'],
  vocabSize: ['vocab_size'],
} as const;

export function parseModelConfig(json: unknown, file = 'config.json'): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelConfigError(`${file} must hold a JSON object`);
  }
  const config = json as Record<string, unknown>;
  const size = (field: keyof typeof SIZE_KEYS): number => {
    for (const key of SIZE_KEYS[field]) {
      const value = config[key];
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    }
    throw new ModelConfigError(`${file} has no positive integer ${SIZE_KEYS[field].join(' or ')}`);
  };
  const modelType = typeof config.model_type === 'string' ? config.model_type : 'unknown';
  const family = familyProblem(config, modelType, file);
  if (family) throw new ModelConfigError(family);
  const padId = typeof config.pad_token_id === 'number' ? config.pad_token_id : 1;
  const unusedPositions = POSITIONS_AFTER_PADDING.has(modelType) ? padId + 1 : 0;
  const maxPositions = size('maxPositions');
  if (maxPositions <= unusedPositions + 2) {
    throw new ModelConfigError(`${file}: max_position_embeddings ${maxPositions} leaves no room for a sentence`);
  }
  const labels = parseLabels(config, file);
  return {
    modelType,
    ...labels,
    task: parseTask(config.problem_type, labels.labels.length, file),
    layers: size('layers'),
    heads: size('heads'),
    hiddenSize: size('hiddenSize'),
    maxTokens: maxPositions - unusedPositions,
    vocabSize: size('vocabSize'),
  };
}

const TASKS: readonly Task[] = ['single_label_classification', 'multi_label_classification', 'regression'];

/**
 * The head as transformers' sequence classifiers read it: `problem_type` when the config names one, else
 * regression for one label and single-label classification for more.
 */
function parseTask(problem: unknown, labelCount: number, file: string): Task {
  if (problem === undefined || problem === null) {
    return labelCount === 1 ? 'regression' : 'single_label_classification';
  }
  if (!TASKS.includes(problem as Task)) {
    throw new ModelConfigError(
      `${file}: problem_type must be one of ${TASKS.join(', ')}; found ${JSON.stringify(problem)}`,
    );
  }
  if (problem === 'regression' && labelCount !== 1) {
    // transformers would fit each output with MSE; what one of several scores means is the model's own convention.
    throw new ModelConfigError(`${file}: a regression head of ${labelCount} outputs is not supported, only one score`);
  }
  if (problem === 'single_label_classification' && labelCount === 1) {
    throw new ModelConfigError(`${file}: problem_type single_label_classification needs at least 2 labels; it has 1`);
  }
  return problem as Task;
}

/**
 * Labels in class-index order from `id2label`; `LABEL_i` names from `num_labels` when the config has no
 * `id2label`, and two of them when it has neither (as transformers does). Where both are given they must agree:
 * transformers would silently let `id2label` win.
 */
function parseLabels(config: Record<string, unknown>, file: string): Pick<ModelConfig, 'labels' | 'labelsFrom'> {
  const { id2label, num_labels: numLabels } = config;
  if (numLabels !== undefined && !(typeof numLabels === 'number' && Number.isInteger(numLabels) && numLabels > 0)) {
    throw new ModelConfigError(`${file}: num_labels must be a positive integer; found ${JSON.stringify(numLabels)}`);
  }
  if (id2label === undefined) {
    if (numLabels === undefined) return { labels: ['LABEL_0', 'LABEL_1'], labelsFrom: 'default' };
    return { labels: Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`), labelsFrom: 'num_labels' };
  }
  if (typeof id2label !== 'object' || id2label === null)
    throw new ModelConfigError(`${file}: id2label must be an object`);
  const entries = Object.entries(id2label as Record<string, unknown>);
  if (entries.length === 0) throw new ModelConfigError(`${file}: id2label names no labels`);
  const labels: string[] = [];
  for (const [key, label] of entries) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= entries.length || typeof label !== 'string') {
      throw new ModelConfigError(`${file}: id2label must map 0…${entries.length - 1} to label names; found "${key}"`);
    }
    labels[index] = label;
  }
  if (numLabels !== undefined && numLabels !== labels.length) {
    throw new ModelConfigError(`${file}: num_labels is ${numLabels} but id2label names ${labels.length} labels`);
  }
  return { labels, labelsFrom: 'id2label' };
}
