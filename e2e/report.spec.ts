/**
 * A report folder as a colleague receives it: written by the built CLI (3 sentences × every method of the demo
 * model, evaluated), opened from disk in Chromium. Every section renders, nothing is fetched, nothing logs an error.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TEXTS = [
  'You look terrible! Maybe you should rest?',
  'What a lovely, warm and funny film.',
  'The plot was dull.',
];
let dir: string;
let methods: string[];

test.beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'xai-e2e-report-'));
  const input = join(root, 'sentences.txt');
  writeFileSync(input, TEXTS.join('\n'));
  dir = join(root, 'report');
  const listed = spawnSync(process.execPath, ['bin/xai-workbench.js', 'methods', '--json'], { encoding: 'utf8' });
  methods = (JSON.parse(listed.stdout) as { id: string }[]).map(({ id }) => id);
  // Small sample counts keep the run short; the report's structure does not depend on them.
  const fast = ['--max-evals', '64', '--max-samples', '64', '--n-steps', '8'];
  const args = ['explain', input, '--model', 'demo', '--methods', 'all', ...fast, '--out', dir, '--evaluate'];
  const run = spawnSync(process.execPath, ['bin/xai-workbench.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, XAI_WORKBENCH_CACHE: join(root, 'cache') },
  });
  expect(run.status, run.stderr).toBe(0);
});

test('the report opens from disk, renders every section, fetches nothing and logs no error', async ({ page }) => {
  const index = pathToFileURL(join(dir, 'index.html')).href;
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => request.url() !== index && requests.push(request.url()));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(index);

  await expect(page.locator('[data-section="model"]')).toContainText('sha256');
  await expect(page.locator('[data-section="summary"] tr')).toHaveCount(TEXTS.length + 1);
  const sentences = page.locator('section[data-section="sentence"]');
  await expect(sentences).toHaveCount(TEXTS.length);
  for (const [i, text] of TEXTS.entries()) {
    const sentence = sentences.nth(i);
    await expect(sentence.locator('h2')).toContainText(text);
    for (const method of methods) {
      const section = sentence.locator(`section[data-method="${method}"]`);
      await expect(section, method).toHaveCount(1);
      await expect(section.locator('[data-section="settings"] tr').first()).toBeVisible();
      await expect(section.locator(`figure[data-chart^="s${i + 1}-${method}-heat"] svg`)).toBeVisible();
      await expect(section.locator(`figure[data-chart^="s${i + 1}-${method}-bars"] svg`).first()).toBeVisible();
    }
    for (const chart of ['attention-attention', 'attention-heads', 'comparison', 'evaluation', 'agreement']) {
      await expect(sentence.locator(`figure[data-chart="s${i + 1}-${chart}"] svg`), chart).toBeVisible();
    }
  }
  // Every chart file has its figure in the page.
  const charts = readdirSync(join(dir, 'charts')).filter((file) => file.endsWith('.svg'));
  await expect(page.locator('figure[data-chart] svg')).toHaveCount(charts.length);
  await expect(page.locator('[data-section="partial"]')).toHaveCount(0);

  expect(requests).toEqual([]);
  expect(errors).toEqual([]);
});

test('the report prints', async ({ page }) => {
  await page.goto(pathToFileURL(join(dir, 'index.html')).href);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.byteLength).toBeGreaterThan(10_000);
});
