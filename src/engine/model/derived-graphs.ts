/**
 * Graphs derived from a model's ONNX file by surgery, cached on disk by the file's sha256 so that a large
 * model is parsed once, not at every start. Each file is written to a temporary name and renamed, so a
 * crash never leaves a half-written graph behind that a later run would trust.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { writeFileAtomically } from '../files.js';
import { encodeModel, opsetVersion, readModel, type ModelProto } from '../onnx/proto.js';
import { withGradients } from '../autodiff/gradient-graph.js';
import { embeddingsAloneFeedLayerNorm, embeddingsFeedLayerNorm } from '../autodiff/layer-norm.js';
import { narrowToPooledRow } from '../autodiff/pooled-rows.js';
import { probeFeeds, probeShapes } from '../autodiff/shapes.js';
import { graphRefusals } from '../onnx/graph-support.js';
import { exactInt8WeightMax } from '../onnx/int8-kernel.js';
import { quantizeMatMulWeights } from '../onnx/quantize.js';
import { UnsupportedGraphError, withAttentionOutputs, withInputsEmbeds, type WordEmbeddings } from '../onnx/surgery.js';

/**
 * Predictions and the forward-only methods run on `forward` (the exported graph computing only the pooled row
 * in its last layer: the same logits for 11–12% less arithmetic in DistilBERT); at `precision: 'int8'` the
 * forward-only methods run on `int8` (that graph with its weight MatMuls quantized).
 */
export type GraphVariant = 'attentions' | 'embeds' | 'gradients' | 'forward' | 'int8';

interface Manifest {
  /** Bumped when the derivations change, so that an older cache folder is derived again. */
  version: number;
  attentionLayers: number;
  /** Why a variant could not be derived, when it could not. */
  unsupported: Partial<Record<GraphVariant, string>>;
  embeddings?: { vocabSize: number; dim: number };
  /** The word embeddings reach a LayerNorm through additions only (gradients summed over hidden are zero). */
  layerNormAfterEmbeddings: boolean;
  /**
   * Nothing is added to the word embeddings before that LayerNorm (DeBERTa-v2/v3): f is scale-invariant in each
   * embedding row, so gradient × input is zero up to rounding.
   */
  scaleInvariantEmbeddings: boolean;
  /** The int8 weight range `int8.onnx` was quantized to: a cache folder moved to a CPU that needs another is redone. */
  int8WeightMax: number;
}

const MANIFEST = 'manifest.json';
const MANIFEST_VERSION = 11;
const EMBEDDINGS = 'word-embeddings.f32';

export class DerivedGraphs {
  private manifest?: Promise<Manifest>;
  private embeddings?: Promise<WordEmbeddings>;

  constructor(
    private readonly modelPath: string,
    readonly folder: string,
    /** Sessions' options: the int8 kernel probe must run the kernels the model's sessions will run. */
    private readonly sessionOptions: InferenceSession.SessionOptions,
  ) {}

  static forModel(
    modelPath: string,
    sha256: string,
    cacheDir: string,
    sessionOptions: InferenceSession.SessionOptions,
  ): DerivedGraphs {
    return new DerivedGraphs(modelPath, join(cacheDir, 'graphs', sha256), sessionOptions);
  }

  /** Path of a derived graph, deriving all variants on first use. */
  async path(variant: GraphVariant): Promise<string> {
    const manifest = await this.load();
    const reason = manifest.unsupported[variant];
    if (reason) throw new UnsupportedGraphError(reason);
    return join(this.folder, `${variant}.onnx`);
  }

  /** Why `variant` is unavailable for this model, or undefined when it is available. */
  async unsupportedReason(variant: GraphVariant): Promise<string | undefined> {
    return (await this.load()).unsupported[variant];
  }

  async attentionLayers(): Promise<number> {
    return (await this.load()).attentionLayers;
  }

  async layerNormAfterEmbeddings(): Promise<boolean> {
    return (await this.load()).layerNormAfterEmbeddings;
  }

  async scaleInvariantEmbeddings(): Promise<boolean> {
    return (await this.load()).scaleInvariantEmbeddings;
  }

  /** Read once and kept: gradient methods need rows of it for every sentence (94 MB for a full-size model). */
  wordEmbeddings(): Promise<WordEmbeddings> {
    this.embeddings ??= this.readWordEmbeddings();
    return this.embeddings;
  }

  private async readWordEmbeddings(): Promise<WordEmbeddings> {
    const manifest = await this.load();
    if (!manifest.embeddings) throw new UnsupportedGraphError(manifest.unsupported.embeds ?? 'no word embeddings');
    const bytes = await readFile(join(this.folder, EMBEDDINGS));
    return { matrix: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), ...manifest.embeddings };
  }

  private load(): Promise<Manifest> {
    this.manifest ??= this.readManifest().catch(() => this.derive());
    return this.manifest;
  }

  private async readManifest(): Promise<Manifest> {
    const manifest = JSON.parse(await readFile(join(this.folder, MANIFEST), 'utf8')) as Manifest;
    if (manifest.version !== MANIFEST_VERSION) throw new Error('derived graphs from an older version');
    if (manifest.int8WeightMax !== (await exactInt8WeightMax(this.sessionOptions)))
      throw new Error('int8 graph quantized for a CPU with other int8 kernels');
    return manifest;
  }

  private async derive(): Promise<Manifest> {
    await mkdir(this.folder, { recursive: true });
    const model = await readModel(this.modelPath);
    const manifest: Manifest = {
      version: MANIFEST_VERSION,
      attentionLayers: 0,
      unsupported: {},
      layerNormAfterEmbeddings: false,
      scaleInvariantEmbeddings: false,
      int8WeightMax: await exactInt8WeightMax(this.sessionOptions),
    };
    // Fused and quantized graphs are refused by their ops, with the reason, before any surgery is tried.
    const refused = graphRefusals(model.graph ?? {}, opsetVersion(model));
    try {
      if (refused.attentions) throw new UnsupportedGraphError(refused.attentions);
      const derived = withAttentionOutputs(model);
      manifest.attentionLayers = derived.outputs.length;
      await writeFileAtomically(join(this.folder, 'attentions.onnx'), encodeModel(derived.model));
    } catch (error) {
      manifest.unsupported.attentions = reasonOf(error);
    }
    try {
      if (refused.embeds) throw new UnsupportedGraphError(refused.embeds);
      const derived = withInputsEmbeds(model);
      const { matrix, vocabSize, dim } = derived.embeddings;
      await writeFileAtomically(join(this.folder, 'embeds.onnx'), encodeModel(derived.model));
      await writeFileAtomically(
        join(this.folder, EMBEDDINGS),
        new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength),
      );
      manifest.embeddings = { vocabSize, dim };
      manifest.layerNormAfterEmbeddings = embeddingsFeedLayerNorm(derived.model.graph ?? {});
      manifest.scaleInvariantEmbeddings = embeddingsAloneFeedLayerNorm(derived.model.graph ?? {});
      try {
        if (refused.gradients) throw new UnsupportedGraphError(refused.gradients);
        await writeFileAtomically(join(this.folder, 'gradients.onnx'), encodeModel(await withGradients(derived.model)));
      } catch (error) {
        manifest.unsupported.gradients = reasonOf(error);
      }
    } catch (error) {
      manifest.unsupported.embeds = reasonOf(error);
      manifest.unsupported.gradients = refused.gradients ?? manifest.unsupported.embeds;
    }
    let forward = model;
    try {
      forward = await pooledRowOnly(model);
      await writeFileAtomically(join(this.folder, 'forward.onnx'), encodeModel(forward));
    } catch (error) {
      manifest.unsupported.forward = reasonOf(error);
    }
    try {
      await writeFileAtomically(
        join(this.folder, 'int8.onnx'),
        encodeModel(quantizeMatMulWeights(forward, { weightMax: manifest.int8WeightMax }).model),
      );
    } catch (error) {
      manifest.unsupported.int8 = reasonOf(error);
    }
    // The manifest goes last: its presence is what marks the folder complete.
    await writeFileAtomically(join(this.folder, MANIFEST), new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
    return manifest;
  }
}

/** The model computing only the pooled row in its last layer; unsupported when nothing could be left out. */
async function pooledRowOnly(model: ModelProto): Promise<ModelProto> {
  const dims = await probeShapes(model, probeFeeds(model.graph ?? {})).catch((error: unknown) => {
    throw new UnsupportedGraphError(`shape probe failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  const graph = narrowToPooledRow(model.graph ?? {}, dims, opsetVersion(model));
  if (graph === model.graph) throw new UnsupportedGraphError('the classifier does not pool one row of the last layer');
  return { ...model, graph };
}

function reasonOf(error: unknown): string {
  if (error instanceof UnsupportedGraphError) return error.message;
  throw error;
}
