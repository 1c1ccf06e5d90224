import { describe, expect, it } from 'vitest';
import { BPE_READABLE, BPE_SENTENCE } from '../../shared/charts/test-layouts.js';
import type { Explanation, SentenceResult } from '../../shared/results.js';
import { sentenceCharts } from './charts.js';
import { escapeXml } from './svg-blocks.js';

const n = BPE_SENTENCE.tokens.length;
const uniform = (): number[][] => Array.from({ length: n }, () => Array.from({ length: n }, () => 1 / n));

function explanation(method: string, scores: number[], extra: Partial<Explanation> = {}): Explanation {
  return {
    method,
    options: { targetLabel: 'positive', view: 'aggregated', layer: 0, head: 0, aggregation: 'none' },
    tokens: BPE_SENTENCE.tokens,
    raw: scores,
    scores,
    evaluations: 1,
    seconds: 0,
    warnings: [],
    ...extra,
  };
}

/** tiny-roberta's sentence with an attention and an occlusion explanation, as a report gets it. */
const sentence: SentenceResult = {
  index: 0,
  ...BPE_SENTENCE,
  ids: [],
  truncated: false,
  logits: [0, 0, 0],
  probabilities: { negative: 0.2, neutral: 0.2, positive: 0.6 },
  predictedIndex: 2,
  predictedLabel: 'positive',
  warnings: [],
  explanations: {
    attention: explanation(
      'attention',
      BPE_SENTENCE.tokens.map(() => 1 / n),
      {
        attention: { layers: 1, heads: 1, aggregated: uniform(), rollout: uniform(), clsRows: [[uniform()[0]!]] },
      },
    ),
    occlusion: explanation('occlusion', [0, 0.1, 0.1, 0.1, 0.1, 0.5, -0.2, 0.3, 0]),
  },
};

describe('report charts of a RoBERTa sentence', () => {
  const plans = sentenceCharts(sentence, { labels: ['negative', 'neutral', 'positive'], tokenizer: 'BPE' }, (m) => m);
  const drawn = (name: string): string =>
    plans
      .find((plan) => plan.name === name)!
      .draw()
      .map((chart) => chart.svg)
      .join('\n');

  it('names the first token <s> in the layers × heads chart, not [CLS]', () => {
    const heads = plans.find((plan) => plan.name === 's1-attention-heads')!;
    expect(heads.title).toBe('attention: first-token (<s>) attention, layers × heads');
    const svg = drawn('s1-attention-heads');
    expect(svg).toContain('First-token (&lt;s&gt;) attention: 1 layers × 1 heads');
    expect(svg).not.toContain('[CLS]');
  });

  it('shows the tokens as their text in heat text, bars, attention map and comparison table', () => {
    for (const name of ['s1-occlusion-heat', 's1-occlusion-bars-positive', 's1-attention-attention', 's1-comparison']) {
      const svg = drawn(name);
      expect(svg, name).toContain('look');
      // The vocabulary string only in hover text (SVG <title>), never in what is drawn.
      expect(svg.replace(/<title>[^<]*<\/title>/g, ''), name).not.toContain('Ġ');
    }
    const table = drawn('s1-comparison');
    for (const token of BPE_READABLE) expect(table).toContain(`>${escapeXml(token)}</text>`);
  });
});
