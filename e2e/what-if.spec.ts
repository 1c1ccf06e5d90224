/**
 * Edit and compare (what-if) against the real web host and the demo model: an edited copy explained beside its
 * original (both heat texts, the changed tokens marked, Δp consistent with the two predictions the engine
 * gives), a token deleted or masked with one `predict` (the shown probability is what the contract's `predict`
 * gives for the changed text, fetched here through the web host's API with the page's token), a `##` piece
 * deleted by its characters, a pane pinned across a change of selection, and mask turned off with its reason for
 * a tokenizer without a mask token. Nothing here depends on the demo's exact numbers (it is retrained): every
 * expectation is read from the engine. Screenshots at 1280 × 800 and 1920 × 1080 go to test-results/ (and
 * XAI_SHOTS_DIR when set).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatValue } from '../src/shared/charts/prediction.js';
import type { SentenceResult, TextInput } from '../src/shared/results.js';
import sharp from 'sharp';
import { dropFile, SEED } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const SENTENCES = `${SEED}\nWhat a wonderful, delightful film!\nThe plot was boring and the acting was awful.\n`;
/** Words long enough that a small WordPiece vocabulary splits at least one of them into pieces. */
const SPLIT_CANDIDATES = 'the unbelievably overwhelming cinematography was incomprehensibly xylophonic';
let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => host.stop());

async function open(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await dropFile(page, 'sentences.txt', Buffer.from(SENTENCES));
  await expect(page.getByTestId('sentence-count')).toHaveText('3');
}

/** The contract's `predict`, called as the app's bridge calls it: the web host's route, the page's token. */
async function predict(page: Page, texts: TextInput[]): Promise<SentenceResult[]> {
  return page.evaluate(async (texts) => {
    const response = await fetch('/api/call/predict', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-workbench-token': sessionStorage.getItem('xai-workbench-token') ?? '',
      },
      body: JSON.stringify([texts]),
    });
    const body = (await response.json()) as { value?: SentenceResult[]; error?: { message: string } };
    if (body.error) throw new Error(body.error.message);
    return body.value!;
  }, texts);
}

/** A signed delta as the app prints it (`−0.481`, `+0.125`, `±0.000`) read back as a number. */
function signed(text: string): number {
  return Number(text.trim().replace('−', '-').replace('±', ''));
}

/** No element inside `box` sticks out of it to the right (names any that do). */
async function noHorizontalOverflow(box: Locator, what: string): Promise<void> {
  const { scrollWidth, clientWidth, outside } = await box.evaluate((element) => {
    const right = element.getBoundingClientRect().left + element.clientWidth;
    const outside = Array.from(element.querySelectorAll('*'))
      .filter((child) => child.getBoundingClientRect().right > right + 0.5)
      .slice(0, 8)
      .map((child) => `${child.tagName.toLowerCase()}.${child.className}: ${child.textContent?.slice(0, 30)}`);
    return { scrollWidth: element.scrollWidth, clientWidth: element.clientWidth, outside };
  });
  expect(scrollWidth, `${what}: ${scrollWidth} > ${clientWidth}, ${outside.join(' | ')}`).toBeLessThanOrEqual(
    clientWidth,
  );
}

/**
 * What the user sees at the window's size: `view` scrolled to the top of the window, the viewport saved to
 * test-results/ (and XAI_SHOTS_DIR) and checked not blank.
 */
async function shoot(page: Page, view: Locator, name: string): Promise<void> {
  await view.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  const png = await page.screenshot({ path: `test-results/${name}.png` });
  const { channels } = await sharp(png).stats();
  expect(Math.max(...channels.slice(0, 3).map((channel) => channel.stdev)), `${name}.png looks blank`).toBeGreaterThan(
    10,
  );
  if (process.env.XAI_SHOTS_DIR) await writeFile(join(process.env.XAI_SHOTS_DIR, `${name}.png`), png);
}

/** The chip whose whole text is `text` in a heat text. */
function chip(box: Locator, text: string): Locator {
  return box.getByTestId('heat-chip').filter({ hasText: new RegExp(`^\\s*${text.replace(/[#[\]]/g, '\\$&')}\\s*$`) });
}

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;

  test(`edit a sentence: the edit beside its original, changed tokens marked, Δp consistent (${tag})`, async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await open(page, size);
    const seed = page.getByTestId('sentence-row').filter({ hasText: SEED });
    await seed.click();
    await page.getByTestId('edit-open').click();
    const edited = SEED.replace('terrible', 'wonderful');
    await expect(page.getByTestId('edit-text')).toHaveValue(SEED);
    await expect(page.getByTestId('edit-submit')).toBeDisabled(); // nothing changed yet
    await page.getByTestId('edit-text').fill(edited);
    await shoot(page, page.locator('body'), `what-if-editor-${tag}`);
    await page.getByTestId('edit-submit').click();

    // A new row, linked to its original and selected; the original stays where it was.
    await expect(page.getByTestId('sentence-count')).toHaveText('4');
    const editRow = page.getByTestId('sentence-row').nth(3);
    await expect(editRow).toHaveClass(/selected/);
    await expect(editRow).toContainText(edited);
    await expect(editRow.getByTestId('edit-mark')).toHaveAttribute('title', `edit of: ${SEED}`);
    await expect(page.getByTestId('edit-of')).toContainText('You look terrible');

    const [before, after] = await predict(page, [SEED, edited]);
    for (const index of [0, 1]) {
      const pane = page.getByTestId(`pane-${index}`);
      const compare = pane.getByTestId('edit-compare');
      await expect(compare).toBeVisible({ timeout: 60_000 });
      const original = compare.getByTestId('edit-original').getByTestId('heat-text');
      const edit = compare.getByTestId('edit-edited').getByTestId('heat-text');
      await expect(original).toContainText('terrible', { timeout: 60_000 });
      await expect(edit).toContainText('wonderful');
      await expect(edit).not.toContainText('terrible');

      // Δp of the explained class: the two probabilities are the engine's predictions of the two texts.
      const delta = compare.getByTestId('edit-delta');
      await expect(delta).toHaveAttribute('data-after', /\d/);
      const label = (await delta.getAttribute('data-label'))!;
      expect(before!.probabilities).toHaveProperty(label);
      const [p0, p1, dp] = await Promise.all(
        ['data-before', 'data-after', 'data-delta'].map(async (name) => Number(await delta.getAttribute(name))),
      );
      expect(p0).toBeCloseTo(before!.probabilities[label]!, 6);
      expect(p1).toBeCloseTo(after!.probabilities[label]!, 6);
      expect(dp).toBeCloseTo(p1! - p0!, 12);
      // As shown: each probability to 3 decimals, and Δ the difference of the two (up to their rounding).
      const shownBefore = Number(await compare.getByTestId('edit-before').textContent());
      const shownAfter = Number(await compare.getByTestId('edit-after').textContent());
      expect(String(shownBefore.toFixed(3))).toBe(formatValue(p0!));
      expect(String(shownAfter.toFixed(3))).toBe(formatValue(p1!));
      const shownDelta = signed((await compare.getByTestId('edit-delta-value').textContent())!);
      expect(Math.abs(shownDelta - (shownAfter - shownBefore))).toBeLessThanOrEqual(0.0015);
      // The predicted label's change, when there is one, as the engine predicts the two texts.
      if (before!.predictedLabel !== after!.predictedLabel) {
        await expect(compare.getByTestId('edit-label-change')).toHaveText(
          `${before!.predictedLabel} → ${after!.predictedLabel}`,
        );
      } else {
        await expect(compare.getByTestId('edit-label-same')).toHaveText(`still ${after!.predictedLabel}`);
      }

      // The changed tokens marked, in words: terrible (original) and wonderful (edit) replaced, the rest not.
      await pane.getByTestId('words-toggle').check();
      await expect(chip(original, 'terrible')).toHaveAttribute('data-diff', 'replaced');
      await expect(chip(edit, 'wonderful')).toHaveAttribute('data-diff', 'replaced');
      for (const side of [original, edit]) {
        await expect(chip(side, 'look')).not.toHaveAttribute('data-diff', /./);
        await expect(chip(side, 'rest')).not.toHaveAttribute('data-diff', /./);
      }
      await expect(compare.getByTestId('edit-changes')).toContainText('terrible → wonderful');
    }

    // The edit's prediction in the list is the one compared.
    await expect(editRow).toContainText(after!.predictedLabel);
    for (const count of [1, 2, 4]) {
      await page.getByTestId(`pane-count-${count}`).click();
      await expect(page.getByTestId(`pane-${count - 1}`).getByTestId('edit-compare')).toBeVisible({
        timeout: 60_000,
      });
      for (let index = 0; index < count; index += 1) {
        await noHorizontalOverflow(page.getByTestId(`pane-${index}`), `pane ${index + 1} of ${count} at ${tag}`);
      }
    }
    await page.getByTestId('pane-count-2').click();
    await shoot(page, page.getByTestId('panes'), `what-if-edit-${tag}`);

    // Back to the original: its panes show it alone, with a link to its edit.
    await page.getByTestId('edit-of').getByRole('button').click();
    await expect(seed).toHaveClass(/selected/);
    await expect(page.getByTestId('pane-0').getByTestId('edit-compare')).toHaveCount(0);
    await expect(page.getByTestId('edit-links').getByRole('button')).toHaveCount(1);
    expect(errors).toEqual([]);
  });
}

test('delete or mask a token: the new prediction at once, as predict gives it for the changed text', async ({
  page,
}) => {
  const size = SIZES[0];
  await open(page, size);
  await page.getByTestId('sentence-row').filter({ hasText: SEED }).click();
  const pane = page.getByTestId('pane-0');
  const heat = pane.getByTestId('heat-text');
  await expect(heat).toContainText('terrible', { timeout: 60_000 });
  const [base] = await predict(page, [SEED]);
  const calls: string[] = [];
  page.on('request', (request) => {
    const call = /\/api\/call\/(\w+)$/.exec(request.url())?.[1];
    if (call) calls.push(call);
  });

  /** Picks the chip, runs `action`, and checks the shown result against the contract's predict of `expected`. */
  async function tryOut(target: Locator, action: 'delete' | 'mask', expected: string): Promise<void> {
    if (!(await pane.getByTestId('probe').isVisible())) await target.click();
    await expect(pane.getByTestId('probe')).toBeVisible();
    calls.length = 0;
    await pane.getByTestId(`probe-${action}`).click();
    await expect(pane.getByTestId('probe-text')).toHaveText(expected);
    const shown = pane.getByTestId('probe-p');
    await expect(shown).toBeVisible({ timeout: 30_000 });
    // One forward call, and no new row.
    expect(calls).toEqual(['predict']);
    await expect(page.getByTestId('sentence-count')).toHaveText(/^\d+$/);
    const label = (await shown.getAttribute('data-label'))!;
    const [changed] = await predict(page, [expected]);
    const after = Number(await shown.getAttribute('data-after'));
    expect(after).toBeCloseTo(changed!.probabilities[label]!, 6);
    await expect(pane.getByTestId('probe-after')).toHaveText(formatValue(changed!.probabilities[label]!));
    const before = Number(await shown.getAttribute('data-before'));
    const shownDelta = signed((await pane.getByTestId('probe-delta').textContent())!);
    expect(Math.abs(shownDelta - (after - before))).toBeLessThanOrEqual(0.0005 + 1e-9);
    if (changed!.predictedLabel !== (await selectedPrediction(page))) {
      await expect(pane.getByTestId('probe-label-change')).toContainText(`→ ${changed!.predictedLabel}`);
    } else {
      await expect(pane.getByTestId('probe-label-change')).toHaveCount(0);
    }
  }

  // Delete a whole token next to punctuation: only its characters go.
  await tryOut(chip(heat, 'terrible'), 'delete', SEED.replace('terrible', ''));
  expect(Number(await pane.getByTestId('probe-p').getAttribute('data-before'))).toBeCloseTo(
    base!.probabilities[(await pane.getByTestId('probe-p').getAttribute('data-label'))!]!,
    6,
  );
  await shoot(page, pane, 'what-if-token-delete-1280x800');

  // Mask it: the tokenizer's own mask token (the demo's tokenizer_config.json names it) in its place.
  const config = JSON.parse(await readFile('resources/models/demo-sst2/tokenizer_config.json', 'utf8')) as {
    mask_token: string;
  };
  await expect(pane.getByTestId('probe-mask')).toHaveText(`Mask → ${config.mask_token}`);
  await tryOut(chip(heat, 'terrible'), 'mask', SEED.replace('terrible', config.mask_token));
  await shoot(page, pane, 'what-if-token-mask-1280x800');

  // A special token has no characters to change: both actions off, with the reason.
  await pane.getByTestId('probe-close').click();
  await chip(heat, '[CLS]').click();
  await expect(pane.getByTestId('probe-reason')).toContainText('special');
  await expect(pane.getByTestId('probe-delete')).toBeDisabled();
  await expect(pane.getByTestId('probe-mask')).toBeDisabled();
  await pane.getByTestId('probe-close').click();

  // A ## piece: its characters go from the text, the rest of its word stays.
  const [split] = await predict(page, [SPLIT_CANDIDATES]);
  const piece = split!.tokens.findIndex((token) => token.startsWith('##'));
  expect(piece, `no word of "${SPLIT_CANDIDATES}" is split by the demo's vocabulary`).toBeGreaterThan(0);
  let first = piece;
  while (split!.tokens[first]!.startsWith('##')) first -= 1;
  let end = piece + 1;
  while (split!.tokens[end]?.startsWith('##')) end += 1;
  const pieces = split!.tokens.slice(first, end).map((token) => token.replace(/^##/, ''));
  const word = pieces.join('');
  const shortened = pieces.filter((_, k) => k !== piece - first).join('');
  expect(SPLIT_CANDIDATES.split(' ')).toContain(word); // an uncased vocabulary's pieces spell the word
  await page.getByTestId('sentence-input').fill(SPLIT_CANDIDATES);
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('sentence-count')).toHaveText('4');
  await expect(heat).toContainText(split!.tokens[piece]!, { timeout: 60_000 });
  await tryOut(heat.getByTestId('heat-chip').nth(piece), 'delete', SPLIT_CANDIDATES.replace(word, shortened));

  // In word mode a click takes the whole word, and one space with it.
  await pane.getByTestId('probe-close').click();
  await pane.getByTestId('words-toggle').check();
  await tryOut(chip(heat, word), 'delete', SPLIT_CANDIDATES.replace(`${word} `, ''));

  // "Explain this edit" makes it an edited copy, compared with its original.
  await pane.getByTestId('probe-explain').click();
  await expect(page.getByTestId('sentence-count')).toHaveText('5');
  await expect(page.getByTestId('sentence-row').nth(4)).toHaveClass(/selected/);
  await expect(pane.getByTestId('edit-compare')).toBeVisible({ timeout: 60_000 });
  await expect(chip(pane.getByTestId('edit-original').getByTestId('heat-text'), word)).toHaveAttribute(
    'data-diff',
    'deleted',
  );
  await shoot(page, page.getByTestId('panes'), 'what-if-probe-explained-1280x800');
});

/** The selected row's predicted label, as the list shows it. */
async function selectedPrediction(page: Page): Promise<string> {
  const row = page.locator('[data-testid="sentence-row"].selected');
  return ((await row.locator('.label').textContent()) ?? '').trim();
}

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`pin a sentence: its pane stays on it while another is selected, and follows again unpinned (${tag})`, async ({
    page,
  }) => {
    await open(page, size);
    const rows = page.getByTestId('sentence-row');
    await rows.filter({ hasText: SEED }).click();
    const [pinned, follower] = [page.getByTestId('pane-0'), page.getByTestId('pane-1')];
    await expect(pinned.getByTestId('heat-text')).toContainText('terrible', { timeout: 60_000 });
    await pinned.getByTestId('pin-toggle').click();
    await expect(pinned.getByTestId('pin-toggle')).toHaveAttribute('aria-pressed', 'true');
    await expect(pinned.getByTestId('pinned-note')).toContainText(SEED);
    await expect(rows.filter({ hasText: SEED }).getByTestId('pin-mark')).toBeVisible();

    const other = rows.filter({ hasText: 'boring' });
    await other.click();
    await expect(other).toHaveClass(/selected/);
    await expect(follower.getByTestId('heat-text')).toContainText('boring', { timeout: 60_000 });
    await expect(pinned.getByTestId('heat-text')).toContainText('terrible');
    await expect(pinned.getByTestId('heat-text')).not.toContainText('boring');
    // The keyboard moves the selection; the pinned pane stays.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowUp');
    await expect(rows.filter({ hasText: 'wonderful' })).toHaveClass(/selected/);
    await expect(follower.getByTestId('heat-text')).toContainText('wonderful', { timeout: 60_000 });
    await expect(pinned.getByTestId('heat-text')).toContainText('terrible');
    for (const index of [0, 1]) await noHorizontalOverflow(page.getByTestId(`pane-${index}`), `pane ${index + 1}`);
    await shoot(page, page.getByTestId('panes'), `what-if-pinned-${tag}`);

    await pinned.getByTestId('pin-toggle').click();
    await expect(pinned.getByTestId('pinned-note')).toHaveCount(0);
    await expect(pinned.getByTestId('heat-text')).toContainText('wonderful', { timeout: 60_000 });
    await expect(pinned.getByTestId('heat-text')).not.toContainText('terrible');
  });
}

test("a pair's token: the text it is in changes, the other stays, and predict of the pair agrees", async ({ page }) => {
  await open(page, SIZES[0]);
  const [text, textPair] = ['A man plays guitar.', 'Someone makes music.'];
  await dropFile(page, 'pairs.txt', Buffer.from(`${text}\t${textPair}\n`));
  await expect(page.getByTestId('sentence-count')).toHaveText('1');
  const pane = page.getByTestId('pane-0');
  await pane.getByTestId('words-toggle').check();
  const second = pane.locator('[data-testid="heat-segment"][data-segment="B"]');
  await expect(second).toContainText('music', { timeout: 60_000 });
  await chip(second, 'music').click();
  await pane.getByTestId('probe-delete').click();
  await expect(pane.getByTestId('probe-text')).toHaveText(`${text} │ Someone makes .`);
  await expect(pane.getByTestId('probe-p')).toBeVisible({ timeout: 30_000 });
  const label = (await pane.getByTestId('probe-p').getAttribute('data-label'))!;
  const [changed] = await predict(page, [[text, 'Someone makes .']]);
  expect(Number(await pane.getByTestId('probe-p').getAttribute('data-after'))).toBeCloseTo(
    changed!.probabilities[label]!,
    6,
  );
  // Explained as an edit: a pair still, its second text changed.
  await pane.getByTestId('probe-explain').click();
  await expect(page.getByTestId('sentence-row').nth(1)).toContainText(`${text} │ Someone makes .`);
  await expect(pane.getByTestId('edit-compare')).toBeVisible({ timeout: 60_000 });
});

test('a tokenizer without a mask token: mask is off and says why, delete still works', async ({ page }) => {
  const folder = await mkdtemp(join(tmpdir(), 'xai-no-mask-'));
  await cp('fixtures/models/tiny-distilbert', folder, { recursive: true });
  for (const file of ['tokenizer_config.json', 'special_tokens_map.json']) {
    const json = JSON.parse(await readFile(join(folder, file), 'utf8')) as Record<string, unknown>;
    delete json.mask_token;
    await writeFile(join(folder, file), JSON.stringify(json));
  }
  await open(page, SIZES[0]);
  await page.getByTestId('model-source').fill(resolve(folder));
  await page.getByTestId('model-source').press('Enter');
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 60_000 });
  await expect(page.getByTestId('model')).toContainText('xai-no-mask-');
  await page.getByTestId('sentence-row').filter({ hasText: SEED }).click();
  const pane = page.getByTestId('pane-0');
  await expect(pane.getByTestId('heat-text')).toContainText('terr', { timeout: 60_000 });
  await pane.getByTestId('words-toggle').check(); // the fixture's small vocabulary may split the word
  await chip(pane.getByTestId('heat-text'), 'terrible').click();
  await expect(pane.getByTestId('probe-mask')).toBeDisabled();
  await expect(pane.getByTestId('probe-mask')).toHaveAttribute('title', /no mask token/);
  await expect(pane.getByTestId('probe-mask-reason')).toContainText('mask_token');
  await pane.getByTestId('probe-delete').click();
  await expect(pane.getByTestId('probe-p')).toBeVisible({ timeout: 30_000 });
  const label = (await pane.getByTestId('probe-p').getAttribute('data-label'))!;
  const [changed] = await predict(page, [SEED.replace('terrible', '')]);
  expect(Number(await pane.getByTestId('probe-p').getAttribute('data-after'))).toBeCloseTo(
    changed!.probabilities[label]!,
    6,
  );
});
