/**
 * The engine in a worker thread, behind the contract: Electron main and the web host hold one of these, so a
 * long job never blocks the thread that serves the UI.
 */
import { Worker } from 'node:worker_threads';
import type { WorkbenchApi, WorkbenchBridge, WorkbenchCall, WorkbenchEvent } from '../../shared/api.js';
import { WORKBENCH_CALLS } from '../../shared/api.js';
import type { CallMessage, ShutdownMessage, WorkerMessage, WorkerOptions } from './protocol.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * Starts the worker entry next to this file: the built `.js`, or from source (tests, tsx) the `.ts` through
 * tsx's loader, registered inside the worker because workers do not inherit loader flags.
 */
function startWorker(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: options });
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./engine-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}

export class EngineWorker implements WorkbenchBridge {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: WorkbenchEvent) => void>();
  private nextId = 1;

  constructor(options: WorkerOptions = {}) {
    this.worker = startWorker(options);
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the engine worker exited (code ${code})`)));
  }

  loadModel = this.caller('loadModel');
  listMethods = this.caller('listMethods');
  predict = this.caller('predict');
  explain = this.caller('explain');
  zeroShot = this.caller('zeroShot');
  compare = this.caller('compare');
  startJob = this.caller('startJob');
  cancelJob = this.caller('cancelJob');
  getJob = this.caller('getJob');
  saveReport = this.caller('saveReport');

  /** Calls a contract method by name, as the IPC and HTTP faces receive it. */
  call(call: WorkbenchCall, args: unknown[]): Promise<unknown> {
    if (!WORKBENCH_CALLS.includes(call)) return Promise.reject(new Error(`unknown call ${String(call)}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'call', id, call, args } satisfies CallMessage);
    });
  }

  onEvent(listener: (event: WorkbenchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops the engine: running jobs are cancelled between model calls and sessions released before the thread
   * ends (terminating it in the middle of an onnxruntime call would abort the whole process).
   */
  async terminate(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'shutdown' } satisfies ShutdownMessage);
    const timeout = setTimeout(() => void this.worker.terminate(), 30_000);
    await exited;
    clearTimeout(timeout);
  }

  private caller<C extends WorkbenchCall>(call: C): WorkbenchApi[C] {
    return ((...args: unknown[]) => this.call(call, args)) as WorkbenchApi[C];
  }

  private receive(message: WorkerMessage): void {
    if (message.type === 'event') {
      for (const listener of this.listeners) listener(message.event);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(Object.assign(new Error(message.message), { name: message.name }));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
