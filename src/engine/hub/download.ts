/**
 * Downloading a transformers.js-style model folder from the Hugging Face hub (or a mirror via HF_ENDPOINT)
 * into the standard cache, with progress, resume of an interrupted download (HTTP Range), and sha256
 * verification of LFS files. A cached snapshot is used without any request.
 *
 * Written on Node's fetch rather than @huggingface/hub: its `downloadFileToCacheDir` neither resumes, reports
 * progress nor verifies hashes, which are the point here.
 */
import { mkdir, open, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { sha256OfFile } from '../files.js';
import { hubCacheDir, hubEndpoint, isOffline, repoFolders } from './cache.js';

export type Dtype = 'fp32' | 'q8';

export function modelFiles(dtype: Dtype): string[] {
  return [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
  ];
}

export interface DownloadProgress {
  file: string;
  received: number;
  /** Bytes expected, when the server says. */
  total?: number;
}

export interface DownloadOptions {
  revision?: string;
  dtype?: Dtype;
  cacheDir?: string;
  endpoint?: string;
  offline?: boolean;
  /** Known sha256 per file path (e.g. the default model's published hashes), checked besides the hub's. */
  expectedSha256?: Record<string, string>;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/** Why a hub download failed: `unavailable` (offline or unreachable) is the case where a fallback makes sense. */
export type HubFailure = 'unavailable' | 'corrupted' | 'refused';

export class HubError extends Error {
  override name = 'HubError';
  constructor(
    message: string,
    readonly failure: HubFailure = 'refused',
  ) {
    super(message);
  }
}

/** Returns the snapshot folder holding every file of the model, downloading what the cache lacks. */
export async function downloadModel(repo: string, options: DownloadOptions = {}): Promise<string> {
  const { revision = 'main', dtype = 'fp32', cacheDir = hubCacheDir(), endpoint = hubEndpoint() } = options;
  const files = modelFiles(dtype);
  const folders = repoFolders(cacheDir, repo);

  const cachedCommit = await readFile(folders.ref(revision), 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  if (cachedCommit) {
    const missing = await missingFiles(folders.snapshot(cachedCommit), files);
    if (missing.length === 0) return folders.snapshot(cachedCommit);
  }
  if (options.offline ?? isOffline()) {
    const missing = cachedCommit ? await missingFiles(folders.snapshot(cachedCommit), files) : files;
    throw new HubError(
      `${repo} is not fully cached and HF_HUB_OFFLINE is set: missing ${missing.join(', ')} in ${folders.root}. ` +
        `Download it on a connected machine (same command without HF_HUB_OFFLINE) and copy ${folders.root}, ` +
        `or pass --model with a local folder.`,
      'unavailable',
    );
  }

  let commit: string | undefined;
  for (const file of files) {
    const downloaded = await downloadFile(repo, revision, file, { ...options, endpoint, blobs: folders.blobs });
    commit ??= downloaded.commit;
    if (downloaded.commit !== commit) {
      throw new HubError(`${repo} changed while downloading (commit ${commit} then ${downloaded.commit}); run again`);
    }
    const link = join(folders.snapshot(commit), file);
    await mkdir(dirname(link), { recursive: true });
    await rm(link, { force: true });
    await symlink(relative(dirname(link), downloaded.blob), link);
  }
  await mkdir(dirname(folders.ref(revision)), { recursive: true });
  await writeFile(folders.ref(revision), commit!);
  return folders.snapshot(commit!);
}

async function missingFiles(snapshot: string, files: string[]): Promise<string[]> {
  const present = await Promise.all(
    files.map((file) =>
      stat(join(snapshot, file)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return files.filter((_, i) => !present[i]);
}

interface FileRequest extends DownloadOptions {
  endpoint: string;
  blobs: string;
}

async function downloadFile(
  repo: string,
  revision: string,
  file: string,
  request: FileRequest,
): Promise<{ commit: string; blob: string }> {
  const url = `${request.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file}`;
  const head = await fetchOrExplain(url, { method: 'HEAD', redirect: 'follow', signal: request.signal }, repo, file);
  const commit = head.headers.get('x-repo-commit');
  const etag = cleanEtag(head.headers.get('x-linked-etag') ?? head.headers.get('etag'));
  if (!commit || !etag)
    throw new HubError(`${url} did not say which commit and version it serves (x-repo-commit, etag)`);
  const blob = join(request.blobs, etag);
  if (
    await stat(blob).then(
      () => true,
      () => false,
    )
  )
    return { commit, blob };

  await mkdir(request.blobs, { recursive: true });
  const partial = `${blob}.incomplete`;
  const already = await stat(partial).then(
    (s) => s.size,
    () => 0,
  );
  const response = await fetchOrExplain(
    url,
    { redirect: 'follow', signal: request.signal, headers: already > 0 ? { range: `bytes=${already}-` } : {} },
    repo,
    file,
  );
  const resumed = response.status === 206;
  const start = resumed ? already : 0;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? start + length : undefined;
  let received = start;
  // Each chunk is on disk before the next is read, so an interrupted download keeps all it received.
  const body = Readable.fromWeb(response.body! as import('node:stream/web').ReadableStream<Uint8Array>);
  const output = await open(partial, resumed ? 'a' : 'w');
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      await output.write(chunk);
      received += chunk.length;
      request.onProgress?.({ file, received, ...(total !== undefined ? { total } : {}) });
    }
  } catch (error) {
    // The partial file stays: the next run asks only for the rest.
    throw new HubError(
      `downloading ${repo}/${file} was interrupted after ${received} bytes were saved (${messageOf(error)}); ` +
        'run again to resume',
    );
  } finally {
    await output.close();
  }

  // LFS files carry their sha256 as etag; a published hash, when known, must match as well.
  const expected = [/^[0-9a-f]{64}$/.test(etag) ? etag : undefined, request.expectedSha256?.[file]].filter(Boolean);
  if (expected.length > 0) {
    const actual = await sha256OfFile(partial);
    const wrong = expected.find((hash) => hash !== actual);
    if (wrong) {
      await rm(partial, { force: true });
      throw new HubError(
        `${repo}/${file} failed its sha256 check (expected ${wrong}, got ${actual}): the download was corrupted; run again`,
      );
    }
  }
  await rename(partial, blob);
  return { commit, blob };
}

async function fetchOrExplain(url: string, init: RequestInit, repo: string, file: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new HubError(
      `cannot reach ${new URL(url).origin} to download ${repo} (${file}): ${cause}. ` +
        `Check the network, set HF_ENDPOINT to a mirror, or pass --model with a local folder.`,
      'unavailable',
    );
  }
  if (response.status === 404)
    throw new HubError(
      `${repo} has no file ${file} on ${new URL(url).origin} (is it a transformers.js export with onnx/?)`,
    );
  if (response.status === 401 || response.status === 403)
    throw new HubError(`${repo} is private or gated: access denied (HTTP ${response.status})`);
  if (!response.ok) throw new HubError(`downloading ${repo}/${file} failed: HTTP ${response.status}`);
  return response;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function cleanEtag(etag: string | null): string | undefined {
  return etag?.replace(/^W\//, '').replaceAll('"', '') || undefined;
}
