/** Clients that misbehave on purpose, below and above HTTP, for the web host's tests. */
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
