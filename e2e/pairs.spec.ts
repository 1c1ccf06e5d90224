/**
 * Sentence pairs and zero-shot classification on tiny-bert (a 3-label NLI model), loaded from its folder in the
 * model bar: a .txt of tab-separated pairs dropped in the app shows each pair's two texts apart in the panes
 * (heat text segments, the comparison table's header, the attention map's axes); with zero-shot labels given,
 * a typed sentence is classified among them, shown as one bar per candidate, and another candidate is one click
 * from being explained. Each flow also saves its run as a report and looks at it.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dropFile, snapshot } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

const MODEL = resolve('fixtures/models/tiny-bert');
const PAIRS = [
  ['A man plays the guitar on stage.', 'Someone makes music.'],
  ['The cat sleeps on the sofa.', 'An animal is running outside.'],
] as const;
const ZERO_SHOT_TEXT = 'The team won the game in the last minute of the match.';
/** Screenshots to look at, beside the ones in test-results/. */
const SHOTS = process.env.XAI_SHOTS_DIR;
let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => host.stop());

async function openTinyBert(page: Page): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await page.getByTestId('model-source').fill(MODEL);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('model')).toContainText('tiny-bert', { timeout: 30_000 });
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
}

/** A segment's chips as one string, WordPiece's `##` dropped: tiny-bert's small vocabulary spells most words. */
async function spelled(segment: Locator): Promise<string> {
  const chips = await segment.getByTestId('heat-chip').allTextContents();
  return chips.map((chip) => chip.trim().replace(/^##/, '')).join('');
}

const squeeze = (text: string): string => text.toLowerCase().replace(/\s+/g, '');

async function shots(page: Page, name: string, ready: () => Promise<void>): Promise<void> {
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await ready();
    await page.waitForTimeout(300); // the charts resize with the window
    await snapshot(page.locator('body'), `${name}-${width}`);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/${name}-${width}x${height}.png` });
    }
  }
  if (SHOTS) {
    await page.getByTestId('theme').click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/${name}-dark-1920x1080.png` });
    await page.getByTestId('theme').click();
  }
}

/** Runs the ticked methods, saves the report and opens its page; screenshots of it at both sizes. */
async function saveAndOpenReport(page: Page, name: string): Promise<Page> {
  await page.getByTestId('run').click();
  await expect(page.getByTestId('job-status')).toHaveText('completed', { timeout: 60_000 });
  const dir = join(mkdtempSync(join(tmpdir(), 'xai-e2e-pairs-')), 'report');
  await page.getByTestId('report-dir').fill(dir);
  await page.getByTestId('save-report-button').click();
  await expect(page.getByTestId('report-message')).toHaveText(`Report saved to ${dir}`, { timeout: 60_000 });
  const report = await page.context().newPage();
  await report.goto(pathToFileURL(join(dir, 'index.html')).href);
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await report.setViewportSize({ width, height });
    await snapshot(report.locator('body'), `${name}-report-${width}`);
    if (SHOTS) {
      await report.locator('section[data-section="sentence"]').first().scrollIntoViewIfNeeded();
      await report.screenshot({ path: `${SHOTS}/${name}-report-${width}x${height}.png` });
    }
  }
  return report;
}

test("a dropped file of pairs shows each pair's two texts apart in every pane", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1280, height: 800 });
  await openTinyBert(page);
  // Zero-shot is on offer for an NLI model, and off until labels are given: pairs are explained as pairs.
  await expect(page.getByTestId('zero-shot-status')).toHaveText('off');
  await dropFile(page, 'pairs.txt', Buffer.from(PAIRS.map((pair) => pair.join('\t')).join('\n')));
  await expect(page.getByTestId('sentence-count')).toHaveText('2');
  await expect(page.getByTestId('sentence-row').first()).toContainText(`${PAIRS[0][0]} │ ${PAIRS[0][1]}`);

  for (const pane of [page.getByTestId('pane-0'), page.getByTestId('pane-1')]) {
    const segments = pane.getByTestId('heat-segment');
    await expect(segments).toHaveCount(2, { timeout: 30_000 });
    await expect(segments.getByTestId('heat-segment-label')).toHaveText(['A text', 'B text pair']);
    // The first text with [CLS] and the separator, the second with the final [SEP].
    const first = segments.nth(0).getByTestId('heat-chip');
    const second = segments.nth(1).getByTestId('heat-chip');
    await expect(first.first()).toHaveText('[CLS]');
    await expect(first.last()).toHaveText('[SEP]');
    await expect(first.last()).toHaveAttribute('data-special', 'true');
    expect(await spelled(segments.nth(0))).toBe(`[CLS]${squeeze(PAIRS[0][0])}[SEP]`);
    expect(await spelled(segments.nth(1))).toBe(`${squeeze(PAIRS[0][1])}[SEP]`);
    await expect(second.last()).toHaveText('[SEP]');
    await expect(second.first()).toHaveAttribute('title', /· text pair \(B\)$/);
    // The second text sits below the first, on its own line.
    const [top, bottom] = [await segments.nth(0).boundingBox(), await segments.nth(1).boundingBox()];
    expect(bottom!.y).toBeGreaterThanOrEqual(top!.y + top!.height - 1);
    await expect(pane.getByTestId('top-k')).toContainText(/[AB]·/);
  }
  // The attention pane names each token's text on its axes.
  const heatmap = page.getByTestId('pane-0').getByTestId('attention-heatmap');
  await expect(heatmap).toContainText('A·man');
  await expect(heatmap).toContainText('B·');
  // Words are grouped within each text.
  const left = page.getByTestId('pane-0');
  await left.getByTestId('words-toggle').check();
  await expect(left.getByTestId('heat-segment').nth(0).getByTestId('heat-chip')).toContainText(['guitar']);
  await expect(left.getByTestId('heat-segment').nth(1).getByTestId('heat-chip')).toContainText(['music']);
  await left.getByTestId('words-toggle').uncheck();

  const comparison = page.getByTestId('comparison-table');
  await expect(comparison.getByTestId('comparison-segment')).toHaveText(['A · text', 'B · text pair'], {
    timeout: 60_000,
  });
  const divider = comparison.locator('thead th.divider[data-testid="comparison-token"]');
  await expect(divider).toHaveCount(1);
  await expect(divider).toHaveAttribute('title', /· text pair \(B\)$/);
  await expect(comparison.locator('tbody tr').first().locator('td.divider')).toHaveCount(1);
  await snapshot(comparison, 'pairs-comparison-table');
  await shots(page, 'pairs', () => expect(page.getByTestId('pane-0').getByTestId('heat-segment')).toHaveCount(2));

  // A typed pair: the second field makes the row a pair, explained as one.
  await page.getByTestId('sentence-input').fill('A dog runs in the park.');
  await page.getByTestId('sentence-pair-input').fill('An animal is outside.');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('sentence-count')).toHaveText('3');
  await expect(page.getByTestId('sentence-row').nth(2)).toHaveClass(/selected/);
  await expect(page.getByTestId('sentence-row').nth(2)).toContainText(
    'A dog runs in the park. │ An animal is outside.',
  );
  await expect(page.getByTestId('sentence-pair-input')).toHaveValue('');
  const typed = page.getByTestId('pane-1').getByTestId('heat-segment');
  await expect(typed).toHaveCount(2, { timeout: 30_000 });
  await expect.poll(() => spelled(typed.nth(1))).toBe(`${squeeze('An animal is outside.')}[SEP]`);
  // A single typed text stays one text, shown as before.
  await page.getByTestId('sentence-input').fill('A dog runs in the park.');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('sentence-count')).toHaveText('4');
  await expect(page.getByTestId('pane-1').getByTestId('heat-chip').first()).toHaveText('[CLS]', { timeout: 30_000 });
  await expect(page.getByTestId('pane-1').getByTestId('heat-segment')).toHaveCount(0);
  await page.getByTestId('sentence-row').first().click();

  const report = await saveAndOpenReport(page, 'pairs');
  await expect(report.locator('[data-section="summary"]')).toContainText(`${PAIRS[0][0]}│${PAIRS[0][1]}`);
  await expect(report.locator('[data-section="pair"]').first()).toContainText(`A · text${PAIRS[0][0]}`);
  await expect(report.locator('figure[data-chart="s1-attention-heat"] svg [data-segment="B"]')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('zero-shot labels classify a typed sentence: one bar per candidate, another one click apart', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1280, height: 800 });
  await openTinyBert(page);
  await page.getByTestId('zero-shot-labels').fill('sports, politics, technology');
  await page.getByTestId('zero-shot-apply').click();
  await expect(page.getByTestId('zero-shot-status')).toHaveText('on · 3 candidates');
  await page.getByTestId('sentence-input').fill(ZERO_SHOT_TEXT);
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('sentence-count')).toHaveText('1');

  const bars = page.getByTestId('zero-shot-bars').getByTestId('zero-shot-bar');
  await expect(bars).toHaveCount(3, { timeout: 30_000 });
  await expect(bars.locator('.label')).toHaveText(['sports', 'politics', 'technology']);
  // tiny-bert's golden zero-shot scores (transformers' pipeline): a softmax across the candidates.
  await expect(bars).toContainText(['0.434', '0.284', '0.283']);
  const widths = await bars
    .locator('.prob-fill')
    .evaluateAll((fills) => fills.map((fill) => parseFloat((fill as HTMLElement).style.width)));
  expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  await expect(bars.nth(0)).toHaveAttribute('data-explained', 'true');
  await expect(page.getByTestId('sentence-row').first().getByTestId('zero-shot-label')).toHaveText('sports');

  const pane = page.getByTestId('pane-1');
  await expect(pane.getByTestId('summary-explained')).toHaveText('sports', { timeout: 30_000 });
  await expect(pane.getByTestId('summary-target')).toHaveText('entailment');
  const segments = pane.getByTestId('heat-segment');
  await expect(segments.getByTestId('heat-segment-label')).toHaveText(['A text', 'B hypothesis']);
  await expect.poll(() => spelled(segments.nth(1))).toBe('thisexampleissports.[SEP]');

  // Another candidate, one click apart: every pane explains its pair.
  await bars.nth(1).click();
  await expect(bars.nth(1)).toHaveAttribute('data-explained', 'true');
  await expect(pane.getByTestId('summary-explained')).toHaveText('politics', { timeout: 30_000 });
  await expect.poll(() => spelled(segments.nth(1))).toBe('thisexampleispolitics.[SEP]');
  await expect(page.getByTestId('comparison-zero-shot')).toContainText('politics');
  // Zero-shot explains entailment: the pane offers no target of its own.
  await expect(pane.locator('select[data-option="target"]')).toHaveCount(0);
  await expect(page.getByTestId('comparison-table').getByTestId('comparison-segment')).toHaveText(
    ['A · text', 'B · hypothesis'],
    { timeout: 60_000 },
  );
  await snapshot(page.getByTestId('comparison'), 'zeroshot-comparison');
  await bars.nth(0).click();
  await expect(pane.getByTestId('summary-explained')).toHaveText('sports', { timeout: 30_000 });
  await shots(page, 'zeroshot', () => expect(bars).toHaveCount(3));

  const report = await saveAndOpenReport(page, 'zeroshot');
  const candidates = report.locator('[data-section="zero-shot"] tr');
  await expect(candidates).toHaveCount(3);
  await expect(candidates.nth(0)).toContainText('sports');
  await expect(candidates.nth(0)).toContainText('0.434');
  await expect(report.locator('[data-section="summary"]')).toContainText('sports 0.434 · politics 0.284');
  expect(errors).toEqual([]);
});
