/**
 * The attention pane's head view (bertviz's) against the real web host and the demo model: every map is asked
 * for only once the view opens; the layer selector redraws; a head's chip switches its colour's lines off and
 * on (all / none too); hovering a token keeps only its lines; a long token is cut with its whole text in the
 * tooltip; the chart scrolls inside its pane and never widens it, with 1 and 4 panes at 1280 × 800 and
 * 1920 × 1080. The chart draws SVG here (few lines), so its lines are read off the DOM: a line is a path
 * stroked in a head colour, with no fill.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { HEAD_COLORS, headViewHeight } from '../src/shared/charts/head-view.js';
import { dropFile, SEED, snapshot } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

const LONG = 'An oversimplification of a wonderful film.';
/**
 * About 120 tokens: a chart taller than its box, with too many lines for SVG on every layer (so canvas), with
 * room to spare for other demo weights (the trained demo draws 8,000–13,000 lines; 60 tokens drew 3,615).
 */
const LONGER = Array.from(
  { length: 8 },
  () => 'the film was long and the acting was uneven but the music was lovely',
).join(', ');
/** The builder's `blur.lineStyle.opacity`: what the lines a hover does not keep fade to. */
const BLUR_OPACITY = 0.02;
/** A folder to keep the screenshots in as well (test-results/ is emptied by every run). */
const SHOTS = process.env.XAI_SHOTS_DIR;
let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => host.stop());

/** `snapshot` (saved to test-results/, checked not blank), kept in `SHOTS` too when set. */
async function shot(view: Locator, name: string): Promise<void> {
  await snapshot(view, name);
  if (SHOTS) copyFileSync(`test-results/${name}.png`, `${SHOTS}/${name}.png`);
}

interface Line {
  color: string;
  /** The path's start point: the query's row. */
  from: string;
  opacity: number;
}

/** The head view's lines as drawn: each stroked path in a head colour. */
async function lines(chart: Locator): Promise<Line[]> {
  return chart.evaluate(
    (element, colors) => {
      const paths = Array.from(element.querySelectorAll('path[fill="none"][stroke]'));
      return paths
        .map((path) => ({
          color: path.getAttribute('stroke')!.toLowerCase(),
          from:
            /^M\s*([\d.]+)[ ,]([\d.]+)/
              .exec(path.getAttribute('d') ?? '')
              ?.slice(1, 3)
              .join(',') ?? '',
          opacity: Number(path.getAttribute('stroke-opacity') ?? 1),
        }))
        .filter((line) => colors.includes(line.color));
    },
    HEAD_COLORS as readonly string[],
  );
}

const colorsOf = (drawn: Line[]) => [...new Set(drawn.map((line) => line.color))].sort();

/** Every explain or compare call the page makes: the attention options it asks with. */
function attentionRequests(page: Page): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  page.on('request', (request) => {
    if (!/\/api\/call\/(explain|compare)$/.test(request.url())) return;
    const body = JSON.stringify(request.postDataJSON());
    const match = /"attention":(\{[^}]*\})/.exec(body);
    if (match) seen.push(JSON.parse(match[1]!) as Record<string, unknown>);
  });
  return seen;
}

/** No element inside `box` is wider than it: its content fits without a horizontal scroll (names any that stick out). */
async function noHorizontalOverflow(box: Locator, what: string): Promise<void> {
  const { scrollWidth, clientWidth, outside } = await box.evaluate((element) => {
    const right = element.getBoundingClientRect().left + element.clientWidth;
    const outside = Array.from(element.querySelectorAll('*'))
      .filter((child) => child.getBoundingClientRect().right > right + 0.5)
      .slice(0, 8)
      .map(
        (child) =>
          `${child.tagName.toLowerCase()} in ${child.closest('[data-testid]')?.getAttribute('data-testid')}: ${child.textContent?.slice(0, 30)}`,
      );
    return { scrollWidth: element.scrollWidth, clientWidth: element.clientWidth, outside };
  });
  expect(scrollWidth, `${what}: ${scrollWidth} > ${clientWidth}, ${outside.join(' | ')}`).toBeLessThanOrEqual(
    clientWidth,
  );
}

test('the head view: layer, head toggles, hover, long tokens, sized to its pane', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  const requests = attentionRequests(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await dropFile(page, 'sentences.txt', Buffer.from(`${SEED}\n${LONG}\n${LONGER}\n`));
  await expect(page.getByTestId('sentence-count')).toHaveText('3');
  await page.getByTestId('sentence-row').filter({ hasText: SEED }).click();

  const pane = page.getByTestId('pane-0');
  await expect(pane.getByTestId('pane-method')).toHaveValue('attention');
  await expect(pane.getByTestId('attention-heatmap').locator('svg')).toBeVisible({ timeout: 30_000 });
  // The pane's form leaves the maps option to the head view.
  await expect(pane.locator('[data-option="include_maps"]')).toHaveCount(0);
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.every((options) => options.include_maps !== true)).toBe(true);

  await pane.getByTestId('head-view-open').click();
  const chart = pane.getByTestId('head-view-chart');
  await expect(chart.locator('svg')).toBeVisible({ timeout: 30_000 });
  expect(requests.at(-1)!.include_maps).toBe(true);
  await expect(pane.getByTestId('head-view-open')).toHaveAttribute('aria-pressed', 'true');
  await expect(pane.getByTestId('attention-heatmap')).toHaveCount(0);
  await expect(pane.getByTestId('head-grid')).toHaveCount(0);

  // The demo model: 3 layers × 4 heads; the view opens on the last layer with every head.
  const layers = await pane.getByTestId('head-view-layer').locator('option').count();
  const chips = pane.getByTestId('head-chip');
  const heads = await chips.count();
  expect([layers, heads]).toEqual([3, 4]);
  await expect(pane.getByTestId('head-view-layer')).toHaveValue(String(layers - 1));
  await expect(chart).toContainText(`Head view · layer ${layers - 1} · all heads`);
  const tokens = await chart.locator('text').evaluateAll((texts) => texts.length);
  expect(tokens).toBeGreaterThan(2 * 10); // every token twice, plus the titles
  const n = 11; // [CLS] you look terrible ! maybe you should rest ? [SEP]
  expect((await chart.boundingBox())!.height).toBeCloseTo(headViewHeight(n), 0);
  const last = await lines(chart);
  expect(colorsOf(last)).toEqual(
    HEAD_COLORS.slice(0, heads)
      .map((c) => c.toLowerCase())
      .sort(),
  );
  for (let head = 0; head < heads; head += 1) {
    const color = HEAD_COLORS[head]!;
    await expect(chips.nth(head)).toHaveAttribute('aria-pressed', 'true');
    // Each chip is filled with its head's colour.
    expect(await chips.nth(head).evaluate((chip) => getComputedStyle(chip).backgroundColor)).toBe(rgb(color));
  }

  // Another layer: other weights, the same lines' colours.
  await pane.getByTestId('head-view-layer').selectOption('0');
  await expect(chart).toContainText('Head view · layer 0 · all heads');
  const first = await lines(chart);
  expect(colorsOf(first)).toEqual(colorsOf(last));
  expect(first.map((line) => line.opacity)).not.toEqual(last.map((line) => line.opacity));

  // Head 0 off: its colour's lines go, the others stay; on again, they are back.
  const [blue] = HEAD_COLORS;
  await chips.nth(0).click();
  await expect(chips.nth(0)).toHaveAttribute('aria-pressed', 'false');
  await expect(chart).toContainText('Head view · layer 0 · heads 1, 2, 3');
  const without = await lines(chart);
  expect(without.some((line) => line.color === blue)).toBe(false);
  expect(colorsOf(without)).toEqual(colorsOf(first).filter((color) => color !== blue));
  expect(without.length).toBe(first.length - first.filter((line) => line.color === blue).length);
  await shot(pane, 'head-view-head-off');
  await pane.getByTestId('heads-none').click();
  await expect(chart).toContainText('no heads');
  expect(await lines(chart)).toEqual([]);
  await pane.getByTestId('heads-all').click();
  await expect(chart).toContainText('all heads');
  expect((await lines(chart)).length).toBe(first.length);

  // Hovering a query token keeps only its lines: those not faded to the blur opacity all start at its row.
  const resting = await lines(chart);
  const query = chart.locator('text', { hasText: 'terrible' }).first();
  await query.hover();
  await expect(pane.getByText('query terrible')).toBeVisible();
  const focused = await lines(chart);
  expect(focused.map((line) => line.color)).toEqual(resting.map((line) => line.color));
  const faded = focused.filter((line, i) => line.opacity !== resting[i]!.opacity);
  const kept = focused.filter((line, i) => line.opacity === resting[i]!.opacity);
  expect(faded.every((line) => line.opacity === BLUR_OPACITY)).toBe(true);
  expect(kept.length).toBeGreaterThan(0);
  expect(kept.length).toBeLessThanOrEqual(heads * n);
  expect(faded.length).toBeGreaterThan(kept.length);
  expect(new Set(kept.map((line) => line.from)).size).toBe(1);
  expect(new Set(faded.map((line) => line.from)).has(kept[0]!.from)).toBe(false);
  await shot(pane, 'head-view-hover');
  await page.mouse.move(5, 5);
  await expect.poll(async () => lines(chart)).toEqual(resting);

  // A token wider than its label's room is cut, its whole text in the tooltip.
  await page.getByTestId('sentence-row').filter({ hasText: LONG }).click();
  const cut = chart.locator('text', { hasText: /^oversimplif.*…$/ });
  await expect(cut).toHaveCount(2, { timeout: 30_000 });
  await cut.first().hover();
  await expect(pane.getByText('query oversimplification')).toBeVisible();
  await page.mouse.move(5, 5);

  // A long sentence: the chart is 20 px a token, drawn on canvas, and scrolls in its box under the controls.
  await page.getByTestId('sentence-row').filter({ hasText: 'the music was lovely' }).click();
  await expect(chart.locator('canvas')).toBeVisible({ timeout: 30_000 });
  const tall = await pane.getByTestId('head-view-scroll').evaluate((box) => ({
    scrollHeight: box.scrollHeight,
    clientHeight: box.clientHeight,
    chartHeight: box.firstElementChild!.getBoundingClientRect().height,
  }));
  expect(Number(await chart.getAttribute('data-lines'))).toBeGreaterThan(4000);
  expect(tall.chartHeight).toBeGreaterThan(headViewHeight(50));
  expect(tall.clientHeight).toBeLessThanOrEqual(0.7 * 800 + 1);
  expect(tall.scrollHeight).toBeGreaterThan(tall.clientHeight);
  await noHorizontalOverflow(pane, 'pane with a long sentence');
  await shot(pane.getByTestId('head-view'), 'head-view-long-sentence');

  // 1 and 4 panes at both sizes: the chart scrolls in its box and widens nothing.
  await page.getByTestId('sentence-row').filter({ hasText: SEED }).click();
  await expect(chart).toContainText('Head view · layer 0 · all heads');
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const count of [1, 4]) {
      await page.getByTestId(`pane-count-${count}`).click();
      await expect(page.locator('[data-testid^="pane-"][tabindex]')).toHaveCount(count);
      await page.waitForTimeout(300); // the charts resize with their pane
      await expect(chart.locator('svg')).toBeVisible();
      const [paneBox, chartBox] = [(await pane.boundingBox())!, (await chart.boundingBox())!];
      expect(chartBox.width).toBeLessThanOrEqual(paneBox.width);
      await noHorizontalOverflow(pane, `pane 1 of ${count} at ${width}`);
      await noHorizontalOverflow(pane.getByTestId('head-view-scroll'), `head view of ${count} at ${width}`);
      // Every line still fits between the two token columns.
      expect((await lines(chart)).length).toBe(first.length);
      await shot(pane.getByTestId('head-view'), `head-view-${count}-panes-${width}`);
      await shot(page.getByTestId('panes'), `head-view-panes-${count}-${width}`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/head-view-page-${count}-panes-${width}.png` });
    }
  }
  // The dark theme redraws the chart in its colours; the chips keep theirs.
  await page.getByTestId('theme').click();
  await expect(chart.locator('svg')).toBeVisible();
  expect((await lines(chart)).length).toBe(first.length);
  await shot(pane.getByTestId('head-view'), 'head-view-dark');
  expect(errors).toEqual([]);
});

function rgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
