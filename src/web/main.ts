/** `npm run serve`: the workbench in the browser, served from 127.0.0.1 with the engine in a worker thread. */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { EngineWorker } from '../engine/worker/client.js';
import { PACKAGE_ROOT } from '../engine/paths.js';
import { startWebHost } from './server.js';

const rendererDir = join(PACKAGE_ROOT, 'out', 'renderer');
if (!existsSync(join(rendererDir, 'index.html'))) {
  process.stderr.write(`the renderer is not built (${rendererDir}); run \`npm run build\` first\n`);
  process.exit(1);
}
const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0;
const engine = new EngineWorker();
const host = await startWebHost({ engine, rendererDir, port });
process.stdout.write(`XAI Workbench is at ${host.url}\n`);

const stop = async (): Promise<void> => {
  await host.close();
  await engine.terminate();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
