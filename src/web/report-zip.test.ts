/** The zip download of browser mode: only folders this host's `saveReport` wrote, every file under its name. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, TOKEN_HEADER, type HostedEngine, type WebHost } from './server.js';

let host: WebHost;
let report: string;

const engine: HostedEngine = {
  // A stand-in for the engine's saveReport: the folder it "wrote" is the one prepared below.
  call: async (call) => (call === 'saveReport' ? { dir: report, sentences: 1, partial: false } : null),
  onEvent: () => () => {},
};

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${host.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  report = join(await mkdtemp(join(tmpdir(), 'xai-zip-')), 'my report');
  await mkdir(join(report, 'charts'), { recursive: true });
  await writeFile(join(report, 'index.html'), '<!doctype html>');
  await writeFile(join(report, 'charts', 's1-heat.svg'), '<svg/>');
  host = await startWebHost({ engine, rendererDir: await mkdtemp(join(tmpdir(), 'xai-renderer-')) });
});
afterAll(() => host.close());

describe('report zip route', () => {
  it('refuses a folder this host did not write', async () => {
    const response = await post('/api/report-zip', [report]);
    expect(response.status).toBe(404);
  });

  it('zips a saved report under its folder name', async () => {
    await post('/api/call/saveReport', [{ dir: report }]);
    const response = await post('/api/report-zip', [report]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''my%20report.zip");
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['my report/charts/s1-heat.svg', 'my report/index.html']);
    expect(new TextDecoder().decode(files['my report/charts/s1-heat.svg'])).toBe('<svg/>');
  });

  it('needs the token like every API route', async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/api/report-zip`, { method: 'POST', body: '[]' });
    expect(response.status).toBe(401);
  });
});
