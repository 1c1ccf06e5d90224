/**
 * The renderer placeholder, built as the Electron window loads it. The real engine reaches the page through
 * the Electron preload or the web host (Workbench issue); here a stand-in bridge checks that the page uses
 * only the contract, and that without any bridge it says so instead of breaking.
 */
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { serveFolder } from './static-server.js';

const RENDERER = 'out/renderer';

test.beforeAll(() => {
  if (!existsSync(`${RENDERER}/index.html`)) throw new Error(`${RENDERER} is missing: run \`npm run build\` first`);
});

test('without a bridge the page says the engine is not connected', async ({ page }) => {
  const server = await serveFolder(RENDERER);
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'XAI Workbench' })).toBeVisible();
  await expect(page.getByTestId('status')).toHaveText(/Engine not connected/);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(errors).toEqual([]);
  await server.close();
});

test('with a bridge the page loads the demo model and lists the methods', async ({ page }) => {
  const server = await serveFolder(RENDERER);
  await page.addInitScript(() => {
    const calls: string[] = [];
    (window as unknown as { calls: string[] }).calls = calls;
    (window as unknown as { workbench: unknown }).workbench = {
      loadModel: async (source: string) => {
        calls.push(`loadModel:${source}`);
        return {
          source,
          name: 'demo-sst2 (bundled demo)',
          modelType: 'distilbert',
          labels: ['NEGATIVE', 'POSITIVE'],
          layers: 2,
          heads: 2,
          hiddenSize: 64,
          maxLength: 512,
          vocabSize: 3000,
          sha256: '0',
        };
      },
      listMethods: async () => {
        calls.push('listMethods');
        return [
          {
            id: 'attention',
            label: 'Attention',
            description: 'Self-attention probabilities.',
            needs: ['attentions'],
            options: [],
            available: true,
          },
        ];
      },
    };
  });
  await page.goto(server.url);
  await expect(page.getByTestId('status')).toHaveText('Ready');
  await expect(page.getByTestId('model')).toContainText('demo-sst2 (bundled demo)');
  await expect(page.getByTestId('model')).toContainText('2 layers × 2 heads');
  await expect(page.getByTestId('methods')).toContainText('Attention');
  expect(await page.evaluate(() => (window as unknown as { calls: string[] }).calls)).toEqual([
    'loadModel:demo',
    'listMethods',
  ]);
  await page.screenshot({ path: 'test-results/placeholder.png' });
  await server.close();
});
