import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './config.js';

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
      maxPositions: 512,
      vocabSize: 30522,
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
    const config = parseModelConfig({
      dim: 8,
      n_layers: 1,
      n_heads: 1,
      max_position_embeddings: 8,
      vocab_size: 8,
      num_labels: 3,
    });
    expect(config.labels).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
  });

  it('names the missing size', () => {
    expect(() =>
      parseModelConfig({ dim: 8, n_layers: 1, max_position_embeddings: 8, vocab_size: 8 }, 'x/config.json'),
    ).toThrow('x/config.json has no positive integer num_attention_heads or n_heads');
  });

  it('rejects id2label with gaps', () => {
    expect(() =>
      parseModelConfig({
        dim: 8,
        n_layers: 1,
        n_heads: 1,
        max_position_embeddings: 8,
        vocab_size: 8,
        id2label: { '0': 'a', '5': 'b' },
      }),
    ).toThrow(/id2label must map 0…1/);
  });
});
