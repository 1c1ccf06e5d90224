/** Starts the built web host (`dist/web/main.js`, as `npm run serve` does) and returns the URL it prints. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebHost {
  url: string;
  stop: () => void;
}

/** `env` adds to the host's environment (e.g. HF_ENDPOINT for a stand-in hub). */
export async function startWebHost(env: Record<string, string> = {}): Promise<WebHost> {
  for (const built of ['dist/web/main.js', 'out/renderer/index.html']) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const host = spawn(process.execPath, ['dist/web/main.js'], {
    env: { ...process.env, XAI_WORKBENCH_CACHE: mkdtempSync(join(tmpdir(), 'xai-e2e-')), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let printed = '';
    host.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /XAI Workbench is at (\S+)/.exec(printed);
      if (match) resolve(match[1]!);
    });
    host.on('exit', (code) => reject(new Error(`the web host exited with code ${code}`)));
  });
  return { url, stop: () => host.kill('SIGTERM') };
}
