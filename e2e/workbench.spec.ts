/**
 * The workbench in browser mode against the real web host and engine: the compare flow (flows.ts), running and
 * cancelling a long job, surviving a binary file.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { compareFlow, dropFile, SEED, snapshot } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => host.stop());

async function open(page: Page): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
}

test('drop a file, select the seed sentence, compare two methods side by side', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // CSP violations (inline script, eval) surface as console errors.
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await open(page);
  // Ticked methods run on every selection: by default the fast, non-redundant ones; the rest on demand.
  const ticked = await page
    .locator('[data-method]:has(input[type="checkbox"]:checked)')
    .evaluateAll((methods) => methods.map((method) => method.getAttribute('data-method')));
  expect(ticked.sort()).toEqual(
    ['attention', 'gradient_x_input', 'integrated_gradients_x_input', 'occlusion', 'shap'].sort(),
  );
  await expect(page.locator('[data-method="lime"]')).toContainText('on demand');
  await compareFlow(page, 'workbench');
  expect(errors).toEqual([]);
});

test('cancelling a long job stops it and keeps the finished rows', async ({ page }) => {
  await open(page);
  const words = 'the film was long and the acting was uneven but the music was lovely';
  const lines = Array.from({ length: 500 }, (_, i) => `Sentence ${i}: ${words}, scene ${i} of many.`);
  await dropFile(page, 'long.txt', Buffer.from(lines.join('\n')));
  await expect(page.getByTestId('sentence-count')).toHaveText('500');
  expect(await page.getByTestId('sentence-row').count()).toBeLessThan(50); // virtualized: only rows in view
  await page.getByTestId('run').click();
  await expect(page.getByTestId('job-status')).toHaveText('running');
  await expect.poll(async () => done(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('job-status')).toHaveText('cancelled', { timeout: 30_000 });
  const kept = await done(page);
  expect(kept).toBeLessThan(500);
  await page.waitForTimeout(1000);
  expect(await done(page)).toBe(kept); // stopped: nothing more arrives
  await expect(page.getByTestId('sentence-row').first()).toHaveAttribute('data-explained', 'true');
  await snapshot(page.getByTestId('methods'), 'workbench-cancelled-job');
});

async function done(page: Page): Promise<number> {
  const text = (await page.getByTestId('job-done').textContent()) ?? '0/0';
  return Number(text.split('/')[0]);
}

test('a binary file shows an error and the app keeps working', async ({ page }) => {
  await open(page);
  await dropFile(page, 'sentences.txt', readFileSync('examples/sentences.txt'));
  await expect(page.getByTestId('sentence-count')).toHaveText('6');
  await dropFile(page, 'model.txt', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x10]));
  await expect(page.getByTestId('input-error')).toContainText('model.txt is not a text file');
  await expect(page.getByTestId('sentence-count')).toHaveText('6'); // the list survives
  await page.getByTestId('sentence-input').fill('What a wonderful day');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('sentence-count')).toHaveText('7');
  await expect(page.getByTestId('sentence-row').filter({ hasText: 'What a wonderful day' })).toContainText('POSITIVE');
  await expect(page.getByTestId('input-error')).toHaveCount(0);
  await snapshot(page.locator('.app'), 'workbench-after-binary');

  // A .csv with a true label: a prediction that disagrees with it is marked.
  // …and its row with an empty text is skipped, with a word under the drop zone saying which.
  await dropFile(
    page,
    'labelled.csv',
    Buffer.from('id,text,label\n1,"What a wonderful, delightful film!",NEGATIVE\n2,"  ",POSITIVE\n'),
  );
  await expect(page.getByTestId('sentence-count')).toHaveText('1');
  await expect(page.getByTestId('input-warning')).toHaveText('labelled.csv: skipped 1 empty sentence (row 3)');
  const label = page.getByTestId('sentence-row').locator('.label');
  await expect(label).toHaveText('POSITIVE');
  await expect(label).toHaveClass(/wrong/);
  await expect(label).toHaveAttribute('title', 'true label: NEGATIVE');
});

test('a long sentence draws its attention map on canvas', async ({ page }) => {
  await open(page);
  // Only attention: the comparison view runs the ticked methods, and the slow ones are not the point here.
  for (const method of await page.locator('[data-method]').all()) {
    const box = method.locator('input[type="checkbox"]').first();
    if ((await method.getAttribute('data-method')) !== 'attention' && (await box.isEnabled())) await box.uncheck();
  }
  const words = Array.from({ length: 90 }, (_, i) => (i % 3 === 0 ? 'terrible' : `word${i}`)).join(' ');
  await page.getByTestId('sentence-input').fill(words);
  await page.getByRole('button', { name: 'Add' }).click();
  const heatmap = page.getByTestId('pane-0').getByTestId('attention-heatmap');
  await expect(heatmap.locator('canvas').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('comparison-table').locator('tbody tr')).toHaveCount(1);
  await snapshot(heatmap, 'workbench-long-attention');
});

test('a rationale in the file adds the plausibility metrics to the evaluation table', async ({ page }) => {
  await open(page);
  // One 0/1 per token without [CLS]/[SEP]: "you look terrible ! maybe you should rest ?"
  const row = { text: SEED, label: 'NEGATIVE', rationale: [0, 0, 1, 0, 0, 0, 0, 0, 0] };
  await dropFile(page, 'rationale.jsonl', Buffer.from(`${JSON.stringify(row)}\n`));
  await expect(page.getByTestId('sentence-count')).toHaveText('1');
  const evaluation = page.getByTestId('evaluation-table');
  for (const metric of ['aopc_compr', 'aopc_suff', 'taucorr_loo', 'auprc_plau', 'token_f1_plau', 'token_iou_plau'])
    await expect(evaluation.locator(`thead th[data-metric="${metric}"]`)).toHaveCount(1, { timeout: 30_000 });
  expect(await evaluation.locator('td[data-best]').count()).toBeGreaterThanOrEqual(6);
  await snapshot(evaluation, 'workbench-evaluation-plausibility');
});
