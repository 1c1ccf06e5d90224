/**
 * Hub downloads against a local server on 127.0.0.1 that serves a fixture model in the hub's URL layout
 * (test-hub.ts), via HF_ENDPOINT.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';
import { hubCacheDir, isHubId, repoFolders } from './cache.js';
import { ModelBundle } from '../model/bundle.js';
import { downloadModel, modelFiles, type DownloadProgress } from './download.js';
import { DEFAULT_MODEL_ID } from '../../shared/api.js';
import { PUBLISHED_SHA256 } from './known-models.js';
import {
  FIXTURE_COMMIT as COMMIT,
  FIXTURE_REPO as REPO,
  FIXTURE_SOURCE as SOURCE,
  sha256,
  startFixtureHub,
  type FixtureHub,
} from './test-hub.js';

const ONNX = 'onnx/model.onnx';
let hub: FixtureHub;
let endpoint: string;
let behaviour: FixtureHub['behaviour'];

beforeAll(async () => {
  hub = await startFixtureHub();
  ({ endpoint, behaviour } = hub);
});
afterAll(() => hub.close());

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'xai-hub-'));
  Object.assign(behaviour, { requests: [], corrupt: false, cutAfterBytes: 0 });
});

describe('downloadModel', () => {
  it('downloads every file into the standard cache layout with progress', async () => {
    const progress: DownloadProgress[] = [];
    const snapshot = await downloadModel(REPO, {
      cacheDir,
      endpoint,
      offline: false,
      onProgress: (p) => progress.push(p),
    });
    const folders = repoFolders(cacheDir, REPO);
    expect(snapshot).toBe(folders.snapshot(COMMIT));
    expect(await readFile(folders.ref('main'), 'utf8')).toBe(COMMIT);
    for (const file of modelFiles('fp32')) {
      expect(await readFile(join(snapshot, file))).toEqual(readFileSync(join(SOURCE, file)));
    }
    // the ONNX file is stored under its sha256, as huggingface_hub stores LFS blobs
    const onnxBytes = readFileSync(join(SOURCE, ONNX));
    expect(realpathSync(join(snapshot, ONNX))).toBe(realpathSync(join(folders.blobs, sha256(onnxBytes))));
    const last = progress.filter((p) => p.file === ONNX).at(-1)!;
    expect(last).toEqual({ file: ONNX, received: onnxBytes.length, total: onnxBytes.length });
  });

  it('uses the cache on the second run without any request', async () => {
    await downloadModel(REPO, { cacheDir, endpoint, offline: false });
    behaviour.requests = [];
    await downloadModel(REPO, { cacheDir, endpoint, offline: false });
    expect(behaviour.requests).toEqual([]);
  });

  it('refuses a corrupted file by its sha256 and keeps nothing of it', async () => {
    behaviour.corrupt = true;
    await expect(downloadModel(REPO, { cacheDir, endpoint, offline: false })).rejects.toThrow(
      /fixtures\/tiny-distilbert\/onnx\/model\.onnx failed its sha256 check .*corrupted/,
    );
    expect((await readdir(repoFolders(cacheDir, REPO).blobs)).filter((name) => name.endsWith('.incomplete'))).toEqual(
      [],
    );
  });

  it('checks a published hash given by the caller', async () => {
    await expect(
      downloadModel(REPO, { cacheDir, endpoint, offline: false, expectedSha256: { 'config.json': '0'.repeat(64) } }),
    ).rejects.toThrow(/config\.json failed its sha256 check \(expected 0{64}/);
  });

  it('resumes an interrupted download from where it stopped', async () => {
    behaviour.cutAfterBytes = 50_000;
    // Everything that arrived before the connection dropped is on disk, and the next run asks for the rest.
    await expect(downloadModel(REPO, { cacheDir, endpoint, offline: false })).rejects.toThrow(
      /interrupted after 50000 bytes were saved.*run again to resume/,
    );
    behaviour.requests = [];
    const snapshot = await downloadModel(REPO, { cacheDir, endpoint, offline: false });
    expect(behaviour.requests).toContain(`GET /${REPO}/resolve/main/${ONNX} bytes=50000-`);
    expect(await readFile(join(snapshot, ONNX))).toEqual(readFileSync(join(SOURCE, ONNX)));
  });

  it('says what is missing when offline', async () => {
    await expect(downloadModel(REPO, { cacheDir, endpoint, offline: true })).rejects.toThrow(
      /fixtures\/tiny-distilbert is not fully cached and HF_HUB_OFFLINE is set: missing config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/,
    );
    expect(behaviour.requests).toEqual([]);
  });

  it('explains an unreachable endpoint', async () => {
    await expect(downloadModel(REPO, { cacheDir, endpoint: 'http://127.0.0.1:9', offline: false })).rejects.toThrow(
      /cannot reach http:\/\/127\.0\.0\.1:9 to download fixtures\/tiny-distilbert.*HF_ENDPOINT/,
    );
  });

  it('names a file the repository lacks', async () => {
    await expect(downloadModel('fixtures/other', { cacheDir, endpoint, offline: false })).rejects.toThrow(
      /fixtures\/other has no file config\.json/,
    );
  });
});

describe('loading a model by hub id', () => {
  it('downloads it on first use and loads it like a folder', async () => {
    const env = { HF_ENDPOINT: endpoint, HF_HUB_CACHE: cacheDir, HF_HUB_OFFLINE: '' };
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    try {
      const files: string[] = [];
      const model = await ModelBundle.load(REPO, {
        cacheDir: join(cacheDir, 'graphs'),
        onDownloadProgress: (progress) => files.push(progress.file),
      });
      expect(model.info.source).toBe(REPO);
      expect(model.info.name).toBe(REPO);
      expect(model.info.labels).toEqual(['NEGATIVE', 'POSITIVE']);
      expect(new Set(files)).toEqual(new Set(modelFiles('fp32')));
      await model.dispose();
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

const SHARED_TOKENIZER = join(PACKAGE_ROOT, '../shared/models/distilbert-sst2-tokenizer');

describe('the default model', () => {
  it.skipIf(!existsSync(SHARED_TOKENIZER))(
    `checks downloads against the published hashes of its files (skipped when ${SHARED_TOKENIZER} is absent)`,
    () => {
      const published = PUBLISHED_SHA256[DEFAULT_MODEL_ID]!;
      for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
        expect(published[file], file).toBe(sha256(readFileSync(join(SHARED_TOKENIZER, file))));
      }
    },
  );
});

describe('cache location and ids', () => {
  it('follows HF_HUB_CACHE, then HF_HOME, as huggingface_hub does', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/a', HF_HOME: '/b' })).toBe('/a');
    expect(hubCacheDir({ HF_HOME: '/b' })).toBe('/b/hub');
    expect(hubCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/huggingface/hub');
  });

  it('recognizes hub ids but not paths', () => {
    expect(isHubId('Xenova/distilbert-base-uncased-finetuned-sst-2-english')).toBe(true);
    expect(isHubId('./models/x')).toBe(false);
    expect(isHubId('../x')).toBe(false);
    expect(isHubId('/abs/path')).toBe(false);
    expect(isHubId('demo')).toBe(false);
  });
});
