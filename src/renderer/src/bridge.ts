/**
 * The renderer's one way to the engine. In Electron the preload provides `window.workbench`; in browser mode
 * the same contract goes over the web host's HTTP routes and event socket, authorized by the URL's token.
 */
import { WORKBENCH_CALLS, type WorkbenchBridge, type WorkbenchEvent } from '../../shared/api';

const TOKEN_KEY = 'xai-workbench-token';

export function connectBridge(): WorkbenchBridge | undefined {
  if (window.workbench) return window.workbench;
  const token = takeToken();
  return token ? httpBridge(token) : undefined;
}

/** Reads the token from the URL once, keeps it for reloads, and removes it from the address bar. */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url);
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
}

function httpBridge(token: string): WorkbenchBridge {
  const listeners = new Set<(event: WorkbenchEvent) => void>();
  let listening = false;
  const calls = Object.fromEntries(
    WORKBENCH_CALLS.map((call) => [
      call,
      async (...args: unknown[]) => {
        const response = await fetch(`/api/call/${call}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-workbench-token': token },
          body: JSON.stringify(args),
        });
        const body = (await response.json()) as { value?: unknown; error?: { name: string; message: string } };
        if (body.error) throw Object.assign(new Error(body.error.message), { name: body.error.name });
        return body.value;
      },
    ]),
  ) as unknown as Omit<WorkbenchBridge, 'onEvent'>;
  return {
    ...calls,
    onEvent(listener) {
      listeners.add(listener);
      if (!listening) openEvents(token, (event) => listeners.forEach((notify) => notify(event)));
      listening = true;
      return () => listeners.delete(listener);
    },
  };
}

/** Longest wait between attempts to reopen the event socket while the host is away. */
const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * The event socket, reopened whenever it closes: the host drops a client that falls behind (a tab in the
 * background) and a connection can break; job progress must come back without a reload.
 */
function openEvents(token: string, dispatch: (event: WorkbenchEvent) => void, delay = 500): void {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${window.location.host}/api/events?token=${encodeURIComponent(token)}`);
  let opened = false;
  socket.addEventListener('open', () => (opened = true));
  socket.addEventListener('message', (message) => dispatch(JSON.parse(String(message.data)) as WorkbenchEvent));
  socket.addEventListener('close', () => {
    const wait = opened ? 500 : Math.min(delay * 2, MAX_RECONNECT_DELAY_MS);
    setTimeout(() => openEvents(token, dispatch, wait), wait);
  });
}

/** Browser mode only: the web host can hand a report folder it saved to the browser as a zip. */
export function canDownloadReportZip(): boolean {
  return !window.workbench && sessionStorage.getItem(TOKEN_KEY) !== null;
}

/** Fetches the zip of a report folder the web host wrote and offers it as a download. */
export async function downloadReportZip(dir: string): Promise<void> {
  const response = await fetch('/api/report-zip', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': sessionStorage.getItem(TOKEN_KEY) ?? '' },
    body: JSON.stringify([dir]),
  });
  if (!response.ok) {
    const body = (await response.json()) as { error?: { message: string } };
    throw new Error(body.error?.message ?? `zip download failed (${response.status})`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `${dir.split(/[\\/]/).pop() || 'report'}.zip`;
  link.click();
  // The download has started from the blob by now; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
