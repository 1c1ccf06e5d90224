/**
 * A report of sentence pairs and of zero-shot sentences, through the engine's contract on tiny-bert (an NLI
 * model): a pair's two texts apart in the headings, the heat text and the comparison table; a zero-shot
 * sentence's candidates and scores. Single texts keep the pages they had.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERT_PAIR_LAYOUT, WORDPIECE_LAYOUT } from '../../shared/charts/test-layouts.js';
import type { ResultsDocument } from '../../shared/results.js';
import { PACKAGE_ROOT } from '../paths.js';
import { Workbench } from '../workbench.js';
import { sentenceCharts } from './charts.js';
import { heatTextPages } from './svg-blocks.js';

const { zero_shot: golden } = JSON.parse(
  readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/tiny-bert.pairs.json'), 'utf8'),
) as { zero_shot: { text: string; candidate_labels: string[]; single_label: { scores: number[] } } };
const PREMISE = 'A man plays the guitar on stage.';
const HYPOTHESIS = 'Someone makes music.';

describe('heat text of a pair', () => {
  it('starts each text on a line of its own under its name, a line between them, specials dashed', () => {
    const [page] = heatTextPages(
      BERT_PAIR_LAYOUT,
      BERT_PAIR_LAYOUT.tokens.map(() => 0.1),
    );
    const svg = page!.svg;
    expect([...svg.matchAll(/<g data-segment="([AB])">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m.slice(1))).toEqual(
      [
        ['A', 'A · text'],
        ['B', 'B · text pair'],
      ],
    );
    // The first text's chips on one line, the second's on the next, below the dividing line.
    const rows = [...svg.matchAll(/<rect x="[^"]+" y="([^"]+)"[^>]*><text[^>]*>([^<]*)</g)].map(([, y, text]) => [
      Number(y),
      text,
    ]);
    const first = rows.filter(([y]) => y === rows[0]![0]).map(([, text]) => text);
    expect(first).toEqual(['[CLS]', 'a', 'man', 'play', '##s', 'guitar', '.', '[SEP]']);
    expect(rows.find(([, text]) => text === 'some')![0]).toBeGreaterThan(rows[0]![0] as number);
    expect(svg).toMatch(/<line [^>]*stroke="#4c5fd5"/);
    expect((svg.match(/stroke-dasharray/g) ?? []).length).toBe(3);
  });

  it('draws a single text as before: no names, no line, no dashes', () => {
    const [page] = heatTextPages(WORDPIECE_LAYOUT, [0, 0.1, 0.2, 0.3, -0.4, 0]);
    expect(page!.svg).not.toMatch(/data-segment|<line|stroke-dasharray/);
    expect(page!.svg).toContain('<rect x="4" y="4"');
  });
});

describe('a report of pairs and zero-shot sentences', () => {
  let workbench: Workbench;
  let root: string;
  let pair: ResultsDocument;
  let zeroShot: ResultsDocument;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'xai-pairs-report-'));
    workbench = new Workbench({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-pairs-model-')) });
    await workbench.loadModel(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert'));
    pair = await workbench.explain({ texts: [[PREMISE, HYPOTHESIS]], methods: { occlusion: {}, attention: {} } });
    zeroShot = await workbench.zeroShot({
      texts: [golden.text],
      candidateLabels: golden.candidate_labels,
      methods: { occlusion: {} },
    });
  });
  afterAll(() => workbench.dispose());

  it("heads a pair's comparison table with its two texts, a line where the second starts", () => {
    const [sentence] = pair.sentences;
    const comparison = sentenceCharts(sentence!, pair.model, (method) => method)
      .find((chart) => chart.name === 's1-comparison')!
      .draw()[0]!;
    const first = sentence!.sequenceIds!.indexOf(1);
    const texts = [...comparison.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text);
    // The segment row: its name (on every block of columns), then A over each column of the first text and B
    // over each of the second's.
    expect(texts[0]).toBe('A text · B text pair');
    expect(texts.filter((text) => text === 'A')).toHaveLength(first);
    expect(texts.filter((text) => text === 'B')).toHaveLength(sentence!.tokens.length - first);
    // The divider: one line per row (segment row, header and two methods) at the second text's first column.
    expect((comparison.svg.match(/stroke-width="3"/g) ?? []).length).toBe(4);
  });

  it("shows a pair's texts apart and a zero-shot sentence's candidates with their scores", async () => {
    const results: ResultsDocument = {
      ...pair,
      methods: { occlusion: {} },
      sentences: [pair.sentences[0]!, { ...zeroShot.sentences[0]!, index: 1 }],
    };
    const saved = await workbench.saveReport({ results, dir: join(root, 'report') });
    const html = await readFile(join(saved.dir, 'index.html'), 'utf8');
    // The summary and the heading: premise │ hypothesis.
    expect(html).toContain(`<td>${PREMISE}<span class="sep">│</span>${HYPOTHESIS}</td>`);
    expect(html).toContain(`<h2>1. ${PREMISE}<span class="sep">│</span>${HYPOTHESIS}</h2>`);
    const section = (n: number) => html.slice(html.indexOf(`id="s${n}"`), html.indexOf(`id="s${n + 1}"`) >>> 0);
    expect(section(1)).toContain(`<tr><th>A · text</th><td>${PREMISE}</td></tr>`);
    expect(section(1)).toContain(`<tr><th>B · text pair</th><td>${HYPOTHESIS}</td></tr>`);
    // The zero-shot sentence: its best candidate in the summary, every candidate's score in its section.
    expect(html).toContain('<th>Zero-shot candidates</th>');
    expect(html).toContain(`<td>sports</td><td>${golden.single_label.scores[0]!.toFixed(3)}</td>`);
    const candidates = /<div data-section="zero-shot">([\s\S]*?)<\/div>\n/.exec(section(2))![1]!;
    for (const [k, label] of golden.candidate_labels.entries()) {
      expect(candidates).toMatch(
        new RegExp(`data-label="${label}"[^>]*>.*?<td>${golden.single_label.scores[k]!.toFixed(3)}</td>`),
      );
    }
    expect(candidates).toContain('data-label="sports" data-explained="true"');
    expect(candidates).toContain('softmax of the entailment logits across the 3 candidates');
    expect(section(2)).toContain('<tr><th>B · hypothesis</th><td>This example is sports.</td></tr>');
    expect(section(2)).toContain('The NLI model on the pair explained: Predicted');
  });
});
