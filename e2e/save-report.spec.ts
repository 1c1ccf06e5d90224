/**
 * "Save report…" in browser mode: the web host's engine writes the run's report to the folder typed in the UI,
 * which then downloads as a zip.
 */
import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { dropFile } from './flows.js';
import { startWebHost, type WebHost } from './web-host.js';

let host: WebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(() => host.stop());

test('saves the run as a report folder, downloads it as a zip, and refuses the same folder twice', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await dropFile(page, 'three.txt', Buffer.from('A fine film.\nA dull film.\nWhat a lovely day.\n'));
  await expect(page.getByTestId('sentence-count')).toHaveText('3');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('job-status')).toHaveText('completed', { timeout: 30_000 });

  const dir = join(mkdtempSync(join(tmpdir(), 'xai-e2e-save-')), 'report');
  await page.getByTestId('report-dir').fill(dir);
  await page.getByTestId('save-report-button').click();
  await expect(page.getByTestId('report-message')).toHaveText(`Report saved to ${dir}`, { timeout: 30_000 });
  expect(existsSync(join(dir, 'index.html'))).toBe(true);
  const document = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { sentences: unknown[] };
  expect(document.sentences).toHaveLength(3);

  const download = page.waitForEvent('download');
  await page.getByTestId('download-report-zip').click();
  const zip = unzipSync(readFileSync(await (await download).path()));
  expect(Object.keys(zip)).toEqual(expect.arrayContaining(['report/index.html', 'report/results.json']));

  await page.getByTestId('save-report-button').click();
  await expect(page.getByTestId('report-message')).toContainText('already exists; choose another folder');
  await expect(page.getByTestId('report-message')).toHaveClass(/error/);
});
