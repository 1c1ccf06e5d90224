/**
 * The report's head view: a sentence explained by attention with every map kept (`include_maps`, the CLI's
 * `--include-maps`) gets bertviz's head view as SVG and PNG, every layer of the demo model's 3 × 4 heads for a
 * short sentence, and one without maps gets none. A long input keeps the last layer only.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAD_COLORS } from '../../shared/charts/head-view.js';
import type { Explanation } from '../../shared/results.js';
import { explainTexts } from '../explain.js';
import { ModelBundle } from '../model/bundle.js';
import { HEAD_VIEW_EVERY_LAYER_BUDGET, HEAD_VIEW_MAX_LINES, headViewCharts } from './charts.js';
import { writeReport } from './write.js';

const TEXT = 'You look terrible! Maybe you should rest?';

describe('the head view in a report', () => {
  let model: ModelBundle;
  let root: string;
  const reports: Record<'with' | 'without', string> = { with: '', without: '' };

  beforeAll(async () => {
    model = await ModelBundle.load('demo', { cacheDir: await mkdtemp(join(tmpdir(), 'xai-head-view-model-')) });
    root = await mkdtemp(join(tmpdir(), 'xai-head-view-report-'));
    for (const include of [true, false]) {
      const results = await explainTexts(model, [TEXT], { attention: { include_maps: include } });
      expect(results.sentences[0]!.explanations.attention!.attention!.maps !== undefined).toBe(include);
      const name = include ? 'with' : 'without';
      reports[name] = (await writeReport(results, join(root, name))).dir;
    }
  }, 120_000);
  afterAll(async () => {
    await model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('draws every layer, all heads in their colours, as SVG and PNG, and shows them on the page', async () => {
    const charts = (await readdir(join(reports.with, 'charts'))).filter((file) => file.includes('head-view'));
    const { layers, heads } = model.info;
    const names = Array.from({ length: layers }, (_, layer) => `s1-attention-head-view-l${layer}`);
    expect(charts.sort()).toEqual(names.flatMap((name) => [`${name}.png`, `${name}.svg`]).sort());
    const html = await readFile(join(reports.with, 'index.html'), 'utf8');
    for (const [layer, name] of names.entries()) {
      const svg = await readFile(join(reports.with, 'charts', `${name}.svg`), 'utf8');
      expect(svg, name).toContain(`Head view · layer ${layer} · all heads`);
      for (const [head, color] of HEAD_COLORS.slice(0, heads).entries()) {
        expect(svg, `${name} ${color}`).toMatch(`stroke="${color}"`);
        // The key of colours: the report has no chips to name them.
        expect(svg, `${name} key ${head}`).toMatch(new RegExp(`fill="${color}">━━ ${head}</text>`));
      }
      // Every token twice: queries and keys.
      expect(svg.match(/>terrible</g)?.length, name).toBe(2);
      expect(html).toContain(`data-chart="${name}"`);
    }
    expect(html).toContain('Attention: head view, layer 0, all 4 heads');
  });

  it('draws no head view for a sentence explained without maps', async () => {
    const charts = await readdir(join(reports.without, 'charts'));
    expect(charts.some((file) => file.includes('head-view'))).toBe(false);
    expect(charts).toContain('s1-attention-attention.svg'); // the other attention charts are there
    expect(await readFile(join(reports.without, 'index.html'), 'utf8')).not.toContain('head-view');
  });

  it('keeps the last layer only when every layer would be costly, and caps its lines', () => {
    const n = 40;
    const tokens = ['[CLS]', ...Array.from({ length: n - 2 }, (_, i) => `w${i}`), '[SEP]'];
    const uniform = tokens.map(() => tokens.map(() => 1 / n));
    const maps = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => uniform));
    expect(3 * 4 * n * n).toBeGreaterThan(HEAD_VIEW_EVERY_LAYER_BUDGET);
    const explanation = {
      method: 'attention',
      tokens,
      attention: { layers: 3, heads: 4, aggregated: [], rollout: [], clsRows: [], maps },
    } as unknown as Explanation;
    const plans = headViewCharts(explanation, { tokens }, 's1-attention', 'Attention');
    expect(plans.map((plan) => plan.name)).toEqual(['s1-attention-head-view-l2']);
    const [chart] = plans[0]!.draw();
    const lines = chart!.svg.match(/stroke="#[0-9a-f]{6}"/gi)?.filter((s) => HEAD_COLORS.some((c) => s.includes(c)));
    expect(lines?.length).toBe(HEAD_VIEW_MAX_LINES);
    expect(chart!.svg).toContain(`${(4 * n * n - HEAD_VIEW_MAX_LINES).toLocaleString('en-US')} of`);
  }, 60_000);
});
