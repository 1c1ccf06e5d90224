/**
 * A byte-level BPE model (tiny-roberta) loaded from its folder in the model bar: every pane shows tokens as the
 * text they cover (`look`, not `Ġlook`), the word toggle is on offer and joins a word's pieces, and the
 * layers × heads grid names the model's own first token, `<s>`.
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { snapshot } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

const SENTENCE = 'Xylophones look unbelievably good';
let host: WebHost;
let model: string;
let scratch: string | undefined;

/** tiny-roberta with its tokenizer: the fixture folder, or a copy of it plus fixtures/tokenizers/roberta-bpe. */
function robertaFolder(): string {
  const fixture = resolve('fixtures/models/tiny-roberta');
  if (existsSync(join(fixture, 'tokenizer.json'))) return fixture;
  scratch = mkdtempSync(join(tmpdir(), 'xai-e2e-roberta-'));
  cpSync(fixture, scratch, { recursive: true });
  cpSync(resolve('fixtures/tokenizers/roberta-bpe'), scratch, { recursive: true });
  return scratch;
}

test.beforeAll(async () => {
  model = robertaFolder();
  host = await startWebHost();
});

test.afterAll(() => {
  host.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Opens the app, loads tiny-roberta from its folder and adds the sentence. */
async function openRoberta(page: Page): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await page.getByTestId('model-source').fill(model);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('model')).toContainText('roberta', { timeout: 30_000 });
  await expect(page.getByTestId('model')).toContainText('BPE tokenizer');
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await page.getByTestId('sentence-input').fill(SENTENCE);
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('sentence-count')).toHaveText('1');
}

test('a RoBERTa model shows readable tokens, its words and its own first token', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1280, height: 800 });
  await openRoberta(page);
  const pane = page.getByTestId('pane-0');
  await expect(pane.getByTestId('pane-method')).toHaveValue('attention');
  const chips = pane.getByTestId('heat-chip');
  await expect(chips).toHaveText(['<s>', 'X', 'yl', 'oph', 'ones', 'look', 'unbelievably', 'good', '</s>'], {
    timeout: 30_000,
  });
  await expect(chips.nth(5)).toHaveAttribute('title', /^look \(Ġlook\): /);
  // The charts name tokens by their text too, and the grid its first token.
  await expect(pane.getByTestId('attention-heatmap')).toContainText('look 5');
  await expect(pane.getByTestId('head-grid')).toContainText('First-token (<s>) attention: 2 layers × 4 heads');
  await expect(pane.getByTestId('top-k')).not.toContainText('Ġ');
  await expect(pane.getByTestId('attention-heatmap')).not.toContainText('Ġ');

  const toggle = pane.getByTestId('words-toggle');
  await expect(toggle).toBeEnabled();
  await toggle.check();
  await expect(chips).toHaveText(['<s>', 'Xylophones', 'look', 'unbelievably', 'good', '</s>']);

  const comparison = page.getByTestId('comparison-table');
  await expect(comparison.locator('thead th')).toHaveText(
    ['Method', '<s>', 'X', 'yl', 'oph', 'ones', 'look', 'unbelievably', 'good', '</s>'],
    { timeout: 60_000 },
  );
  await expect(comparison.locator('thead th').nth(6)).toHaveAttribute('title', 'look (Ġlook)');
  await snapshot(pane, 'roberta-pane');
  expect(errors).toEqual([]);
});
