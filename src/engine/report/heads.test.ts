/** The report's page for every head: the model's head named, and each sentence's prediction as it means. */
import { Ajv } from 'ajv';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MULTI_LABEL_MODEL,
  MULTI_LABEL_NONE_RESULT,
  MULTI_LABEL_RESULT,
  REGRESSION_MODEL,
  REGRESSION_RESULT,
  SINGLE_LABEL_MODEL,
  SINGLE_LABEL_RESULT,
} from '../../shared/charts/test-heads.js';
import type { Explanation, ModelInfo, ResultsDocument, SentenceResult } from '../../shared/results.js';
import schema from '../../shared/results.schema.json' with { type: 'json' };
import { reportHtml, sentenceSection } from './html.js';
import { writeReport } from './write.js';

function page(model: ModelInfo, sentences: SentenceResult[]): string {
  return reportHtml({
    document: {
      schema: 'xai-workbench/results',
      version: 1,
      model,
      sentences,
      report: { appVersion: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z', partial: false },
    },
    sections: sentences.map((sentence) => sentenceSection(sentence, [], (method) => method, model)),
  });
}

/** The prediction block of sentence `number`. */
function prediction(html: string, number: number): string {
  const section = html.split(`id="s${number}"`)[1]!;
  return /<div data-section="prediction"[\s\S]*?<\/div>(?=\n)/.exec(section)![0];
}

/** Each bar of a prediction block: label, width of its fill, predicted or not, threshold mark or not. */
function bars(block: string): [string, string, string, boolean][] {
  return [...block.matchAll(/<tr[^>]*data-label="([^"]+)" data-predicted="(\w+)"[^>]*>([\s\S]*?)<\/tr>/g)].map(
    ([, label, predicted, row]) => [
      label!,
      /class="fill" style="width:([\d.]+)%"/.exec(row!)![1]!,
      predicted!,
      row!.includes('class="threshold"'),
    ],
  );
}

describe('a multi-label report', () => {
  const html = page(MULTI_LABEL_MODEL, [MULTI_LABEL_RESULT, MULTI_LABEL_NONE_RESULT]);

  it('names the head and its threshold in the model summary', () => {
    const head = /<td data-section="head">(.*?)<\/td>/.exec(html)![1];
    expect(head).toContain('multi-label classification');
    expect(head).toContain('own sigmoid');
    expect(head).toContain('predicted at sigmoid ≥ 0.5');
  });

  it("lists the predicted labels and every label's sigmoid per sentence in the summary table", () => {
    expect(html).toContain('<th>Predicted (sigmoid ≥ 0.5)</th><th>Sigmoids</th>');
    expect(html).toContain('<td>anger, surprise</td><td>joy 0.450 · anger 0.900 · sadness 0.154 · surprise 0.802</td>');
    expect(html).toContain('<td>none</td><td>joy 0.426');
    expect(html).not.toContain('<th>Probability</th>');
  });

  it('draws one independent bar per label on 0–1 with the threshold, predicted labels highlighted', () => {
    const block = prediction(html, 1);
    expect(block).toContain('data-task="multi_label_classification"');
    expect(block).toContain('Predicted <strong>anger, surprise</strong>');
    expect(block).toContain('threshold 0.5');
    // The sigmoids as they are (sum 2.31), not renormalized to sum to 1.
    expect(bars(block)).toEqual([
      ['joy', '45.02', 'false', true],
      ['anger', '90.02', 'true', true],
      ['sadness', '15.44', 'false', true],
      ['surprise', '80.22', 'true', true],
    ]);
    expect(block.match(/class="threshold" style="left:50%"/g)).toHaveLength(4);
    expect(prediction(html, 2)).toContain('Predicted <strong>no label</strong>');
  });
});

describe('a regression report', () => {
  const html = page(REGRESSION_MODEL, [REGRESSION_RESULT]);

  it('names the head and shows the score as a number: no bars, no probability', () => {
    expect(/<td data-section="head">(.*?)<\/td>/.exec(html)![1]).toBe('regression: one score (LABEL_0)');
    expect(html).toContain('<th>Score</th><th>Methods</th>');
    expect(html).toContain('<td>0.734</td><td>0</td>');
    const block = prediction(html, 1);
    expect(block).toContain('data-task="regression"');
    expect(block).toContain('Score <strong data-score>0.734</strong>');
    expect(block).not.toContain('class="track"');
    expect(block).not.toMatch(/probabilit|Predicted/i);
    expect(html).not.toContain('<th>Probability</th>');
  });
});

describe('a single-label report', () => {
  it('keeps the predicted label and its probability, with softmax bars and no threshold', () => {
    const html = page(SINGLE_LABEL_MODEL, [SINGLE_LABEL_RESULT]);
    expect(/<td data-section="head">(.*?)<\/td>/.exec(html)![1]).toBe(
      'single-label classification: softmax over the 2 labels',
    );
    expect(html).toContain('<td>POSITIVE</td><td>0.993</td>');
    expect(bars(prediction(html, 1))).toEqual([
      ['NEGATIVE', '0.67', 'false', false],
      ['POSITIVE', '99.33', 'true', false],
    ]);
  });
});

describe('a written report of each head', () => {
  const occlusion = (target: string): Explanation => ({
    method: 'occlusion',
    options: { target: 'predicted', targetLabel: target, output: 'prob' },
    tokens: MULTI_LABEL_RESULT.tokens,
    raw: MULTI_LABEL_RESULT.tokens.map((_, i) => (i % 3) - 1),
    scores: MULTI_LABEL_RESULT.tokens.map((_, i) => (i % 3) - 1),
    evaluations: 9,
    seconds: 0.01,
    warnings: [],
  });

  it.each([
    ['multi-label', MULTI_LABEL_MODEL, MULTI_LABEL_RESULT, 'anger'],
    ['regression', REGRESSION_MODEL, REGRESSION_RESULT, 'LABEL_0'],
  ] as const)('keeps a %s head in results.json and shows it in index.html', async (_, model, result, target) => {
    const dir = await mkdtemp(join(tmpdir(), 'xai-report-heads-'));
    try {
      const results: ResultsDocument = {
        schema: 'xai-workbench/results',
        version: 1,
        model,
        sentences: [{ ...result, explanations: { occlusion: occlusion(target) } }],
      };
      const { dir: written, skippedCharts } = await writeReport(results, join(dir, 'report'));
      expect(skippedCharts).toEqual([]);
      const json = JSON.parse(await readFile(join(written, 'results.json'), 'utf8')) as ResultsDocument;
      const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      expect(json.model).toMatchObject({ task: model.task });
      const [sentence] = json.sentences;
      expect(sentence!.score).toBe(result.score);
      expect(sentence!.predictedLabels).toEqual(result.predictedLabels);
      const html = await readFile(join(written, 'index.html'), 'utf8');
      expect(html).toContain(`data-task="${model.task}"`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
