import { describe, expect, it } from 'vitest';
import { BPE_SENTENCE } from '../../shared/charts/test-layouts.js';
import type { Explanation, ModelInfo, SentenceResult } from '../../shared/results.js';
import { INLINE_SVG_LIMIT, reportHtml, SHORT_TEXT_CHARS, sentenceSection, type PageFigure } from './html.js';

const model = { name: 'm', source: 'demo', modelType: 'bert', dtype: 'fp32', sha256: 'a'.repeat(64), labels: ['A'] };

const sentence: SentenceResult = {
  index: 0,
  text: '<b>hi</b>',
  tokens: [],
  ids: [],
  truncated: false,
  logits: [0],
  probabilities: { A: 1 },
  predictedIndex: 0,
  predictedLabel: 'A',
  warnings: [],
  explanations: {},
};

function page(charts: PageFigure[], text = sentence.text): string {
  const only = { ...sentence, text };
  return reportHtml({
    document: {
      schema: 'xai-workbench/results',
      version: 1,
      model: model as ModelInfo,
      sentences: [only],
      report: { appVersion: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z', partial: false },
    },
    sections: [sentenceSection(only, charts, (method) => method)],
  });
}

describe('reportHtml', () => {
  it('escapes text and gives every inlined SVG its own id space', () => {
    const svg = '<svg><defs><clipPath id="zr0-c0"></clipPath></defs><g clip-path="url(#zr0-c0)"></g></svg>';
    const html = page([{ name: 's1-a', title: 'A', svg, width: 10, height: 10 }]);
    expect(html).toContain('&#60;b&#62;hi&#60;/b&#62;');
    expect(html).toContain('id="s1-a-zr0-c0"');
    expect(html).toContain('url(#s1-a-zr0-c0)');
  });

  it('puts a chart too large to inline in as its PNG', () => {
    const svg = `<svg>${' '.repeat(INLINE_SVG_LIMIT)}</svg>`;
    const html = page([{ name: 's1-big', title: 'Big', svg, width: 10, height: 10, png: new Uint8Array([1, 2, 3]) }]);
    expect(html).toContain('<img src="data:image/png;base64,AQID" width="10" height="10" alt="Big">');
    expect(html).not.toContain('<svg>');
  });

  it('puts a note naming the chart and the reason in place of a chart that could not be drawn', () => {
    const html = page([{ name: 's1-comparison', title: 'Comparison', reason: 'occlusion has 3 scores for 4 tokens' }]);
    const note = /<figure data-chart="s1-comparison" data-skipped="true">([\s\S]*?)<\/figure>/.exec(html)?.[1];
    expect(note).toContain('Comparison');
    expect(note).toContain('could not be drawn: occlusion has 3 scores for 4 tokens');
    expect(note).toContain('results.json');
    expect(note).not.toContain('charts/s1-comparison.png');
  });

  it('cuts a long text in the summary and the heading, and shows it whole once, folded', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const html = page([], text);
    expect(html.split(text)).toHaveLength(2);
    expect(
      /<details data-section="text"><summary>Whole text \(2000 words\)<\/summary><p>(.*?)<\/p>/.exec(html)?.[1],
    ).toBe(text);
    const heading = /<h2>1\. (.*?)<\/h2>/.exec(html)![1]!;
    const summary = /<tr id="row-s1"><td><a href="#s1">1<\/a><\/td><td>(.*?)<\/td>/.exec(html)![1]!;
    for (const shown of [heading, summary]) {
      expect(shown.length).toBeLessThanOrEqual(SHORT_TEXT_CHARS + 1);
      expect(shown.endsWith('…')).toBe(true);
      expect(text.startsWith(shown.slice(0, -1))).toBe(true);
    }
  });

  it('links each row of the table to its sentence and back; true-label columns only where the file had labels', () => {
    const html = page([]);
    expect(html).toContain('<tr id="row-s1"><td><a href="#s1">1</a></td>');
    expect(html).toContain('<a href="#row-s1">↑ back to the table</a>');
    expect(html).not.toContain('<th>True label</th>');
    expect(html.indexOf('data-section="corpus"')).toBeLessThan(html.indexOf('data-section="summary"'));
    const labelled = { ...sentence, trueLabel: 'B' };
    const wrong = reportHtml({
      document: {
        schema: 'xai-workbench/results',
        version: 1,
        model: { ...model, labels: ['A', 'B'] } as ModelInfo,
        sentences: [labelled],
        report: { appVersion: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z', partial: false },
      },
      sections: [sentenceSection(labelled, [], (method) => method, {}, { trueLabel: 'B', correct: false })],
    });
    expect(wrong).toContain('<tr id="row-s1" class="wrong">');
    expect(wrong).toContain('<td>B</td><td data-correct="false" class="wrong-mark">✗</td>');
    expect(wrong).toContain('true label <strong>B</strong> <span class="wrong-mark">✗ mispredicted</span>');
    expect(wrong).toContain('<td data-value="accuracy">0.000 over 1 sentences</td>');
  });

  it('shows a short text as it is, with nothing folded', () => {
    const html = page([], 'A fine film.');
    expect(html).toContain('<h2>1. A fine film.</h2>');
    expect(html).not.toContain('data-section="text"');
  });

  it("names a RoBERTa model's family and tokenizer, and shows its tokens as their text in the force bar", () => {
    const values = [0, 0, 0, 0, 0, 0.4, 0, -0.3, 0];
    const shap: Explanation = {
      method: 'partition_shap',
      options: { target: 0, targetLabel: 'A' },
      tokens: BPE_SENTENCE.tokens,
      raw: values,
      scores: values,
      evaluations: 1,
      seconds: 0,
      warnings: [],
      shap: {
        values: values.map((v) => [v]),
        baseValues: [0.5],
        outputs: [0.6],
        clustering: [],
        hierarchicalValues: [],
        maxEvals: 1,
        rows: 1,
      },
    };
    const roberta = { ...sentence, ...BPE_SENTENCE, explanations: { partition_shap: shap } };
    const section = sentenceSection(roberta, [], (method) => method, { tokenizer: 'BPE' });
    const force = /<figure data-section="force">[\s\S]*?<\/figure>/.exec(section)![0];
    const shown = [...force.matchAll(/<span [^>]*>([^<]*)<\/span>/g)].map(([, text]) => text);
    expect(shown).toEqual(['look', 'good']);
    expect(force).toContain('title="look (Ġlook): 0.400"');
    const html = reportHtml({
      document: {
        schema: 'xai-workbench/results',
        version: 1,
        model: { ...model, name: 'tiny-roberta', modelType: 'roberta', tokenizer: 'BPE' } as ModelInfo,
        sentences: [roberta],
        report: { appVersion: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z', partial: false },
      },
      sections: [section],
    });
    expect(html).toContain('tiny-roberta (demo, roberta, BPE tokenizer, fp32)');
    expect(html).toContain('data-section="tokens"');
    // WordPiece tokens are text already: no note.
    expect(page([])).not.toContain('data-section="tokens"');
  });
});
