/** Exposes the contract to the renderer as `window.workbench`, one method per call; nothing else crosses. */
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, WORKBENCH_CALLS } from '../shared/api.js';

const bridge = Object.fromEntries(
  WORKBENCH_CALLS.map((call) => [call, (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(call), ...args)]),
);
contextBridge.exposeInMainWorld('workbench', bridge);
