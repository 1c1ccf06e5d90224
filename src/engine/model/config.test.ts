import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './config.js';

/** The sizes every config needs, for tests about its labels. */
const SIZES = { dim: 8, n_layers: 1, n_heads: 1, max_position_embeddings: 8, vocab_size: 8 };

describe('parseModelConfig', () => {
  it('reads DistilBERT names', () => {
    const config = parseModelConfig({
      model_type: 'distilbert',
      dim: 768,
      n_layers: 6,
      n_heads: 12,
      max_position_embeddings: 512,
      vocab_size: 30522,
      id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' },
    });
    expect(config).toEqual({
      modelType: 'distilbert',
      labels: ['NEGATIVE', 'POSITIVE'],
      layers: 6,
      heads: 12,
      hiddenSize: 768,
      maxTokens: 512,
      vocabSize: 30522,
      labelsFrom: 'id2label',
      task: 'single_label_classification',
    });
  });

  it('reads BERT names and orders labels by index', () => {
    const config = parseModelConfig({
      model_type: 'bert',
      hidden_size: 32,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      max_position_embeddings: 64,
      vocab_size: 100,
      id2label: { '2': 'c', '0': 'a', '1': 'b' },
    });
    expect(config.labels).toEqual(['a', 'b', 'c']);
    expect(config.hiddenSize).toBe(32);
  });

  it('names labels LABEL_i when the config has none', () => {
    const config = parseModelConfig({ ...SIZES, num_labels: 3 });
    expect(config.labels).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    expect(config.labelsFrom).toBe('num_labels');
  });

  it('has two labels by default when the config names neither id2label nor num_labels, as transformers does', () => {
    const config = parseModelConfig(SIZES);
    expect(config.labels).toEqual(['LABEL_0', 'LABEL_1']);
    expect(config.labelsFrom).toBe('default');
  });

  it('refuses num_labels and id2label that disagree, naming both', () => {
    expect(() =>
      parseModelConfig({ ...SIZES, num_labels: 3, id2label: { '0': 'a', '1': 'b' } }, 'x/config.json'),
    ).toThrow('x/config.json: num_labels is 3 but id2label names 2 labels');
  });

  it('accepts num_labels beside an id2label of the same size', () => {
    const config = parseModelConfig({ ...SIZES, num_labels: 2, id2label: { '0': 'a', '1': 'b' } });
    expect(config.labels).toEqual(['a', 'b']);
    expect(config.labelsFrom).toBe('id2label');
  });

  it.each([0, -1, 2.5, '3'])('refuses num_labels %j', (numLabels) => {
    expect(() => parseModelConfig({ ...SIZES, num_labels: numLabels }, 'x/config.json')).toThrow(
      `x/config.json: num_labels must be a positive integer; found ${JSON.stringify(numLabels)}`,
    );
  });

  it('refuses an empty id2label', () => {
    expect(() => parseModelConfig({ ...SIZES, id2label: {} }, 'x/config.json')).toThrow(
      'x/config.json: id2label names no labels',
    );
  });

  it('names the missing size', () => {
    expect(() =>
      parseModelConfig({ dim: 8, n_layers: 1, max_position_embeddings: 8, vocab_size: 8 }, 'x/config.json'),
    ).toThrow('x/config.json has no positive integer num_attention_heads or n_heads');
  });

  it('rejects id2label with gaps', () => {
    expect(() => parseModelConfig({ ...SIZES, id2label: { '0': 'a', '5': 'b' } })).toThrow(/id2label must map 0…1/);
  });

  it('reads the head as transformers does: problem_type, else one label is regression', () => {
    const two = { id2label: { '0': 'toxic', '1': 'insult' } };
    const task = (extra: object) => parseModelConfig({ ...SIZES, ...extra }, 'x/config.json').task;
    expect(task(two)).toBe('single_label_classification');
    expect(task({ ...two, problem_type: 'multi_label_classification' })).toBe('multi_label_classification');
    expect(task({ num_labels: 1 })).toBe('regression');
    expect(task({ num_labels: 1, problem_type: 'regression' })).toBe('regression');
    expect(task({ num_labels: 1, problem_type: 'multi_label_classification' })).toBe('multi_label_classification');
    expect(() => task({ ...two, problem_type: 'regression' })).toThrow(
      'x/config.json: a regression head of 2 outputs is not supported, only one score',
    );
    expect(() => task({ num_labels: 1, problem_type: 'single_label_classification' })).toThrow(
      /needs at least 2 labels/,
    );
    expect(() => task({ ...two, problem_type: 'ranking' })).toThrow(/problem_type must be one of/);
  });

  it('leaves out the positions RoBERTa-family models never number (they start after padding_idx)', () => {
    const sizes = { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 8 };
    const roberta = { ...sizes, model_type: 'roberta', max_position_embeddings: 514, pad_token_id: 1 };
    expect(parseModelConfig(roberta).maxTokens).toBe(512);
    expect(parseModelConfig({ ...roberta, model_type: 'xlm-roberta' }).maxTokens).toBe(512);
    expect(parseModelConfig({ ...roberta, model_type: 'bert', max_position_embeddings: 512 }).maxTokens).toBe(512);
    expect(() => parseModelConfig({ ...roberta, max_position_embeddings: 3 }, 'x/config.json')).toThrow(
      'x/config.json: max_position_embeddings 3 leaves no room for a sentence',
    );
  });

  it('refuses encoder-decoder models, saying what explaining them would need', () => {
    // BartForSequenceClassification as exported: its sizes are spelled as BART spells them.
    const bart = { model_type: 'bart', d_model: 16, encoder_layers: 1, vocab_size: 8, is_encoder_decoder: true };
    expect(() => parseModelConfig(bart, 'x/config.json')).toThrow(
      /x\/config\.json: model_type "bart" is an encoder-decoder model.*decoder_input_ids/,
    );
    expect(() => parseModelConfig({ model_type: 't5', d_model: 16 })).toThrow(/"t5" is an encoder-decoder model/);
    expect(() => parseModelConfig({ ...SIZES, model_type: 'custom', is_encoder_decoder: true })).toThrow(
      /encoder-decoder/,
    );
  });

  it('refuses decoder-only models, saying what explaining them would need', () => {
    const gpt2 = { model_type: 'gpt2', n_embd: 16, n_layer: 1, n_head: 1, n_positions: 8, vocab_size: 8 };
    expect(() => parseModelConfig(gpt2)).toThrow(/"gpt2" is a decoder-only \(causal\) model.*last non-padding/);
    expect(() => parseModelConfig({ ...SIZES, model_type: 'llama' })).toThrow(/"llama" is a decoder-only/);
    // An encoder that says it is not a decoder is an encoder.
    expect(parseModelConfig({ ...SIZES, model_type: 'bert', is_decoder: false }).modelType).toBe('bert');
  });
});
