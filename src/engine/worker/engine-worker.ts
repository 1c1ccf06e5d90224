/** Entry of the engine worker thread: one Workbench, answering calls and forwarding its events. */
import { parentPort, workerData } from 'node:worker_threads';
import { WORKBENCH_CALLS, type WorkbenchApi } from '../../shared/api.js';
import { Workbench } from '../workbench.js';
import type { CallMessage, ShutdownMessage, WorkerMessage, WorkerOptions } from './protocol.js';

if (!parentPort) throw new Error('engine-worker.ts must run in a worker thread');
const port = parentPort;
const post = (message: WorkerMessage): void => port.postMessage(message);

const workbench = new Workbench(workerData as WorkerOptions, (event) => post({ type: 'event', event }));

port.on('message', async (message: CallMessage | ShutdownMessage) => {
  if (message.type === 'shutdown') {
    // Killing a thread while onnxruntime runs aborts the process; stop between model calls instead.
    await workbench.dispose();
    port.close();
    return;
  }
  const { id, call, args } = message;
  if (!WORKBENCH_CALLS.includes(call)) {
    post({ type: 'error', id, name: 'Error', message: `unknown call ${String(call)}` });
    return;
  }
  try {
    const method = workbench[call] as (...callArgs: unknown[]) => ReturnType<WorkbenchApi[typeof call]>;
    post({ type: 'result', id, value: await method.apply(workbench, args) });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', id, name, message });
  }
});
