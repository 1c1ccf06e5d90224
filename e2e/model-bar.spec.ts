/**
 * The model bar: a Hugging Face hub id downloaded on first use from a stand-in hub on 127.0.0.1 (HF_ENDPOINT),
 * with the download shown in the status; the int8 choice for the perturbation methods; the bundled spam demo.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_REPO, startFixtureHub, type FixtureHub } from '../src/engine/hub/test-hub.js';
import { dropFile, SEED, SEED_SUMMARY } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

let hub: FixtureHub;
let host: WebHost;

test.beforeAll(async () => {
  hub = await startFixtureHub();
  host = await startWebHost({
    HF_ENDPOINT: hub.endpoint,
    HF_HUB_CACHE: mkdtempSync(join(tmpdir(), 'xai-e2e-hub-')),
    HF_HUB_OFFLINE: '',
  });
});

test.afterAll(async () => {
  host.stop();
  await hub.close();
});

test('a hub id loads from the model bar, downloading on first use and showing it', async ({ page }) => {
  const statuses: string[] = [];
  await page.exposeFunction('recordStatus', (text: string) => statuses.push(text));
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  // Every status the page shows, however briefly: the download messages pass quickly on loopback.
  await page.evaluate(() => {
    const status = document.querySelector('[data-testid="status"]')!;
    new MutationObserver(() =>
      (window as unknown as { recordStatus: (t: string) => void }).recordStatus(status.textContent ?? ''),
    ).observe(status, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await page.getByTestId('model-source').fill(FIXTURE_REPO);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await expect(page.getByTestId('model')).toContainText(FIXTURE_REPO);
  expect(
    statuses.some((text) =>
      /^Downloading fixtures\/tiny-distilbert: onnx\/model\.onnx, [\d.]+ MB of [\d.]+ MB…$/.test(text),
    ),
  ).toBe(true);
  expect(
    hub.behaviour.requests.some((request) => request.startsWith(`GET /${FIXTURE_REPO}/resolve/main/onnx/model.onnx`)),
  ).toBe(true);
});

test('int8 for the perturbation methods: chosen in the model bar, the drift from fp32 shown per sentence', async ({
  page,
}) => {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await page.getByTestId('model-precision').selectOption('int8');
  await page.getByTestId('load-demo').click();
  await expect(page.getByTestId('model')).toContainText('perturbation methods in int8', { timeout: 30_000 });
  await dropFile(page, 'seed.txt', Buffer.from(`${SEED}\n`));
  await page.getByTestId('sentence-row').first().click();
  // The prediction stays the exact fp32 one; the drift of the int8 model from it is shown beside it.
  await expect(page.getByTestId('pane-0').getByTestId('summary')).toContainText(SEED_SUMMARY);
  await expect(page.getByTestId('pane-0').getByTestId('int8-drift')).toHaveText(/^\d\.\de-\d$/);
});

test('the spam demo loads from the model bar, and its held-out e-mails show their accuracy in the corpus view', async ({
  page,
}) => {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await page.getByTestId('load-demo-spam').click();
  const model = page.getByTestId('model');
  await expect(model).toContainText('demo-spam (bundled demo)', { timeout: 30_000 });
  await expect(model).toContainText('max 256 tokens');
  await expect(model).toContainText('(ham, spam)');
  await dropFile(page, 'emails.jsonl', readFileSync('examples/emails.jsonl'));
  await expect(page.getByTestId('sentence-count')).toHaveText('50');
  await page.getByTestId('view-corpus').click();
  // The model card's target on held-out mail is 95%; examples/emails.jsonl is held out.
  await expect(page.getByTestId('corpus-stats')).toContainText(/50 labelled · accuracy (0\.9[5-9]\d|1\.000)/, {
    timeout: 60_000,
  });
});
