/**
 * Models with other heads, loaded from their folders in the model bar: a multi-label model shows one
 * independent bar per label on 0–1 (each label's own sigmoid, never renormalized) with the threshold marked and
 * the predicted labels highlighted, and offers them as targets one click apart; a regression model shows its
 * score as a number, with no bars.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { ModelBundle } from '../src/engine/model/bundle.js';
import { predictTexts } from '../src/engine/predict.js';
import { multiLabelModel, regressionModel, removeHeadModels } from './head-models.js';
import { snapshot } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

const SENTENCE = 'You look terrible! Maybe you should rest?';
/** Screenshots to look at, beside the ones in test-results/. */
const SHOTS = process.env.XAI_SHOTS_DIR;
let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => {
  host.stop();
  removeHeadModels();
});

/** The engine's own prediction of the sentence, to check the bars against. */
async function enginePrediction(folder: string) {
  const model = await ModelBundle.load(folder);
  try {
    const [predicted] = await predictTexts(model, [SENTENCE]);
    return { info: model.info, prediction: predicted!.prediction };
  } finally {
    await model.dispose();
  }
}

async function openModel(page: Page, folder: string): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await page.getByTestId('model-source').fill(folder);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('model')).toContainText(folder.split('/').at(-1)!, { timeout: 30_000 });
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await page.getByTestId('sentence-input').fill(SENTENCE);
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('sentence-count')).toHaveText('1');
}

async function shots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await expect(page.getByTestId('pane-0').getByTestId('heat-text')).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(300); // the charts resize with the window
    await snapshot(page.locator('body'), `${name}-${width}`);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/${name}-${width}x${height}.png` });
    }
  }
  if (SHOTS) {
    await page.getByTestId('theme').click();
    await page.screenshot({ path: `${SHOTS}/${name}-dark-1920x1080.png` });
    await page.getByTestId('theme').click();
  }
}

test('a multi-label model: one independent bar per label with the threshold, predicted labels as targets', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const folder = multiLabelModel();
  const { info, prediction } = await enginePrediction(folder);
  expect(info.task).toBe('multi_label_classification');
  const sigmoids = prediction.logits.map((logit) => 1 / (1 + Math.exp(-logit)));
  const predicted = info.labels.filter((_, i) => sigmoids[i]! >= 0.5);
  expect(predicted.length, 'the sentence should predict some labels').toBeGreaterThan(0);

  await page.setViewportSize({ width: 1280, height: 800 });
  await openModel(page, folder);
  await expect(page.getByTestId('model-task')).toHaveText(`multi-label · ${info.labels.length} labels`);
  await expect(page.getByTestId('model')).toContainText('threshold 0.5');

  const section = page.getByTestId('prediction');
  await expect(section).toHaveAttribute('data-task', 'multi_label_classification', { timeout: 30_000 });
  await expect(section.getByTestId('prediction-caption')).toContainText('threshold 0.5');
  const bars = section.getByTestId('prediction-bar');
  await expect(bars).toHaveCount(info.labels.length);
  // Every bar is its label's own sigmoid on a 0–1 track (not a share of their sum), the threshold at 50 %.
  for (const [i, label] of info.labels.entries()) {
    const bar = bars.nth(i);
    await expect(bar).toHaveAttribute('data-label', label);
    await expect(bar).toContainText(sigmoids[i]!.toFixed(3));
    await expect(bar).toHaveAttribute('data-predicted', String(predicted.includes(label)));
    const width = await bar.locator('.prob-fill').evaluate((fill) => parseFloat((fill as HTMLElement).style.width));
    expect(width).toBeCloseTo(sigmoids[i]! * 100, 1);
    await expect(bar.getByTestId('prediction-threshold')).toHaveAttribute('style', /left: 50%/);
    const track = (await bar.locator('.prob-track').boundingBox())!;
    const mark = (await bar.getByTestId('prediction-threshold').boundingBox())!;
    expect(Math.abs(mark.x + mark.width / 2 - (track.x + track.width / 2))).toBeLessThan(2);
  }
  const sum = sigmoids.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 0.01) {
    const widths = await bars
      .locator('.prob-fill')
      .evaluateAll((fills) => fills.map((fill) => parseFloat((fill as HTMLElement).style.width)));
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(sum * 100, 0);
  }

  // The sentence list names every predicted label, with a small bar per label.
  const row = page.getByTestId('sentence-row').first();
  await expect(row).toContainText(predicted.join(', '));
  await expect(row.getByTestId('mini-bars').locator('.mini-bar')).toHaveCount(info.labels.length);
  await expect(row.getByTestId('mini-bars').locator('.mini-bar.predicted')).toHaveCount(predicted.length);

  // Each predicted label is one click from being the target of a pane whose method has one (not attention's).
  const pane = page.getByTestId('pane-0');
  await expect(pane.getByTestId('target-chips')).toHaveCount(0);
  await pane.getByTestId('pane-method').selectOption('occlusion');
  const chips = pane.getByTestId('target-chip');
  await expect(chips).toHaveText(predicted);
  const target = pane.getByTestId('summary-target');
  await expect(target).toHaveText(prediction.predictedLabel, { timeout: 30_000 });
  const other = predicted.find((label) => label !== prediction.predictedLabel);
  if (other) {
    await chips.filter({ hasText: other }).click();
    await expect(target).toHaveText(other, { timeout: 30_000 });
    await expect(chips.filter({ hasText: other })).toHaveClass(/active/);
    await expect(pane.locator('select[data-option="target"]')).toHaveValue(String(info.labels.indexOf(other)));
  }
  await shots(page, 'heads-multilabel');
  expect(errors).toEqual([]);
});

test('a regression model: the score as a number, no bars and no probability', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const folder = await regressionModel();
  const { info, prediction } = await enginePrediction(folder);
  expect(info.task).toBe('regression');
  const score = prediction.score!.toFixed(3);

  await page.setViewportSize({ width: 1280, height: 800 });
  await openModel(page, folder);
  await expect(page.getByTestId('model-task')).toHaveText('regression');
  const section = page.getByTestId('prediction');
  await expect(section).toHaveAttribute('data-task', 'regression', { timeout: 30_000 });
  await expect(section.getByTestId('prediction-score')).toHaveText(score);
  await expect(section.getByTestId('prediction-bar')).toHaveCount(0);
  await expect(section).not.toContainText(/probabilit/i);
  await expect(page.getByTestId('sentence-row').first()).toContainText(score);
  const summary = page.getByTestId('pane-0').getByTestId('summary');
  await expect(summary.getByTestId('summary-score')).toHaveText(score);
  await expect(summary).not.toContainText('Predicted');
  await expect(page.getByTestId('pane-0').getByTestId('target-chips')).toHaveCount(0);
  await shots(page, 'heads-regression');
  expect(errors).toEqual([]);
});
