/**
 * Loading what a face asked for, with one exception: the default hub model, when it is not cached and the hub
 * cannot be reached (offline, a firewall), is replaced by the bundled demo model, with a notice saying so. A
 * model the user named never falls back silently: its error is theirs to see.
 */
import { HubError } from '../hub/download.js';
import { DEFAULT_MODEL_ID } from '../../shared/api.js';
import { DEMO_MODEL_ID } from '../paths.js';
import { ModelBundle, ModelLoadError, type LoadOptions } from './bundle.js';

export interface LoadedBundle {
  model: ModelBundle;
  /** Set when the model is not the one asked for, and why. */
  notice?: string;
}

export async function loadModelOrDemo(source: string, options: LoadOptions = {}): Promise<LoadedBundle> {
  try {
    return { model: await ModelBundle.load(source, options) };
  } catch (error) {
    const unavailable =
      error instanceof ModelLoadError && error.cause instanceof HubError && error.cause.failure === 'unavailable';
    if (source !== DEFAULT_MODEL_ID || !unavailable) throw error;
    return {
      model: await ModelBundle.load(DEMO_MODEL_ID, options),
      notice: `${DEFAULT_MODEL_ID} is not cached and the hub cannot be reached; using the bundled demo model instead`,
    };
  }
}
