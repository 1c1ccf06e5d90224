/**
 * The web host: the contract over HTTP (one POST route per call) and a WebSocket of engine events, plus the
 * built renderer. It listens on 127.0.0.1 only and every API request must carry the random token printed in
 * the URL; requests naming another Host or coming from another Origin are refused (DNS rebinding, other sites).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename, extname, join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import { WORKBENCH_CALLS, type SavedReport, type WorkbenchCall, type WorkbenchEvent } from '../shared/api.js';
import { zipFolder } from './report-zip.js';

export const TOKEN_HEADER = 'x-workbench-token';
const CALL_PREFIX = '/api/call/';
const EVENTS_PATH = '/api/events';
/** POST `[dir]`: a report folder this host's `saveReport` wrote, as a zip download. */
const REPORT_ZIP_PATH = '/api/report-zip';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** What the host needs of the engine: calls by name and a stream of events (an `EngineWorker`). */
export interface HostedEngine {
  call(call: WorkbenchCall, args: unknown[]): Promise<unknown>;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
}

export interface WebHostOptions {
  engine: HostedEngine;
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface WebHost {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export async function startWebHost({ engine, rendererDir, port = 0 }: WebHostOptions): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  let origin = '';
  let allowedHosts = new Set<string>();

  const tokenMatches = (given: string | null | undefined): boolean => {
    const expected = Buffer.from(token);
    const actual = Buffer.from(given ?? '');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };
  /** Same-host, same-origin checks shared by HTTP and WebSocket requests; the reason when refused. */
  const refusal = (request: IncomingMessage): string | undefined => {
    if (!allowedHosts.has(request.headers.host ?? '')) return 'unexpected Host';
    const from = request.headers.origin;
    if (from !== undefined && from !== origin && from !== origin.replace('127.0.0.1', 'localhost'))
      return 'foreign Origin';
    return undefined;
  };

  /** Folders written through this host: the only ones the zip route serves, so the token opens no other files. */
  const savedReports = new Set<string>();

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => reply(response, 500, { error: errorBody(error) }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = refusal(request);
    if (refused) return reply(response, 403, { error: { name: 'Forbidden', message: refused } });
    const path = new URL(request.url ?? '/', origin).pathname;
    if (!path.startsWith('/api/')) return serveStatic(rendererDir, path, response);
    if (!tokenMatches(request.headers[TOKEN_HEADER] as string | undefined)) {
      return reply(response, 401, { error: { name: 'Unauthorized', message: 'missing or wrong token' } });
    }
    if (path === REPORT_ZIP_PATH && request.method === 'POST') return sendReportZip(request, response);
    const call = path.slice(CALL_PREFIX.length) as WorkbenchCall;
    if (request.method !== 'POST' || !path.startsWith(CALL_PREFIX) || !WORKBENCH_CALLS.includes(call)) {
      return reply(response, 404, {
        error: { name: 'NotFound', message: `no API route ${request.method ?? ''} ${path}` },
      });
    }
    const args = JSON.parse((await readBody(request)) || '[]') as unknown;
    if (!Array.isArray(args))
      return reply(response, 400, {
        error: { name: 'BadRequest', message: 'the body must be a JSON array of arguments' },
      });
    try {
      const value = await engine.call(call, args);
      if (call === 'saveReport') savedReports.add((value as SavedReport).dir);
      reply(response, 200, { value });
    } catch (error) {
      reply(response, 422, { error: errorBody(error) });
    }
  }

  async function sendReportZip(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [dir] = JSON.parse((await readBody(request)) || '[]') as unknown[];
    if (typeof dir !== 'string' || !savedReports.has(dir)) {
      return reply(response, 404, { error: { name: 'NotFound', message: 'no report saved here under that folder' } });
    }
    const name = encodeURIComponent(`${basename(dir)}.zip`);
    response
      .writeHead(200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename*=UTF-8''${name}`,
      })
      .end(await zipFolder(dir));
  }

  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    // Node hands the raw socket over without an error listener: a client's reset would crash the process.
    socket.on('error', () => socket.destroy());
    if (!acceptsEvents(request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      // A malformed frame: cut this connection only, at once (ws would wait 30 s for a close).
      client.on('error', () => client.terminate());
      const unsubscribe = engine.onEvent((event) => client.send(JSON.stringify(event)));
      client.on('close', unsubscribe);
    });
  });
  const acceptsEvents = (request: IncomingMessage): boolean => {
    if (refusal(request)) return false;
    const url = parseTarget(request, origin);
    return url?.pathname === EVENTS_PATH && tokenMatches(url.searchParams.get('token'));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  origin = `http://127.0.0.1:${boundPort}`;
  allowedHosts = new Set([`127.0.0.1:${boundPort}`, `localhost:${boundPort}`]);
  return {
    url: `${origin}/?token=${token}`,
    token,
    port: boundPort,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseTarget(request: IncomingMessage, origin: string): URL | undefined {
  try {
    return new URL(request.url ?? '/', origin);
  } catch {
    return undefined;
  }
}

async function serveStatic(root: string, path: string, response: ServerResponse): Promise<void> {
  const relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path));
  const file = join(root, relative);
  if (!file.startsWith(join(root, sep))) return reply(response, 404, { error: { name: 'NotFound', message: path } });
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    reply(response, 404, { error: { name: 'NotFound', message: path } });
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function errorBody(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
