/**
 * The corpus view against the real web host and engine: a labelled 200-sentence file (e2e/fixtures/corpus-200.jsonl:
 * templated reviews, every tenth labelled the other way on purpose so that the file has errors whatever the demo
 * model's weights), two fast methods run over it, then the corpus view: the table filtered to errors, a global
 * token's bar clicked (the table narrows to the sentences holding it), a confusion cell clicked, a row opened in
 * the sentence view. Screenshots of both views at 1280×800 and 1920×1080 are checked not blank. Expectations
 * read the page's own numbers, never the demo model's.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dropFile, snapshot } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

const FILE = 'e2e/fixtures/corpus-200.jsonl';
const FAST = ['attention', 'gradient_x_input'];
let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => host.stop());

/** The table's rows in the DOM (virtualized: those in view), as [index, text, predicted, outcome]. */
async function visibleRows(page: Page): Promise<{ text: string; wrong: boolean }[]> {
  return page.getByTestId('corpus-row').evaluateAll((rows) =>
    rows.map((row) => ({
      text: row.querySelector('[data-column="text"]')?.textContent?.trim() ?? '',
      wrong: row.classList.contains('wrong'),
    })),
  );
}

async function count(page: Page): Promise<[number, number]> {
  const text = (await page.getByTestId('corpus-count').textContent()) ?? '';
  const [shown, total] = /(\d+) of (\d+)/.exec(text)!.slice(1).map(Number);
  return [shown!, total!];
}

test('a labelled file at a glance: errors, a global token, a confusion cell, one sentence opened', async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });

  // Before a file: the view says what to do.
  await page.getByTestId('view-corpus').click();
  await expect(page.getByTestId('corpus-empty')).toContainText('label');
  await page.getByTestId('view-sentence').click();

  await dropFile(page, 'corpus-200.jsonl', readFileSync(FILE));
  await expect(page.getByTestId('sentence-count')).toHaveText('200');
  // Two fast methods only.
  for (const method of await page.locator('[data-method]').all()) {
    const box = method.locator('input[type="checkbox"]').first();
    if (!(await box.isEnabled())) continue;
    const id = (await method.getAttribute('data-method'))!;
    await box.setChecked(FAST.includes(id));
  }
  await page.getByTestId('run').click();
  await expect(page.getByTestId('job-status')).toHaveText('completed', { timeout: 60_000 });

  await page.getByTestId('view-corpus').click();
  const view = page.getByTestId('corpus');
  await expect(page.getByTestId('corpus-stats')).toContainText('200 sentences');
  await expect(page.getByTestId('corpus-stats')).toContainText('200 labelled');
  await expect(page.getByTestId('corpus-stats')).toContainText(/accuracy \d\.\d{3}/);
  await expect(page.getByTestId('corpus-waiting')).toHaveCount(0);
  expect(await count(page)).toEqual([200, 200]);
  expect(await page.getByTestId('corpus-row').count()).toBeLessThan(40); // virtualized
  // Attention has no target class: the summary says how its tokens are counted.
  await expect(page.getByTestId('corpus-notes')).toContainText('attention has no target class');
  for (const chart of ['corpus-importance', 'corpus-confusion', 'corpus-agreement'])
    await expect(page.getByTestId(chart).locator('svg')).toBeVisible();
  await expect(page.getByTestId('corpus-evaluation').locator('tbody tr')).toHaveCount(2);
  await snapshot(view, 'corpus-view-1280');
  await snapshot(page.locator('.app'), 'corpus-app-1280');

  // Errors only: every row shown is wrong, and there are some (every tenth label is flipped).
  await page.getByTestId('corpus-filter-outcome').selectOption('wrong');
  await expect.poll(async () => (await count(page))[0]).toBeLessThan(200);
  const [wrongCount] = await count(page);
  expect(wrongCount).toBeGreaterThan(0);
  expect(wrongCount).toBeLessThan(200);
  const wrongRows = await visibleRows(page);
  expect(wrongRows.length).toBeGreaterThan(0);
  expect(wrongRows.every((row) => row.wrong)).toBe(true);
  await snapshot(page.getByTestId('corpus-table-section'), 'corpus-errors');
  await page.getByTestId('corpus-filter-outcome').selectOption('any');

  // Errors first: the wrong rows lead the table.
  await page.getByTestId('corpus-errors-first').check();
  expect((await visibleRows(page))[0]!.wrong).toBe(true);
  await page.getByTestId('corpus-errors-first').uncheck();

  // A global token (the top, strongest bar): its click keeps the sentences that hold it, in the chart's class.
  const bar = await firstMark(page, 'corpus-importance', { minWidth: 2, minHeight: 6, maxHeight: 40 });
  await page.mouse.click(bar.x, bar.y);
  const chip = page.getByTestId('corpus-chart-filter');
  await expect(chip).toContainText('token “');
  const token = /token “(.+)”/.exec((await chip.textContent()) ?? '')![1]!;
  const [narrowed] = await count(page);
  expect(narrowed).toBeGreaterThan(0);
  expect(narrowed).toBeLessThan(200);
  const piece = token.replace(/^##/, '').toLowerCase();
  for (const row of await visibleRows(page)) expect(row.text.toLowerCase()).toContain(piece);
  await snapshot(page.getByTestId('corpus-table-section'), 'corpus-token-filter');

  // A confusion cell: its sentences, all of its true label and prediction.
  await page.getByTestId('corpus-clear-filters').click();
  // The upper-left cell: true NEGATIVE → predicted NEGATIVE.
  const cell = await firstMark(page, 'corpus-confusion', { minWidth: 30, minHeight: 30, maxHeight: 400 });
  await page.mouse.click(cell.x, cell.y);
  await expect(chip).toContainText('true NEGATIVE → predicted NEGATIVE');
  // As many as the cell says.
  expect((await count(page))[0]).toBe(Number(cell.label));
  expect(
    await page
      .getByTestId('corpus-row')
      .evaluateAll((rows) =>
        rows.every(
          (row) =>
            row.querySelector('[data-column="trueLabel"]')?.textContent?.trim() === 'NEGATIVE' &&
            row.querySelector('[data-column="predictedLabel"]')?.textContent?.trim() === 'NEGATIVE',
        ),
      ),
  ).toBe(true);
  await page.getByTestId('corpus-clear-filters').click();

  // Search, then open a row: the sentence view shows it in the panes.
  await page.getByTestId('corpus-search').fill('what a terrible movie');
  await expect(page.getByTestId('corpus-count')).toHaveText(/^1 of 200$/);
  await page.getByTestId('corpus-row').first().click();
  await expect(page.getByTestId('sentence-view')).toBeVisible();
  const selected = page.getByTestId('sentence-row').and(page.locator('.selected'));
  await expect(selected).toContainText('What a terrible movie!');
  for (const pane of [page.getByTestId('pane-0'), page.getByTestId('pane-1')])
    await expect(pane.getByTestId('heat-text')).toContainText('terrible', { timeout: 20_000 });
  await snapshot(page.getByTestId('panes'), 'corpus-opened-sentence-1280');

  // The wide screen: both views again.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await snapshot(page.locator('.app'), 'corpus-sentence-view-1920');
  await page.getByTestId('view-corpus').click();
  await expect(page.getByTestId('corpus-importance').locator('svg')).toBeVisible();
  await snapshot(page.locator('.app'), 'corpus-app-1920');
  await page.getByTestId('theme').click();
  await expect(page.getByTestId('corpus-confusion').locator('svg')).toBeVisible();
  await snapshot(page.locator('.app'), 'corpus-app-dark-1920');
  expect(errors).toEqual([]);
});

/**
 * The middle of a chart's first mark (top-most, then left-most) among its filled SVG shapes of the given size:
 * bars and heatmap cells, not the axes (no fill), hit areas (black, transparent) or the scale's gradient.
 */
async function firstMark(
  page: Page,
  testId: string,
  size: { minWidth: number; minHeight: number; maxHeight: number },
): Promise<{ x: number; y: number; label: string }> {
  const chart = page.getByTestId(testId);
  await expect(chart.locator('svg')).toBeVisible();
  // Coordinates are the viewport's: the chart must be in it (the filters above scrolled the table into view).
  await chart.scrollIntoViewIfNeeded();
  const mark = await chart.locator('svg').evaluate((svg, { minWidth, minHeight, maxHeight }) => {
    const skip = /^(none|transparent|rgb\(0, ?0, ?0\)|#000|url\()/;
    const shapes = Array.from(svg.querySelectorAll('path'))
      .map((path) => ({ rect: path.getBoundingClientRect(), fill: path.getAttribute('fill') ?? 'none' }))
      .filter(({ rect, fill }) => !skip.test(fill) && rect.width >= minWidth && rect.height >= minHeight)
      .filter(({ rect }) => rect.height <= maxHeight)
      .sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left);
    const first = shapes[0]?.rect;
    if (!first) return undefined;
    // The text drawn on the mark (a heatmap cell's count), if any.
    const inside = Array.from(svg.querySelectorAll('text')).find((text) => {
      const box = text.getBoundingClientRect();
      const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
      return x > first.left && x < first.right && y > first.top && y < first.bottom;
    });
    return { x: first.left + first.width / 2, y: first.top + first.height / 2, label: inside?.textContent ?? '' };
  }, size);
  expect(mark, `a mark in ${testId}`).toBeDefined();
  return mark!;
}

test("'Measure faithfulness' makes a run evaluate: the corpus view averages ferret's metrics over the file", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  const rows = ['a wonderful film', 'a dull and boring film', 'the food was not bad at all'];
  const file = rows.map((text, i) => JSON.stringify({ text, label: i === 1 ? 'NEGATIVE' : 'POSITIVE' })).join('\n');
  await dropFile(page, 'three.jsonl', Buffer.from(`${file}\n`));
  await expect(page.getByTestId('sentence-count')).toHaveText('3');
  for (const method of await page.locator('[data-method]').all()) {
    const box = method.locator('input[type="checkbox"]').first();
    if (await box.isEnabled()) await box.setChecked((await method.getAttribute('data-method')) === 'occlusion');
  }
  await page.getByTestId('evaluate').check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('job-status')).toHaveText('completed', { timeout: 60_000 });
  await page.getByTestId('view-corpus').click();
  const table = page.getByTestId('corpus-evaluation');
  for (const metric of ['aopc_compr', 'aopc_suff', 'taucorr_loo']) {
    await expect(table.locator(`th[data-metric="${metric}"]`)).toBeVisible();
  }
  // One method over three sentences: every metric's mean is a number over n = 3.
  const cells = await table.locator('tbody tr td').allTextContents();
  expect(cells.slice(0, 3).every((cell) => /^-?\d\.\d+/.test(cell.trim()) && /3\s*$/.test(cell.trim()))).toBe(true);
});
