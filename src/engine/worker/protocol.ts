/** Messages between a face's thread and the engine worker thread. */
import type { WorkbenchCall, WorkbenchEvent } from '../../shared/api.js';

export interface CallMessage {
  type: 'call';
  id: number;
  call: WorkbenchCall;
  args: unknown[];
}

/** Asks the worker to stop its jobs and release its sessions, then exit on its own. */
export interface ShutdownMessage {
  type: 'shutdown';
}

export type WorkerMessage =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; name: string; message: string }
  | { type: 'event'; event: WorkbenchEvent };

/** Options the worker needs to build its engine (paths only: everything else is per call). */
export interface WorkerOptions {
  cacheDir?: string;
  resourcesDir?: string;
}
