/**
 * Exposes the contract to the renderer as `window.workbench`, one method per call plus events, and the native
 * dialogs as `window.workbenchDialogs`; nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, ipcChannel, WORKBENCH_CALLS, type WorkbenchEvent } from '../shared/api.js';
import { CHOOSE_MODEL_FOLDER_CHANNEL, CHOOSE_REPORT_FOLDER_CHANNEL, type WorkbenchDialogs } from '../shared/dialogs.js';

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
const dialogs: WorkbenchDialogs = {
  chooseReportFolder: () => ipcRenderer.invoke(CHOOSE_REPORT_FOLDER_CHANNEL) as Promise<string | undefined>,
  chooseModelFolder: () => ipcRenderer.invoke(CHOOSE_MODEL_FOLDER_CHANNEL) as Promise<string | undefined>,
};
contextBridge.exposeInMainWorld('workbenchDialogs', dialogs);
