/**
 * The workbench's layout and look against the real web host and the demo model: with 1–4 panes at 1280 × 800
 * and 1920 × 1080 nothing inside the panes or the comparison overflows sideways (an element whose content is
 * wider than its box, unless it is a table's own scroll box, which keeps its method column sticky, or a box
 * that cuts its text on purpose); the theme and palette choices survive a reload; `?` opens the shortcut
 * overlay and the shortcuts act; an axe-core scan of every view (sentence view with panes, the shortcut
 * overlay, corpus view, comparison, the head view) in both themes finds no serious or critical violation.
 * Screenshots at both sizes in light and dark go to test-results/ (and XAI_SHOTS_DIR when set), checked not
 * blank.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { copyFileSync, readFileSync } from 'node:fs';
import { dropFile, SEED, snapshot } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

const SHOTS = process.env.XAI_SHOTS_DIR;
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => host.stop());

async function shot(view: Locator, name: string): Promise<void> {
  await snapshot(view, name);
  if (SHOTS) copyFileSync(`test-results/${name}.png`, `${SHOTS}/${name}.png`);
}

/**
 * No element inside `box` overflows sideways: `box` itself fits, and every element that lets its content show
 * (overflow-x visible) is at least as wide as its content. Boxes that scroll are allowed only around a table
 * (whose first column must then be sticky) or a chart (the head view's canvas); boxes that clip are truncations.
 */
async function noHorizontalOverflow(box: Locator, what: string): Promise<void> {
  const problems = await box.evaluate((root) => {
    const found: string[] = [];
    const name = (element: Element) =>
      `${element.tagName.toLowerCase()}.${String(element.className).split(' ')[0]} in ${element.closest('[data-testid]')?.getAttribute('data-testid')}`;
    if (root.scrollWidth > root.clientWidth + 1)
      found.push(`${what} itself: ${root.scrollWidth} > ${root.clientWidth}`);
    for (const element of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
      if (!(element instanceof HTMLElement) || element.clientWidth === 0) continue;
      if (element.scrollWidth <= element.clientWidth + 1) continue;
      const overflow = getComputedStyle(element).overflowX;
      if (overflow === 'hidden' || overflow === 'clip') continue;
      if (overflow === 'auto' || overflow === 'scroll') {
        const table = element.querySelector(':scope > table');
        if (table) {
          const first = table.querySelector('tbody tr > :first-child');
          if (first && getComputedStyle(first).position !== 'sticky')
            found.push(`${name(element)}: method column not sticky`);
          continue;
        }
        if (element.querySelector('canvas, svg')) continue;
      }
      found.push(`${name(element)}: ${element.scrollWidth} > ${element.clientWidth} (${overflow})`);
    }
    return found.slice(0, 10);
  });
  expect(problems, `${what} overflows`).toEqual([]);
}

async function comparisonReady(page: Page): Promise<void> {
  const comparison = page.getByTestId('comparison');
  await expect(comparison.getByTestId('comparison-table')).toBeVisible({ timeout: 60_000 });
  await expect(comparison.getByRole('heading', { name: 'Comparison' })).not.toContainText('explaining', {
    timeout: 60_000,
  });
}

async function panesReady(page: Page, count: number): Promise<void> {
  await expect(page.getByTestId('pane-count-1')).toBeVisible();
  await page.getByTestId(`pane-count-${count}`).click();
  for (let i = 0; i < count; i += 1) {
    await expect(page.getByTestId(`pane-${i}`).getByTestId('heat-text')).toContainText('terrible', {
      timeout: 60_000,
    });
  }
  // Charts resize with their pane on the next frame.
  await page.waitForTimeout(300);
}

/** axe-core's serious and critical violations of the page as it is now (each with a few of its nodes). */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 4)
          .map((node) => `${node.target.join(' ')} ${node.failureSummary?.split('\n')[1] ?? ''}`)
          .join(' | ')}`,
    );
}

async function openWithSentences(page: Page): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await dropFile(page, 'sentences.txt', readFileSync('examples/sentences.txt'));
  await expect(page.getByTestId('sentence-count')).toHaveText('6');
  await page.getByTestId('sentence-row').filter({ hasText: SEED }).click();
}

test('1–4 panes and the comparison never overflow at 1280×800 and 1920×1080; screenshots light and dark', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(SIZES[0]);
  await openWithSentences(page);
  await comparisonReady(page);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const count of [1, 2, 3, 4]) {
      await panesReady(page, count);
      await comparisonReady(page);
      const at = `${size.width}×${size.height}, ${count} pane${count > 1 ? 's' : ''}`;
      await noHorizontalOverflow(page.getByTestId('panes'), `panes at ${at}`);
      for (let i = 0; i < count; i += 1)
        await noHorizontalOverflow(page.getByTestId(`pane-${i}`), `pane ${i} at ${at}`);
      await noHorizontalOverflow(page.getByTestId('comparison'), `comparison at ${at}`);
    }
    for (const count of [2, 4]) {
      await panesReady(page, count);
      for (const theme of ['light', 'dark'] as const) {
        if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByTestId('theme').click();
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        await page.waitForTimeout(300);
        await shot(page.locator('.app'), `look-${size.width}x${size.height}-${count}panes-${theme}`);
      }
    }
  }
});

test('the theme follows the system until picked, and the pick and the palette survive a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(host.url);
  // Loaded before the reload: a reload mid-load would load the model twice at once.
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  await page.getByTestId('theme').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('theme')).toHaveAccessibleName('Switch to the light theme');
  await page.getByTestId('palette').selectOption('blue-orange');
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  // The pick holds against the system setting (light here), and the palette with it.
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('palette')).toHaveValue('blue-orange');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  // The palette colours the heat text and draws its legend.
  await dropFile(page, 'sentences.txt', readFileSync('examples/sentences.txt'));
  await page.getByTestId('sentence-row').filter({ hasText: SEED }).click();
  const heat = page.getByTestId('pane-0').getByTestId('heat-text');
  await expect(heat).toContainText('terrible', { timeout: 60_000 });
  await expect(heat.getByTestId('scale-legend')).toBeVisible();
  const legend = await heat.getByTestId('scale-legend').locator('.bar').getAttribute('style');
  expect(legend).toMatch(/rgb\(8, 81, 156\)|#08519c/);
  await page.getByTestId('palette').selectOption('red-blue');
  await expect(heat.getByTestId('scale-legend').locator('.bar')).toHaveAttribute(
    'style',
    /rgb\(33, 102, 172\)|#2166ac/,
  );
});

test('? opens the shortcut overlay; the shortcuts act', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(SIZES[0]);
  await openWithSentences(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });

  await page.keyboard.press('?');
  const overlay = page.getByTestId('shortcut-overlay');
  await expect(overlay.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  for (const key of ['Run the ticked methods', 'Cancel the running job', 'Next sentence', 'Toggle light and dark']) {
    await expect(overlay).toContainText(key);
  }
  await shot(page.locator('.app'), 'look-shortcuts');
  expect(await seriousViolations(page), 'axe: shortcut overlay').toEqual([]);
  await page.keyboard.press('Escape');
  await expect(overlay).toHaveCount(0);
  await page.getByTestId('help').click();
  await expect(overlay).toBeVisible();
  await page.getByTestId('shortcut-close').click();
  await expect(overlay).toHaveCount(0);

  const selected = Number(await page.locator('[data-testid="sentence-row"].selected').getAttribute('data-index'));
  await page.keyboard.press('j');
  await expect(page.locator('[data-testid="sentence-row"].selected')).toHaveAttribute(
    'data-index',
    String(selected + 1),
  );
  await page.keyboard.press('k');
  await expect(page.locator('[data-testid="sentence-row"].selected')).toHaveAttribute('data-index', String(selected));

  const theme = await page.locator('html').getAttribute('data-theme');
  await page.keyboard.press('t');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', theme!);
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme!);

  await page.keyboard.press('p');
  await expect(page.getByTestId('palette')).toHaveValue('blue-orange');
  await page.keyboard.press('p');
  await expect(page.getByTestId('palette')).toHaveValue('red-blue');

  await page.keyboard.press('v');
  await expect(page.getByTestId('view-corpus')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('v');
  await expect(page.getByTestId('view-sentence')).toHaveAttribute('aria-selected', 'true');

  // r runs; the status bar shows the job and its Cancel; Esc cancels (or the job is already done).
  await page.keyboard.press('r');
  await expect(page.getByTestId('status-job')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('status-job-status')).toHaveText(/cancelled|completed/, { timeout: 60_000 });

  // Typing in a field is not a shortcut.
  await page.getByTestId('sentence-input').fill('t?v');
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme!);
  await expect(overlay).toHaveCount(0);
});

test('axe finds no serious or critical violation in any view, light or dark', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize(SIZES[0]);
  await page.emulateMedia({ colorScheme: 'light' });
  await openWithSentences(page);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status-job-status')).toHaveText('completed', { timeout: 120_000 });
  await panesReady(page, 3);
  await comparisonReady(page);
  for (const theme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByTestId('theme').click();
    await page.getByTestId('view-sentence').click();
    await panesReady(page, 3);
    expect(await seriousViolations(page), `axe: sentence view, panes and comparison (${theme})`).toEqual([]);

    const pane = page.getByTestId('pane-0');
    await expect(pane.getByTestId('pane-method')).toHaveValue('attention');
    await pane.getByTestId('head-view-open').click();
    await expect(pane.getByTestId('head-view-chart').locator('svg, canvas').first()).toBeVisible({ timeout: 30_000 });
    expect(await seriousViolations(page), `axe: head view (${theme})`).toEqual([]);
    await pane.getByTestId('head-view-open').click();

    await page.getByTestId('view-corpus').click();
    await expect(page.getByTestId('view-corpus')).toHaveAttribute('aria-selected', 'true');
    await page.waitForTimeout(500);
    expect(await seriousViolations(page), `axe: corpus view (${theme})`).toEqual([]);
    await shot(page.locator('.app'), `look-corpus-${theme}`);
  }
});
