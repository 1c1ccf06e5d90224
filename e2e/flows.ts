/**
 * The compare flow shared by the browser (web host) and Electron specs: drop a file, pick the seed sentence,
 * two methods side by side, the comparison view, keyboard and theme. Screenshots of each view go to
 * test-results/ and are checked to hold a picture (pixel spread), not an empty box.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';

export const SEED = 'You look terrible! Maybe you should rest?';

/**
 * The demo model's probability of the seed sentence as the app shows it (3 decimals), from its PyTorch golden
 * (fixtures/golden/demo-sst2.json, written by scripts/export_models.py from the trained weights).
 */
const DEMO_GOLDEN = JSON.parse(readFileSync('fixtures/golden/demo-sst2.json', 'utf8')) as {
  sentences: { text: string; probabilities: number[] }[];
};
export const SEED_PROBABILITY = Math.max(
  ...DEMO_GOLDEN.sentences.find((sentence) => sentence.text === SEED)!.probabilities,
).toFixed(3);
export const SEED_SUMMARY = `NEGATIVE (${SEED_PROBABILITY})`;

export /** Drops a file the way a user's drag from the desktop arrives: a `drop` event carrying a DataTransfer. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, data }) => {
      const dataTransfer = new DataTransfer();
      dataTransfer.items.add(new File([new Uint8Array(data)], name));
      return dataTransfer;
    },
    { name, data: [...bytes] },
  );
  await page.getByTestId('drop-zone').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
}

/** Saves a screenshot of `view` and checks it is not blank: some channel must vary across its pixels. */
export async function snapshot(view: Locator, name: string): Promise<void> {
  const png = await view.screenshot({ path: `test-results/${name}.png` });
  const { channels } = await sharp(png).stats();
  const spread = Math.max(...channels.slice(0, 3).map((channel) => channel.stdev));
  expect(spread, `${name}.png looks blank`).toBeGreaterThan(10);
}

/** Runs with the demo model loaded ("Ready"); `prefix` names the screenshots. */
export async function compareFlow(page: Page, prefix: string): Promise<void> {
  await dropFile(page, 'sentences.txt', readFileSync('examples/sentences.txt'));
  await expect(page.getByTestId('sentence-count')).toHaveText('6');
  const seed = page.getByTestId('sentence-row').filter({ hasText: SEED });
  await expect(seed).toContainText('NEGATIVE');
  await expect(seed).toContainText(SEED_PROBABILITY);

  await page.getByTestId('sentence-row').nth(1).click();
  await seed.click();
  await expect(seed).toHaveClass(/selected/);

  const [left, right] = [page.getByTestId('pane-0'), page.getByTestId('pane-1')];
  await expect(left.getByTestId('pane-method')).toHaveValue('attention');
  await expect(right.getByTestId('pane-method')).not.toHaveValue('attention');
  for (const pane of [left, right]) {
    await expect(pane.getByTestId('summary')).toContainText(SEED_SUMMARY);
    await expect(pane.getByTestId('heat-text')).toContainText('terrible');
    await expect(pane.getByTestId('top-k').locator('svg')).toBeVisible();
  }
  await expect(left.getByTestId('attention-heatmap').locator('svg')).toBeVisible();
  await expect(left.getByTestId('head-grid').locator('svg')).toBeVisible();

  // A pane's own options re-request the explanation: one head of one layer.
  await left.locator('select[data-option="layer"]').selectOption('0');
  await left.locator('select[data-option="head"]').selectOption('1');
  await expect(left.getByTestId('attention-heatmap')).toContainText('layer 0 · head 1');
  // A click on a thumbnail of the layers × heads grid (layer 1, head 2) selects it. Where it sits follows
  // headGridOption's layout (percent positions from the counts in the grid's title), whatever the demo's size.
  // Retried: the charts re-render (and the pane may reflow) while the previous head's answer lands.
  const grid = left.getByTestId('head-grid');
  const [, layers, heads] = /(\d+) layers × (\d+) heads/.exec((await grid.textContent()) ?? '')!.map(Number);
  const [x, y] = [0.06 + ((2 + 0.5) * 0.92) / heads!, 0.08 + ((1 + 0.5) * 0.88) / layers!];
  await expect(async () => {
    const box = (await grid.boundingBox())!;
    await grid.click({ position: { x: box.width * x, y: box.height * y } });
    await expect(left.getByTestId('attention-heatmap')).toContainText('layer 1 · head 2', { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });

  const comparison = page.getByTestId('comparison');
  // Every method the engine registers for this model (more arrive as explainers land), at least two.
  await expect(comparison.getByRole('heading', { name: 'Comparison' })).not.toContainText('explaining', {
    timeout: 60_000,
  });
  expect(await comparison.getByTestId('comparison-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
  await expect(comparison.getByTestId('agreement-chart').locator('svg')).toBeVisible();
  // ferret's evaluation table: one row per compared method, the faithfulness metrics, the best of each marked.
  const evaluation = comparison.getByTestId('evaluation-table');
  await expect(evaluation.locator('tbody tr')).toHaveCount(
    await comparison.getByTestId('comparison-table').locator('tbody tr').count(),
  );
  for (const metric of ['aopc_compr', 'aopc_suff', 'taucorr_loo']) {
    const column = await evaluation
      .locator('thead th')
      .evaluateAll((headers, id) => headers.findIndex((header) => header.getAttribute('data-metric') === id), metric);
    expect(column, `${metric} column`).toBeGreaterThan(0);
    const marked = evaluation.locator(`tbody tr > :nth-child(${column + 1})[data-best]`);
    expect(await marked.count(), `best ${metric} marked`).toBeGreaterThanOrEqual(1);
    await expect(marked.first()).toContainText('★');
  }
  await expect(evaluation).toContainText(/\d+\.\d\d s/); // per-method time beside the metrics

  // Hovering a token shows its score; the word toggle keeps the sentence readable.
  const chip = left.getByTestId('heat-text').locator('span', { hasText: 'terrible' });
  await expect(chip).toHaveAttribute('title', /^terrible: -?\d/);
  await left.getByTestId('words-toggle').check();
  await expect(left.getByTestId('heat-text')).toContainText('terrible');

  // The divider between the panes drags to resize them.
  const before = (await left.boundingBox())!.width;
  const divider = (await page.getByRole('separator').first().boundingBox())!;
  await page.mouse.move(divider.x + divider.width / 2, divider.y + 50);
  await page.mouse.down();
  await page.mouse.move(divider.x + 150, divider.y + 50, { steps: 5 });
  await page.mouse.up();
  expect((await left.boundingBox())!.width).toBeGreaterThan(before + 100);

  await snapshot(page.getByTestId('panes'), `${prefix}-panes`);
  await snapshot(comparison.getByTestId('comparison-table'), `${prefix}-comparison-table`);
  await snapshot(comparison.getByTestId('agreement-chart'), `${prefix}-agreement`);
  await snapshot(evaluation, `${prefix}-evaluation-table`);
  await snapshot(page.getByTestId('sentence-list'), `${prefix}-sentences`);

  // Keyboard: ↓ moves to the next sentence, 2 focuses the second pane.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('sentence-row').nth(1)).toHaveClass(/selected/);
  await page.keyboard.press('2');
  await expect(right).toHaveClass(/focused/);

  // Partition SHAP (where the engine registers it) adds its base value → f(x) force bar.
  if ((await right.locator('[data-testid="pane-method"] option[value="shap"]').count()) > 0) {
    await right.getByTestId('pane-method').selectOption('shap');
    await expect(right.getByTestId('force-bar')).toContainText('base value', { timeout: 30_000 });
    await snapshot(right.getByTestId('force-bar'), `${prefix}-shap-force`);
  }

  await page.getByTestId('theme').click();
  await snapshot(page.locator('.app'), `${prefix}-theme-toggled`);
}
