/** The web host's gatekeeping and routing, with a stand-in engine so that only the host is under test. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_TEXTS_PER_CALL, type WorkbenchEvent } from '../shared/api.js';
import {
  MAX_BODY_BYTES,
  MAX_EVENT_BACKLOG_BYTES,
  startWebHost,
  TOKEN_HEADER,
  type HostedEngine,
  type WebHost,
} from './server.js';
import { firstData, rawSocket, readAnswer, streamUntilAnswered, untilClosed, upgradeRequest } from './test-clients.js';

const calls: { call: string; args: unknown[] }[] = [];
const listeners = new Set<(event: WorkbenchEvent) => void>();
const engine: HostedEngine = {
  call: async (call, args) => {
    calls.push({ call, args });
    if (call === 'loadModel' && args[0] === 'broken')
      throw Object.assign(new Error('model folder not found: broken'), { name: 'ModelLoadError' });
    return { echoed: call, args };
  },
  onEvent: (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

let host: WebHost;
let base: string;

beforeAll(async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'xai-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>XAI Workbench</title>');
  host = await startWebHost({ engine, rendererDir });
  base = `http://127.0.0.1:${host.port}`;
});
afterAll(() => host.close());

/** A raw request, so that Host and Origin can be set to anything (fetch forbids that). */
function send(
  path: string,
  {
    method = 'POST',
    headers = {},
    body = '[]',
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; json: unknown; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${base}${path}`,
      { method, headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, json, text });
        });
      },
    );
    request.on('error', reject);
    if (method === 'POST') request.write(body);
    request.end();
  });
}

describe('web host', () => {
  it('listens on loopback only and prints a URL that carries the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer', async () => {
    const { status, text } = await send('/', { method: 'GET' });
    expect(status).toBe(200);
    expect(text).toContain('XAI Workbench');
  });

  it('answers a call with the token', async () => {
    const { status, json } = await send('/api/call/loadModel', {
      headers: { [TOKEN_HEADER]: host.token },
      body: '["demo"]',
    });
    expect(status).toBe(200);
    expect(json).toEqual({ value: { echoed: 'loadModel', args: ['demo'] } });
  });

  it('routes zeroShot like every call, its arguments checked first', async () => {
    const request = { texts: ['The team won.'], candidateLabels: ['sports', 'politics'], methods: { occlusion: {} } };
    const { status, json } = await send('/api/call/zeroShot', {
      headers: { [TOKEN_HEADER]: host.token },
      body: JSON.stringify([request]),
    });
    expect(status).toBe(200);
    expect(json).toEqual({ value: { echoed: 'zeroShot', args: [request] } });
    const before = calls.length;
    const refused = await send('/api/call/zeroShot', {
      headers: { [TOKEN_HEADER]: host.token },
      body: JSON.stringify([{ ...request, candidateLabels: [] }]),
    });
    expect(refused).toMatchObject({
      status: 400,
      json: { error: { message: 'zeroShot: request.candidateLabels must have at least 1 item' } },
    });
    expect(calls.length).toBe(before);
  });

  it('passes an engine error back with its message', async () => {
    const { status, json } = await send('/api/call/loadModel', {
      headers: { [TOKEN_HEADER]: host.token },
      body: '["broken"]',
    });
    expect(status).toBe(422);
    expect(json).toEqual({ error: { name: 'ModelLoadError', message: 'model folder not found: broken' } });
  });

  it('refuses a request without the token or with a wrong one, before the engine sees it', async () => {
    const before = calls.length;
    expect((await send('/api/call/predict', { body: '[["x"]]' })).status).toBe(401);
    expect(
      (await send('/api/call/predict', { headers: { [TOKEN_HEADER]: `${host.token}x` }, body: '[["x"]]' })).status,
    ).toBe(401);
    expect(
      (await send('/api/call/predict', { headers: { [TOKEN_HEADER]: 'a'.repeat(host.token.length) } })).status,
    ).toBe(401);
    expect(calls.length).toBe(before);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin even with the token', async () => {
    const withToken = { [TOKEN_HEADER]: host.token };
    expect((await send('/api/call/listMethods', { headers: { ...withToken, host: 'evil.example:80' } })).status).toBe(
      403,
    );
    expect(
      (await send('/api/call/listMethods', { headers: { ...withToken, origin: 'http://evil.example' } })).status,
    ).toBe(403);
    expect((await send('/api/call/listMethods', { headers: { ...withToken, origin: base } })).status).toBe(200);
  });

  it('refuses unknown calls and non-array bodies', async () => {
    const withToken = { [TOKEN_HEADER]: host.token };
    expect((await send('/api/call/dispose', { headers: withToken })).status).toBe(404);
    expect((await send('/api/call/predict', { headers: withToken, body: '{"texts": []}' })).status).toBe(400);
  });

  it('streams engine events over a WebSocket that requires the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=wrong`);
    await expect(
      new Promise((resolve, reject) => (refused.on('open', resolve), refused.on('error', reject))),
    ).rejects.toThrow();

    const client = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=${host.token}`);
    await new Promise((resolve) => client.on('open', resolve));
    const received = new Promise<unknown>((resolve) =>
      client.on('message', (data) => resolve(JSON.parse(String(data)))),
    );
    const event: WorkbenchEvent = { type: 'job-finished', jobId: 'j1', status: 'completed' };
    for (const listener of listeners) listener(event);
    expect(await received).toEqual(event);
    client.close();
  });
});

async function openEvents(): Promise<WebSocket> {
  const client = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=${host.token}`);
  await new Promise((resolve) => client.on('open', resolve));
  return client;
}

const nextMessage = (client: WebSocket): Promise<unknown> =>
  new Promise((resolve) => client.once('message', (data) => resolve(JSON.parse(String(data)))));

const tokenHeader = (): Record<string, string> => ({ [TOKEN_HEADER]: host.token });

function emit(event: WorkbenchEvent): void {
  for (const listener of listeners) listener(event);
}

describe('web host under bad clients', () => {
  it('survives 40 event-socket upgrades without the token that reset the connection', async () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const socket = await rawSocket(host.port);
      const closed = untilClosed(socket);
      socket.write(upgradeRequest(host.port, '/api/events'));
      // Half reset at once, half after reading the refusal.
      if (attempt % 2 === 1) expect(await firstData(socket)).toMatch(/^HTTP\/1.1 403/);
      socket.resetAndDestroy();
      await closed;
    }
    expect((await send('/', { method: 'GET' })).status).toBe(200);
  });

  it('refuses an upgrade whose target is no URL', async () => {
    const socket = await rawSocket(host.port);
    const answer = untilClosed(socket);
    socket.write(upgradeRequest(host.port, '//['));
    expect(await answer).toMatch(/^HTTP\/1.1 403/);
    expect((await send('/', { method: 'GET' })).status).toBe(200);
  });

  it('drops a client that sends a malformed frame, and only that client', async () => {
    const good = await openEvents();
    const bad = await rawSocket(host.port);
    bad.write(upgradeRequest(host.port, `/api/events?token=${host.token}`));
    expect(await firstData(bad)).toMatch(/^HTTP\/1.1 101/);
    const closed = untilClosed(bad);
    bad.write(Buffer.from([0x81, 0x02, 0x68, 0x69])); // text frame "hi" without the mask a client must set
    await closed;

    const received = nextMessage(good);
    const event: WorkbenchEvent = { type: 'job-finished', jobId: 'j2', status: 'completed' };
    emit(event);
    expect(await received).toEqual(event);
    good.close();
  });

  it('drops a client that sends a message larger than a control frame', async () => {
    const chatty = await rawSocket(host.port);
    chatty.write(upgradeRequest(host.port, `/api/events?token=${host.token}`));
    expect(await firstData(chatty)).toMatch(/^HTTP\/1.1 101/);
    const closed = untilClosed(chatty);
    // A masked 2,000-byte text frame (the mask is zero, so the payload goes as is).
    chatty.write(
      Buffer.concat([Buffer.from([0x81, 0x80 | 126, 2000 >> 8, 2000 & 0xff, 0, 0, 0, 0]), Buffer.alloc(2000, 'a')]),
    );
    await closed;
    expect((await send('/', { method: 'GET' })).status).toBe(200);
  });

  it('drops a client that stops reading once its unread events pass the backlog limit', async () => {
    const good = await openEvents();
    const stalled = await rawSocket(host.port);
    stalled.write(upgradeRequest(host.port, `/api/events?token=${host.token}`));
    await firstData(stalled);
    stalled.pause();
    // 1 MiB events, each sent once the reading client has the previous one: only the stalled client falls behind.
    const event: WorkbenchEvent = { type: 'model-download', source: 's', file: 'x'.repeat(2 ** 20), received: 0 };
    const count = MAX_EVENT_BACKLOG_BYTES / 2 ** 20 + 16;
    for (let i = 0; i < count; i++) {
      const received = nextMessage(good);
      emit(event);
      await received;
    }
    const closed = untilClosed(stalled);
    stalled.resume();
    // What the kernel had buffered arrives, then the end: far less than everything that was sent.
    expect((await closed).length).toBeLessThan(count * 2 ** 20);
    expect(good.readyState).toBe(WebSocket.OPEN);
    good.close();
  }, 30_000);

  it('answers a body that is not JSON with 400', async () => {
    const { status, json } = await send('/api/call/predict', { headers: tokenHeader(), body: '[["unterminated' });
    expect(status).toBe(400);
    expect(json).toMatchObject({
      error: { name: 'BadRequest', message: expect.stringMatching(/^the body is not JSON/) },
    });
  });

  it('answers bad %-encoding in a path with 400', async () => {
    const { status, json } = await send('/%E0%A4%A', { method: 'GET' });
    expect(status).toBe(400);
    expect(json).toEqual({ error: { name: 'BadRequest', message: 'malformed %-encoding in the path /%E0%A4%A' } });
  });

  it('refuses a body declared over the limit with 413 before reading any of it', async () => {
    const socket = await rawSocket(host.port);
    const answer = readAnswer(socket);
    socket.write(
      `POST /api/call/predict HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n${TOKEN_HEADER}: ${host.token}\r\n` +
        `Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`,
    );
    const { status, json } = await answer;
    socket.destroy();
    expect(status).toBe(413);
    expect(json).toEqual({
      error: {
        name: 'PayloadTooLarge',
        message:
          "the request body is over the web host's limit of 16 MiB; " +
          `a call takes at most ${MAX_TEXTS_PER_CALL} texts of at most 20000 characters each`,
      },
    });
  });

  it('stops reading a chunked body at the limit and answers 413', async () => {
    // Past twice the limit the host would not have stopped reading.
    expect(await streamUntilAnswered(`${base}/api/call/predict`, tokenHeader(), 2 * MAX_BODY_BYTES)).toBe(413);
    expect((await send('/', { method: 'GET' })).status).toBe(200);
  });
});

describe('argument checks', () => {
  it('answers arguments of the wrong type or shape with 400 naming the argument, before the engine sees them', async () => {
    const before = calls.length;
    expect(await send('/api/call/predict', { headers: tokenHeader(), body: '[["a","b",{}]]' })).toMatchObject({
      status: 400,
      json: { error: { name: 'CallArgumentError', message: 'predict: texts[2] must be a string, not an object' } },
    });
    expect(await send('/api/call/predict', { headers: tokenHeader(), body: '[]' })).toMatchObject({
      status: 400,
      json: { error: { name: 'CallArgumentError', message: 'predict takes 1 argument (texts), got 0' } },
    });
    expect(calls.length).toBe(before);
  });

  it('answers arguments over the limits with 413 and the limits', async () => {
    const texts = Array.from({ length: MAX_TEXTS_PER_CALL + 1 }, () => 'a');
    const { status, json } = await send('/api/call/startJob', {
      headers: tokenHeader(),
      body: JSON.stringify([{ texts, methods: { attention: {} } }]),
    });
    expect(status).toBe(413);
    expect(json).toMatchObject({
      error: { name: 'CallLimitError', message: expect.stringContaining(`at most ${MAX_TEXTS_PER_CALL} texts`) },
    });
  });
});
