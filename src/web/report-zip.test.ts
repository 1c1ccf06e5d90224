/** The zip download of browser mode: only folders this host's `saveReport` wrote, every file under its name. */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, TOKEN_HEADER, type HostedEngine, type WebHost } from './server.js';

let host: WebHost;
let root: string;
let report: string;

const engine: HostedEngine = {
  // A stand-in for the engine's saveReport: the folder it "wrote" is the one the test prepared under that name.
  call: async (call, args) =>
    call === 'saveReport' ? { dir: (args[0] as { dir: string }).dir, sentences: 1, partial: false } : null,
  onEvent: () => () => {},
};

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${host.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
    body: JSON.stringify(body),
  });
}

/** A folder with a page and a chart, saved through the host. */
async function savedReport(dir: string): Promise<void> {
  await mkdir(join(dir, 'charts'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  await writeFile(join(dir, 'charts', 's1-heat.svg'), '<svg/>');
  expect((await post('/api/call/saveReport', [{ dir }])).status).toBe(200);
}

/** What a swapped-in link would lead to instead of the report. */
async function secretFolder(): Promise<string> {
  const secret = await mkdtemp(join(root, 'secret-'));
  await writeFile(join(secret, 'index.html'), 'SECRET');
  return secret;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'xai-zip-'));
  host = await startWebHost({ engine, rendererDir: await mkdtemp(join(tmpdir(), 'xai-renderer-')) });
  report = join(root, 'my report');
  await savedReport(report);
});
afterAll(() => host.close());

describe('report zip route', () => {
  it('refuses a folder this host did not write', async () => {
    const other = join(root, 'other');
    await mkdir(other);
    const response = await post('/api/report-zip', [other]);
    expect(response.status).toBe(404);
  });

  it('zips a saved report under its folder name', async () => {
    const response = await post('/api/report-zip', [report]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''my%20report.zip");
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['my report/charts/s1-heat.svg', 'my report/index.html']);
    expect(new TextDecoder().decode(files['my report/charts/s1-heat.svg'])).toBe('<svg/>');
  });

  it('streams a file larger than one read chunk intact', async () => {
    const dir = join(root, 'large');
    await savedReport(dir);
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(dir, 'results.json'), data);
    const response = await post('/api/report-zip', [dir]);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Buffer.from(files['large/results.json']!).equals(data)).toBe(true);
  });

  it('refuses a saved folder that was replaced by a link since', async () => {
    const dir = join(root, 'swapped');
    await savedReport(dir);
    await rm(dir, { recursive: true });
    await symlink(await secretFolder(), dir);
    const response = await post('/api/report-zip', [dir]);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: {
        name: 'FolderChangedError',
        message: `${dir} was removed or replaced (by a link or another file) since the report was saved`,
      },
    });
  });

  it('refuses a saved folder whose parent was replaced by a link since', async () => {
    const parent = join(root, 'parent');
    await savedReport(join(parent, 'r'));
    await rename(parent, join(root, 'parent-before'));
    const lookalike = await secretFolder();
    await mkdir(join(lookalike, 'r'));
    await writeFile(join(lookalike, 'r', 'index.html'), 'SECRET');
    await symlink(lookalike, parent);
    const response = await post('/api/report-zip', [join(parent, 'r')]);
    expect(response.status).toBe(409);
    expect(await response.text()).not.toContain('SECRET');
  });

  it('says so when a saved folder is gone', async () => {
    const dir = join(root, 'gone');
    await savedReport(dir);
    await rm(dir, { recursive: true });
    const response = await post('/api/report-zip', [dir]);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { name: 'FolderChangedError', message: `the report folder ${dir} no longer exists` },
    });
  });

  it('goes on serving after a client abandons a download', async () => {
    const dir = join(root, 'abandoned');
    await savedReport(dir);
    await writeFile(join(dir, 'big.bin'), randomBytes(16 * 1024 * 1024));
    await new Promise<void>((resolve, reject) => {
      const download = request(
        `http://127.0.0.1:${host.port}/api/report-zip`,
        { method: 'POST', headers: { [TOKEN_HEADER]: host.token } },
        (response) => response.once('data', () => (download.destroy(), resolve())),
      );
      download.on('error', (error) => (download.destroyed ? undefined : reject(error)));
      download.end(JSON.stringify([dir]));
    });
    expect((await post('/api/report-zip', [report])).status).toBe(200);
  });

  it('needs the token like every API route', async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/api/report-zip`, { method: 'POST', body: '[]' });
    expect(response.status).toBe(401);
  });
});
