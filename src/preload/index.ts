/** Exposes the contract to the renderer as `window.workbench`, one method per call plus events; nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, ipcChannel, WORKBENCH_CALLS, type WorkbenchEvent } from '../shared/api.js';

const calls = Object.fromEntries(
  WORKBENCH_CALLS.map((call) => [call, (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(call), ...args)]),
);
contextBridge.exposeInMainWorld('workbench', {
  ...calls,
  onEvent(listener: (event: WorkbenchEvent) => void): () => void {
    const relay = (_: unknown, event: WorkbenchEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  },
});
