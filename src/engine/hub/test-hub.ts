/**
 * For tests: a local stand-in for the Hugging Face hub on 127.0.0.1, reached through HF_ENDPOINT. It serves the
 * fixture model in the hub's URL layout (`/<repo>/resolve/<revision>/<path>`, with `x-repo-commit` and LFS
 * `x-linked-etag` headers), counts requests, and on request corrupts the ONNX bytes or cuts a transfer short.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';

export const FIXTURE_REPO = 'fixtures/tiny-distilbert';
export const FIXTURE_COMMIT = 'c0ffee'.padEnd(40, '0');
export const FIXTURE_SOURCE = join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert');
const LFS_FILE = 'onnx/model.onnx';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** How long a cut connection stalls before it drops. */
const CUT_DELAY_MS = 500;

export interface FixtureHub {
  endpoint: string;
  /** What the server does besides serving; tests set and reset it. */
  behaviour: { requests: string[]; corrupt: boolean; cutAfterBytes: number };
  close(): Promise<void>;
}

export async function startFixtureHub(): Promise<FixtureHub> {
  const behaviour = { requests: [] as string[], corrupt: false, cutAfterBytes: 0 };
  const server = createServer((request, response) => {
    behaviour.requests.push(`${request.method} ${request.url} ${request.headers.range ?? ''}`.trim());
    const match = /^\/fixtures\/tiny-distilbert\/resolve\/main\/(.+)$/.exec(request.url ?? '');
    if (!match) return void response.writeHead(404).end();
    let body: Buffer;
    try {
      body = readFileSync(join(FIXTURE_SOURCE, match[1]!));
    } catch {
      return void response.writeHead(404).end();
    }
    const lfs = match[1] === LFS_FILE;
    const headers: Record<string, string> = {
      'x-repo-commit': FIXTURE_COMMIT,
      etag: `"${createHash('sha1').update(body).digest('hex')}"`,
    };
    if (lfs) headers['x-linked-etag'] = `"${sha256(body)}"`;
    if (lfs && behaviour.corrupt)
      body = Buffer.concat([body.subarray(0, 100), Buffer.from('corrupted'), body.subarray(109)]);
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const part = body.subarray(start);
    headers['content-length'] = String(part.length);
    response.writeHead(range ? 206 : 200, headers);
    if (request.method === 'HEAD') return void response.end();
    if (lfs && behaviour.cutAfterBytes > 0) {
      const cut = behaviour.cutAfterBytes;
      behaviour.cutAfterBytes = 0;
      // A connection that stalls, then drops, as a real one does: an instant reset would let the HTTP client
      // discard bytes it had already read from the socket but not yet handed over.
      response.write(part.subarray(0, cut), () => setTimeout(() => response.destroy(), CUT_DELAY_MS));
      return;
    }
    response.end(part);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    behaviour,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
