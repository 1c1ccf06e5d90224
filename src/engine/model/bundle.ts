/**
 * A loaded model: config, labels, tokenizer and onnxruntime sessions (graphs derived from the export at its
 * first load and cached, or the export itself where surgery fails). Loading checks the folder first so that a
 * missing or malformed file is named plainly, and onnxruntime loads the export before anything is derived.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import type { ModelCapability } from '../../shared/api.js';
import type { ModelInfo, Precision } from '../../shared/results.js';
import { isHubId } from '../hub/cache.js';
import { downloadModel, modelFiles, type DownloadProgress, type Dtype } from '../hub/download.js';
import { PUBLISHED_SHA256 } from '../hub/known-models.js';
import {
  BUNDLED_MODEL_IDS,
  defaultCacheDir,
  defaultResourcesDir,
  DEMO_MODEL_ID,
  SPAM_DEMO_MODEL_ID,
} from '../paths.js';
import { INPUT_IDS } from '../onnx/surgery.js';
import { parseModelConfig, type ModelConfig } from './config.js';
import { DerivedGraphs, type GraphVariant } from './derived-graphs.js';
import { fileSha256 } from './file-hash.js';
import { DEFAULT_THRESHOLD, type Head } from './head.js';
import { ATTENTION_MASK, LOGITS, TOKEN_TYPE_IDS } from './forward.js';
import { logitsProblem } from './output-check.js';
import { TextTokenizer } from './tokenizer.js';

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

export interface LoadOptions {
  /** Where derived graphs are cached (not the hub cache, which follows HF_HOME/HF_HUB_CACHE). */
  cacheDir?: string;
  resourcesDir?: string;
  /** `q8` loads `onnx/model_quantized.onnx` (transformers.js' int8 export) instead of `onnx/model.onnx`. */
  dtype?: Dtype;
  /**
   * `int8` runs the forward-only methods (SHAP, LIME, occlusion, metrics) on a dynamically quantized copy of
   * the graph: several times faster, slightly approximate (each sentence's drift is reported, and an int8
   * output also moves a little with the sequences batched beside it). Predictions, gradients and attention
   * stay on the exact graph. Default `fp32`.
   */
  precision?: Precision;
  /** Multi-label heads: the sigmoid at which a label counts as predicted (default 0.5). */
  threshold?: number;
  /** Progress of a hub download, when the source is a hub id not yet cached. */
  onDownloadProgress?: (progress: DownloadProgress) => void;
}

/** Inputs only decoders take: encoder-decoder exports (decoder_input_ids, encoder outputs) and cached decoders. */
const DECODER_INPUT = /^(decoder_|encoder_outputs|encoder_hidden_states|past_key_values|use_cache_branch)/;

/** The derived graph that provides each capability. */
const CAPABILITY_GRAPHS: Record<ModelCapability, GraphVariant> = {
  attentions: 'attentions',
  inputs_embeds: 'embeds',
  gradients: 'gradients',
};

export class ModelBundle {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  private constructor(
    readonly info: ModelInfo,
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    readonly graphs: DerivedGraphs,
    /** The ONNX file loaded (the demo's, a hub snapshot's, the q8 export…): resolved once, by the load. */
    readonly modelPath: string,
    /** Whether the graph takes `token_type_ids` (BERT) besides ids and mask. */
    readonly takesTokenTypes: boolean,
    /** The graph exact fp32 forward passes run on. */
    private readonly exactGraph: 'plain' | 'forward',
  ) {}

  /** What the outputs mean: softmax, per-label sigmoid or one score, and the multi-label threshold. */
  get head(): Head {
    return { task: this.config.task, labels: this.config.labels, threshold: this.info.threshold ?? DEFAULT_THRESHOLD };
  }

  /** Loads `demo` (the bundled model), a transformers.js-style folder, or a hub id (downloaded on first use). */
  static async load(source: string, options: LoadOptions = {}): Promise<ModelBundle> {
    const dtype = options.dtype ?? 'fp32';
    const precision = options.precision ?? 'fp32';
    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    if (!(threshold > 0 && threshold < 1)) {
      throw new ModelLoadError(`the multi-label threshold must be between 0 and 1 (exclusive); got ${threshold}`);
    }
    if (precision === 'int8' && dtype === 'q8') {
      throw new ModelLoadError('precision int8 quantizes the fp32 export; the q8 export is already int8');
    }
    const dir = await resolveModelDir(source, options, dtype);
    const files = modelFiles(dtype);
    await checkModelFolder(dir, files);
    const config = await readConfig(dir);
    const tokenizer = await TextTokenizer.load(dir, config.maxTokens).catch((error: unknown) => {
      throw new ModelLoadError(`${join(dir, 'tokenizer.json')} could not be loaded: ${messageOf(error)}`);
    });
    const modelPath = join(dir, files.at(-1)!);
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const sha256 = await fileSha256(modelPath, cacheDir);
    const info: ModelInfo = {
      source,
      name:
        source === DEMO_MODEL_ID
          ? 'demo-sst2 (bundled demo)'
          : source === SPAM_DEMO_MODEL_ID
            ? 'demo-spam (bundled demo)'
            : isHubId(source) && !existsSync(source)
              ? source
              : basename(dir),
      modelType: config.modelType,
      tokenizer: tokenizer.type,
      lowercase: tokenizer.lowercases,
      ...(tokenizer.specials.mask ? { maskToken: tokenizer.specials.mask.token } : {}),
      labels: config.labels,
      task: config.task,
      ...(config.task === 'multi_label_classification' ? { threshold } : {}),
      layers: config.layers,
      heads: config.heads,
      hiddenSize: config.hiddenSize,
      maxLength: tokenizer.maxLength,
      vocabSize: config.vocabSize,
      dtype,
      precision,
      sha256,
    };
    const graphs = DerivedGraphs.forModel(modelPath, sha256, cacheDir, sessionOptions());
    const plain = await createSession(modelPath);
    const refuse = async (message: string): Promise<never> => {
      await plain.release();
      throw new ModelLoadError(message);
    };
    const decoderInputs = plain.inputNames.filter((name) => DECODER_INPUT.test(name));
    if (decoderInputs.length > 0) {
      await refuse(
        `${modelPath} takes ${decoderInputs.join(', ')}: it is a decoder's export (encoder-decoder or causal), and ` +
          'the workbench explains encoder classifiers only; explaining it would need those inputs fed and the ' +
          'decoder position it classifies from pooled',
      );
    }
    const missing = [INPUT_IDS, ATTENTION_MASK].filter((name) => !plain.inputNames.includes(name));
    if (missing.length > 0 || !plain.outputNames.includes(LOGITS)) {
      await refuse(
        `${modelPath} must take ${INPUT_IDS} and ${ATTENTION_MASK} and output ${LOGITS}, as Hugging Face exports do; ` +
          `it takes ${plain.inputNames.join(', ')} and outputs ${plain.outputNames.join(', ')}`,
      );
    }
    const takesTokenTypes = plain.inputNames.includes(TOKEN_TYPE_IDS);
    // Checked on the export before anything is derived from it (the derived graphs inherit its output), so
    // that a refused model costs one small forward pass, not a derivation.
    const outputProblem = await logitsProblem({
      session: plain,
      tokenizer,
      takesTokenTypes,
      config,
      configPath: join(dir, 'config.json'),
      modelPath,
    });
    if (outputProblem) await refuse(outputProblem);
    const int8Unsupported = precision === 'int8' ? await graphs.unsupportedReason('int8') : undefined;
    if (int8Unsupported) await refuse(`precision int8 is unavailable for ${modelPath}: ${int8Unsupported}`);
    // Exact fp32 runs go to the pooled-row graph when it can be derived (the same logits for less arithmetic),
    // and only one of the two fp32 graphs stays loaded so that their weights are not held twice. A model our
    // surgery cannot handle still predicts on the exported graph.
    const pooled = await graphs.unsupportedReason('forward').then(
      (reason) => reason === undefined,
      () => false,
    );
    const bundle = new ModelBundle(
      info,
      config,
      tokenizer,
      graphs,
      modelPath,
      takesTokenTypes,
      pooled ? 'forward' : 'plain',
    );
    if (pooled) await plain.release();
    else bundle.sessions.set('plain', Promise.resolve(plain));
    return bundle;
  }

  /** The exported graph as-is (`plain`), or a derived one. */
  session(variant: 'plain' | GraphVariant): Promise<InferenceSession> {
    let session = this.sessions.get(variant);
    if (!session) {
      session = variant === 'plain' ? createSession(this.modelPath) : this.graphs.path(variant).then(createSession);
      this.sessions.set(variant, session);
    }
    return session;
  }

  /**
   * The exact fp32 forward pass, which predictions use: the graph computing only the pooled row in its last
   * layer, or the exported graph where that cannot be derived.
   */
  predictionSession(): Promise<InferenceSession> {
    return this.session(this.exactGraph);
  }

  /**
   * The session forward-only methods run on: the int8 graph when loaded with `precision: 'int8'`, else the
   * prediction's. Gradients and attention never use it.
   */
  forwardSession(): Promise<InferenceSession> {
    return this.info.precision === 'int8' ? this.session('int8') : this.predictionSession();
  }

  /** Why the model lacks a capability an explainer needs, or undefined when it has it. */
  async unsupportedReason(capability: ModelCapability): Promise<string | undefined> {
    return this.graphs.unsupportedReason(CAPABILITY_GRAPHS[capability]);
  }

  async dispose(): Promise<void> {
    const sessions = await Promise.allSettled(this.sessions.values());
    this.sessions.clear();
    await Promise.all(sessions.map((result) => (result.status === 'fulfilled' ? result.value.release() : undefined)));
  }
}

async function resolveModelDir(source: string, options: LoadOptions, dtype: Dtype): Promise<string> {
  if (source === DEMO_MODEL_ID) return join(options.resourcesDir ?? defaultResourcesDir(), 'models', 'demo-sst2');
  if (source === SPAM_DEMO_MODEL_ID) return join(options.resourcesDir ?? defaultResourcesDir(), 'models', 'demo-spam');
  // A folder of that name wins over a hub id, as in transformers.
  if (existsSync(source) || !isHubId(source)) return resolve(source);
  try {
    return await downloadModel(source, {
      dtype,
      expectedSha256: PUBLISHED_SHA256[source] ?? {},
      ...(options.onDownloadProgress ? { onProgress: options.onDownloadProgress } : {}),
    });
  } catch (error) {
    throw new ModelLoadError(messageOf(error), { cause: error });
  }
}

async function checkModelFolder(dir: string, files: string[]): Promise<void> {
  const folder = await stat(dir).catch(() => undefined);
  if (!folder?.isDirectory()) throw new ModelLoadError(`model folder not found: ${dir}`);
  const present = await Promise.all(
    files.map((file) =>
      stat(join(dir, file)).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  const missing = files.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new ModelLoadError(
      `model folder ${dir} is missing ${missing.join(', ')} ` +
        `(a transformers.js-style folder has ${files.join(', ')})`,
    );
  }
}

async function readConfig(dir: string): Promise<ModelConfig> {
  const path = join(dir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ModelLoadError(`${path} is not valid JSON: ${messageOf(error)}`);
  }
  try {
    return parseModelConfig(json, path);
  } catch (error) {
    throw new ModelLoadError(messageOf(error));
  }
}

/** The options of every session the engine creates (exported so that the bench's matmul peak runs alike). */
export function sessionOptions(): InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3, // errors only: onnxruntime's shape-merge warnings are noise to our users
  };
}

async function createSession(path: string): Promise<InferenceSession> {
  try {
    return await InferenceSession.create(path, sessionOptions());
  } catch (error) {
    throw new ModelLoadError(`onnxruntime could not load ${path}: ${messageOf(error)}`);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A bundled model as `xai-workbench models` lists it: what `--model` calls it, its folder, files and labels. */
export interface BundledModel {
  id: string;
  bundled: true;
  folder: string;
  /** Relative to the folder, sorted. */
  files: string[];
  bytes: number;
  labels: string[];
}

/** Every bundled model (`--model demo`, `--model demo-spam`), in BUNDLED_MODEL_IDS' order. */
export async function listBundledModels(resourcesDir?: string): Promise<BundledModel[]> {
  const options = resourcesDir === undefined ? {} : { resourcesDir };
  return Promise.all(
    BUNDLED_MODEL_IDS.map(async (id) => {
      const folder = await resolveModelDir(id, options, 'fp32');
      const entries = await readdir(folder, { withFileTypes: true, recursive: true });
      const paths = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
      const sizes = await Promise.all(paths.map((path) => stat(path).then((s) => s.size)));
      const { labels } = await readConfig(folder);
      const files = paths.map((path) => relative(folder, path)).sort();
      return { id, bundled: true, folder, files, bytes: sizes.reduce((a, b) => a + b, 0), labels };
    }),
  );
}
