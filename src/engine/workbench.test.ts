/** The contract's loadModel: load options, download events, and the default model's offline fallback. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, type WorkbenchEvent } from '../shared/api.js';
import { FIXTURE_REPO, startFixtureHub } from './hub/test-hub.js';
import { PACKAGE_ROOT } from './paths.js';
import { Workbench } from './workbench.js';

describe('Workbench.loadModel', () => {
  const saved = { ...process.env };
  let workbench: Workbench;
  let events: WorkbenchEvent[];

  beforeEach(async () => {
    events = [];
    workbench = new Workbench({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-workbench-')) }, (event) =>
      events.push(event),
    );
    process.env.HF_HUB_CACHE = await mkdtemp(join(tmpdir(), 'xai-workbench-hub-'));
  });
  afterEach(async () => {
    await workbench.dispose();
    process.env = { ...saved };
  });

  it('falls back from the default hub model to the demo offline, with a notice saying so', async () => {
    process.env.HF_HUB_OFFLINE = '1';
    const loaded = await workbench.loadModel(DEFAULT_MODEL_ID);
    expect(loaded.source).toBe('demo');
    expect(loaded.notice).toContain(`${DEFAULT_MODEL_ID} is not cached and the hub cannot be reached`);
    expect((await workbench.loadModel('demo')).notice).toBeUndefined();
  });

  it('downloads a hub id with model-download events and applies the load options', async () => {
    const hub = await startFixtureHub();
    Object.assign(process.env, { HF_ENDPOINT: hub.endpoint, HF_HUB_OFFLINE: '' });
    try {
      const loaded = await workbench.loadModel(FIXTURE_REPO, { precision: 'int8' });
      expect(loaded).toMatchObject({ source: FIXTURE_REPO, dtype: 'fp32', precision: 'int8' });
      expect(loaded.notice).toBeUndefined();
      const downloads = events.filter((event) => event.type === 'model-download');
      expect(downloads.at(-1)).toMatchObject({ source: FIXTURE_REPO, file: expect.any(String) });
      expect(new Set(downloads.map((event) => event.type === 'model-download' && event.file))).toContain(
        'onnx/model.onnx',
      );
    } finally {
      await hub.close();
    }
  });

  it('passes the multi-label threshold on to the model', async () => {
    const loaded = await workbench.loadModel(join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert-multilabel'), {
      threshold: 0.7,
    });
    expect(loaded).toMatchObject({ task: 'multi_label_classification', threshold: 0.7 });
  });
});
