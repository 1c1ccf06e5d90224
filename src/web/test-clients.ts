/** Clients that misbehave on purpose, below and above HTTP, for the web host's tests. */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

/** A raw TCP connection to a loopback port; resets and other socket errors on it are the point, not failures. */
export function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.off('error', reject).on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A WebSocket upgrade request for `target` (path and query), as a browser sends it. */
export function upgradeRequest(port: number, target: string): string {
  return (
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
  );
}

export function firstData(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once('data', (data: Buffer) => resolve(data.toString())));
}

/** Everything the other side sends until the connection closes. */
export function untilClosed(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (data: Buffer) => (text += data.toString()));
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}

/** The first HTTP answer on a raw connection, read by its Content-Length: the host may keep the connection open. */
export function readAnswer(socket: Socket): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      received = Buffer.concat([received, data]);
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = received.subarray(0, headEnd).toString();
      const length = Number(/^content-length: (\d+)$/im.exec(head)?.[1]);
      const body = received.subarray(headEnd + 4);
      if (body.length < length) return;
      socket.off('data', onData);
      resolve({ status: Number(head.split(' ')[1]), json: JSON.parse(body.subarray(0, length).toString()) });
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`the connection closed before a whole answer: ${String(received)}`)));
  });
}

/**
 * POSTs a chunked body of spaces to `url` until the server answers (or `maxBytes` are sent) and resolves with
 * the answer's status; the server may cut the connection once it has answered.
 */
export function streamUntilAnswered(url: string, headers: Record<string, string>, maxBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      answered = true;
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(2 ** 20, ' ');
    let sent = 0;
    const pump = (): void => {
      while (!answered && sent < maxBytes) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      request.end();
    };
    pump();
  });
}
