/** Where the engine finds bundled resources and keeps its caches. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: this file sits at `<root>/{src,dist}/engine/paths.*`. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const DEMO_MODEL_ID = 'demo';
/** The bundled spam filter, trained on the SpamAssassin public corpus (resources/models/demo-spam). */
export const SPAM_DEMO_MODEL_ID = 'demo-spam';
/** Every bundled model, as `--model` names them; `xai-workbench models` lists them. */
export const BUNDLED_MODEL_IDS = [DEMO_MODEL_ID, SPAM_DEMO_MODEL_ID] as const;

export function defaultResourcesDir(): string {
  return join(PACKAGE_ROOT, 'resources');
}

/** `XAI_WORKBENCH_CACHE`, else the XDG cache folder. */
export function defaultCacheDir(): string {
  if (process.env.XAI_WORKBENCH_CACHE) return process.env.XAI_WORKBENCH_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'xai-workbench');
}
