/**
 * The Electron face, where an Electron binary is installed (`npm ci` without ELECTRON_SKIP_BINARY_DOWNLOAD).
 * Offline installs have no binary: the spec then reports itself skipped with that reason.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { createRequire } from 'node:module';
import { compareFlow } from './flows.js';

function electronBinary(): string | undefined {
  try {
    return createRequire(import.meta.url)('electron') as string;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

test.describe('Electron app', () => {
  test.skip(
    !binary,
    'no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1): run `npm ci` online to test the window',
  );

  test('opens the window with security defaults and loads the demo model through IPC', async () => {
    const app = await electron.launch({ executablePath: binary!, args: ['out/main/index.js'] });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
      await expect(window.getByTestId('model')).toContainText('demo-sst2 (bundled demo)');
      // Context isolation and no Node integration: the page sees the bridge and nothing of Node.
      const exposed = await window.evaluate(() => ({
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        bridge: typeof (window as unknown as { workbench?: unknown }).workbench,
      }));
      expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: 'object' });
    } finally {
      await app.close();
    }
  });

  test('drop a file and compare two methods side by side in the window', async () => {
    const app = await electron.launch({ executablePath: binary!, args: ['out/main/index.js'] });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('status')).toHaveText('Ready', { timeout: 30_000 });
      await compareFlow(window, 'electron');
    } finally {
      await app.close();
    }
  });
});
