/**
 * The web host: the contract over HTTP (one POST route per call) and a WebSocket of engine events, plus the
 * built renderer. It listens on 127.0.0.1 only and every API request must carry the random token printed in
 * the URL; requests naming another Host or coming from another Origin are refused (DNS rebinding, other sites).
 *
 * A bad client costs only its own request or connection: whatever it sends (resets, malformed frames, bodies
 * that are too big or not JSON, arguments of the wrong shape), the host answers it with a status and a JSON
 * `{error: {name, message}}` or drops its connection, and goes on serving everyone else.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename, extname, join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import { WORKBENCH_CALLS, type SavedReport, type WorkbenchCall, type WorkbenchEvent } from '../shared/api.js';
import { CALL_LIMITS, CallArgumentError, CallLimitError, checkCallArguments } from '../shared/call-arguments.js';
import { FolderChangedError, identifyFolder, listReportFiles, writeZip, type SavedFolder } from './report-zip.js';

export const TOKEN_HEADER = 'x-workbench-token';
const CALL_PREFIX = '/api/call/';
const EVENTS_PATH = '/api/events';
/** POST `[dir]`: a report folder this host's `saveReport` wrote, as a zip download. */
const REPORT_ZIP_PATH = '/api/report-zip';
/**
 * Bytes in one request body: a job of `MAX_TEXTS_PER_CALL` texts at ~1,600 bytes of JSON each. Reading stops
 * here, and what is read is parsed only once complete; even the most wasteful JSON of this size (`[{},{},…]`)
 * parses into about half a gigabyte, texts into about their own size.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * What a refused request may still send, read and dropped, before its connection is cut: a client that reads the
 * answer only once its body is sent sees the 413 rather than a reset, and one that never stops costs no more.
 */
const MAX_DISCARDED_BODY_BYTES = MAX_BODY_BYTES;
/**
 * Event bytes a WebSocket client may leave unread before the host drops it: a client that stops reading must not
 * make the host buffer every event for it. Checked before each send, so that one larger event (a long sentence's
 * attention maps) still goes out to a client that reads.
 */
export const MAX_EVENT_BACKLOG_BYTES = 64 * 1024 * 1024;
/** Clients send nothing on the event socket but control frames, which the protocol caps at 125 bytes. */
const MAX_CLIENT_MESSAGE_BYTES = 1024;

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

/** A refusal with its HTTP status; the name and message go to the client as `{error: {name, message}}`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
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

  /**
   * Folders written through this host, by the path `saveReport` returned: the only ones the zip route serves, so
   * the token opens no other files.
   */
  const savedReports = new Map<string, SavedFolder>();

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => fail(response, error));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = refusal(request);
    if (refused) throw new HttpError(403, 'Forbidden', refused);
    const path = pathOf(request);
    if (!path.startsWith('/api/')) return serveStatic(rendererDir, path, response);
    if (!tokenMatches(request.headers[TOKEN_HEADER] as string | undefined)) {
      throw new HttpError(401, 'Unauthorized', 'missing or wrong token');
    }
    if (path === REPORT_ZIP_PATH && request.method === 'POST') return sendReportZip(request, response);
    const call = path.slice(CALL_PREFIX.length) as WorkbenchCall;
    if (request.method !== 'POST' || !path.startsWith(CALL_PREFIX) || !WORKBENCH_CALLS.includes(call)) {
      throw new HttpError(404, 'NotFound', `no API route ${request.method ?? ''} ${path}`);
    }
    const args = await readArguments(request);
    checkCallArguments(call, args);
    let value: unknown;
    try {
      value = await engine.call(call, args);
    } catch (error) {
      return reply(response, 422, { error: errorBody(error) });
    }
    if (call === 'saveReport') {
      const { dir } = value as SavedReport;
      // The report is written whatever happens here; a folder gone already is simply not offered as a zip.
      const saved = await identifyFolder(dir).catch(() => undefined);
      if (saved) savedReports.set(dir, saved);
    }
    reply(response, 200, { value });
  }

  async function sendReportZip(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [dir] = await readArguments(request);
    const saved = typeof dir === 'string' ? savedReports.get(dir) : undefined;
    if (typeof dir !== 'string' || !saved) {
      throw new HttpError(404, 'NotFound', 'no report saved here under that folder');
    }
    const files = await listReportFiles(saved, basename(dir));
    const name = encodeURIComponent(`${basename(dir)}.zip`);
    response.writeHead(200, {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename*=UTF-8''${name}`,
    });
    await writeZip(files, response);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    // Node hands the raw socket over without an error listener: a client's reset would crash the process.
    socket.on('error', () => socket.destroy());
    if (!acceptsEvents(request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      // A malformed frame or an oversized message: cut this connection only, at once (ws would wait 30 s for a close).
      client.on('error', () => client.terminate());
    });
  });
  const acceptsEvents = (request: IncomingMessage): boolean => {
    if (refusal(request)) return false;
    const url = parseTarget(request, origin);
    return url?.pathname === EVENTS_PATH && tokenMatches(url.searchParams.get('token'));
  };
  const stopEvents = engine.onEvent((event) => {
    const message = JSON.stringify(event);
    for (const client of sockets.clients) {
      if (client.bufferedAmount > MAX_EVENT_BACKLOG_BYTES) client.terminate();
      else client.send(message);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  origin = `http://127.0.0.1:${boundPort}`;
  allowedHosts = new Set([`127.0.0.1:${boundPort}`, `localhost:${boundPort}`]);

  /** The request's path, still %-encoded (API routes are plain ASCII); a target that is no URL is refused. */
  function pathOf(request: IncomingMessage): string {
    const url = parseTarget(request, origin);
    if (!url) throw new HttpError(400, 'BadRequest', 'the request target is not a URL path');
    return url.pathname;
  }

  return {
    url: `${origin}/?token=${token}`,
    token,
    port: boundPort,
    close: async () => {
      stopEvents();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
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
  let decoded: string;
  try {
    decoded = decodeURIComponent(path === '/' ? '/index.html' : path);
  } catch {
    throw new HttpError(400, 'BadRequest', `malformed %-encoding in the path ${path}`);
  }
  const file = join(root, normalize(decoded));
  if (!file.startsWith(join(root, sep))) throw new HttpError(404, 'NotFound', path);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    throw new HttpError(404, 'NotFound', path);
  }
  response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
}

/** The body as a JSON array of arguments (an empty body is no arguments). */
async function readArguments(request: IncomingMessage): Promise<unknown[]> {
  const body = await readBody(request);
  let args: unknown;
  try {
    args = body.length === 0 ? [] : JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'BadRequest', `the body is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(args)) throw new HttpError(400, 'BadRequest', 'the body must be a JSON array of arguments');
  return args;
}

/** Reads at most `MAX_BODY_BYTES`, keeping nothing of a longer body. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const tooLarge = new HttpError(
    413,
    'PayloadTooLarge',
    `the request body is over the web host's limit of ${MAX_BODY_BYTES / 2 ** 20} MiB; ${CALL_LIMITS}`,
  );
  if (Number(request.headers['content-length']) > MAX_BODY_BYTES) return Promise.reject(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      request.off('data', onData).pause();
      chunks.length = 0;
      reject(tooLarge);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    // A client that resets mid-body: nobody is left to answer.
    request.on('error', reject);
  });
}

/**
 * Reads and drops the rest of a body the host answered before reading it all (a refusal), so that a client still
 * sending can read the answer instead of being reset; past `MAX_DISCARDED_BODY_BYTES` it is cut off.
 */
function discardRest(request: IncomingMessage): void {
  let discarded = 0;
  request
    .on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARDED_BODY_BYTES) request.socket.destroy();
    })
    .resume();
}

/** Answers a failed request; one whose answer already began (a zip) or whose client is gone is cut off instead. */
function fail(response: ServerResponse, error: unknown): void {
  reply(response, statusOf(error), { error: errorBody(error) });
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof CallArgumentError) return 400;
  if (error instanceof CallLimitError) return 413;
  if (error instanceof FolderChangedError) return 409;
  return 500;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  if (!response.req.complete) discardRest(response.req);
  const json = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
    .end(json);
}

function errorBody(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
