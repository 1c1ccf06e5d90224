/** The browser-mode bridge's event socket, with the browser's globals stood in for (no DOM in unit tests). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkbenchEvent } from '../../shared/api';

class FakeSocket extends EventTarget {
  static opened: FakeSocket[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.opened.push(this);
  }
  emit(type: 'open' | 'close'): void {
    this.dispatchEvent(new Event(type));
  }
  receive(event: WorkbenchEvent): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify(event) }));
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.opened = [];
  const storage = new Map<string, string>();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: storage.set.bind(storage),
  });
  vi.stubGlobal('window', {
    location: { href: 'http://127.0.0.1:5000/?token=secret', protocol: 'http:', host: '127.0.0.1:5000' },
    history: { replaceState: () => undefined },
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the browser-mode event socket', () => {
  it('is reopened when the host drops it, and events flow again', async () => {
    const { connectBridge } = await import('./bridge');
    const received: WorkbenchEvent[] = [];
    connectBridge()!.onEvent((event) => received.push(event));
    expect(FakeSocket.opened).toHaveLength(1);
    expect(FakeSocket.opened[0]!.url).toBe('ws://127.0.0.1:5000/api/events?token=secret');
    FakeSocket.opened[0]!.emit('open');
    FakeSocket.opened[0]!.emit('close');
    vi.advanceTimersByTime(500);
    expect(FakeSocket.opened).toHaveLength(2);
    const finished: WorkbenchEvent = { type: 'job-finished', jobId: 'j1', status: 'completed' };
    FakeSocket.opened[1]!.receive(finished);
    expect(received).toEqual([finished]);
  });

  it('backs off while the host stays away', async () => {
    const { connectBridge } = await import('./bridge');
    connectBridge()!.onEvent(() => undefined);
    const waits: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const before = FakeSocket.opened.length;
      FakeSocket.opened.at(-1)!.emit('close');
      let waited = 0;
      while (FakeSocket.opened.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});
