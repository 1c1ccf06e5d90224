/**
 * Browser mode end to end: the built web host (`dist/web/main.js`, as `npm run serve` starts it) with the
 * engine in its worker thread, driven in Debian's Chromium.
 */
import { expect, test } from '@playwright/test';
import { serveFolder } from './static-server.js';
import { startWebHost, type WebHost } from './web-host.js';

let host: WebHost;
let url: string;

test.beforeAll(async () => {
  host = await startWebHost();
  url = host.url;
});

test.afterAll(() => host.stop());

test('the web host serves the app, which loads the demo model through the engine', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await expect(page.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
  await expect(page.getByTestId('model')).toContainText('demo-sst2 (bundled demo)');
  await expect(page.getByTestId('model')).toContainText('single-label · 2 labels (NEGATIVE, POSITIVE)');
  await expect(page.getByTestId('methods')).toContainText('Attention');
  expect(new URL(page.url()).searchParams.get('token')).toBeNull(); // taken out of the address bar
  await page.screenshot({ path: 'test-results/web-host.png' });
  expect(errors).toEqual([]);
});

test('the API refuses requests without the token', async ({ page }) => {
  await page.goto(new URL('/', url).href);
  const status = await page.evaluate(async () => {
    const response = await fetch('/api/call/listMethods', { method: 'POST', body: '[]' });
    return response.status;
  });
  expect(status).toBe(401);
});

test('without any bridge the page says the engine is not connected', async ({ page }) => {
  const server = await serveFolder('out/renderer');
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'XAI Workbench' })).toBeVisible();
  await expect(page.getByTestId('status')).toHaveText(/Engine not connected/);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  await server.close();
});
