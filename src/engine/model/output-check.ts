/**
 * The load-time check that a model's output is what every method reads: one row of float32 logits per
 * sentence, as many as config.json has labels. One small batch runs through the exported graph before anything
 * is derived from it, so that a config that disagrees with its model, a per-token or single-output head, or a
 * graph with a fixed batch is refused with both numbers instead of being read as a classifier.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelConfig } from './config.js';
import { idFeeds, LOGITS } from './forward.js';
import type { EncodedText, TextTokenizer } from './tokenizer.js';

export interface OutputProbe {
  /** A session on the exported graph, which takes input ids and mask and outputs `logits`. */
  session: InferenceSession;
  tokenizer: TextTokenizer;
  takesTokenTypes: boolean;
  config: ModelConfig;
  configPath: string;
  modelPath: string;
}

/** Why the model's logits cannot be read as `[batch, labels]` for its config, or undefined when they can. */
export async function logitsProblem(probe: OutputProbe): Promise<string | undefined> {
  const { session, config, configPath, modelPath } = probe;
  const labelCount = config.labels.length;
  const batch = await probeBatch(probe.tokenizer, labelCount);
  const tokens = Math.max(...batch.map((encoded) => encoded.ids.length));
  const input = `${batch.length} probe sentences padded to ${tokens} tokens`;
  let outputs: InferenceSession.OnnxValueMapType;
  try {
    outputs = await session.run(idFeeds(probe, batch));
  } catch (error) {
    // onnxruntime's messages span lines; a load error is printed as one.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
    return `onnxruntime could not run ${modelPath} on ${input}: ${reason}`;
  }
  const logits = outputs[LOGITS]!;
  // Every reader takes the data as a Float32Array: float16 bits read that way are numbers, just wrong ones.
  if (logits.type !== 'float32') return `${modelPath} outputs ${LOGITS} of type ${logits.type}, not float32`;

  const labels = labelsClause(config, configPath);
  const [rows, perRow] = logits.dims;
  // The probe's length differs from the label count, so a second axis as long as the sentences is per token.
  const perToken = perRow === tokens && tokens !== labelCount;
  if (logits.dims.length !== 2 || rows !== batch.length || perToken) {
    const hint = !perToken ? '' : logits.dims.length === 2 ? ' (one value per token?)' : ' (one row per token?)';
    return (
      `${modelPath} outputs ${LOGITS} of shape [${logits.dims.join(', ')}] for ${input}${hint}, ` +
      `not [batch, labels] = [${batch.length}, ${labelCount}]; ${labels}`
    );
  }
  if (perRow !== labelCount) {
    // One value is a regression head's score: transformers reads it so when config.json says 1 label.
    const hint = perRow === 1 ? ' (a regression head? then config.json should say num_labels 1)' : '';
    return `${labels} but ${modelPath} outputs ${perRow} ${perRow === 1 ? 'value' : 'logits'} per sentence${hint}`;
  }

  const nonFinite = new Set(Array.from(logits.data as Float32Array).filter((value) => !Number.isFinite(value)));
  if (nonFinite.size > 0) {
    return (
      `${modelPath} outputs non-finite ${LOGITS} (${[...nonFinite].join(', ')}) for the probe sentences ` +
      batch.map((encoded) => JSON.stringify(encoded.text)).join(' and ')
    );
  }
  return undefined;
}

/**
 * Two sentences of different lengths, so that padding and the batch axis are exercised, padded to a length
 * unlike the label count, so that one value per token cannot pass for one per label.
 */
async function probeBatch(tokenizer: TextTokenizer, labelCount: number): Promise<EncodedText[]> {
  const [short, long, longer] = await tokenizer.encodeBatch(['good', 'a good film', 'a good film indeed']);
  return [short!, long!.ids.length === labelCount ? longer! : long!];
}

/** What config.json says about the number of labels, and which field says it. */
function labelsClause({ labels, labelsFrom }: ModelConfig, configPath: string): string {
  if (labelsFrom === 'default') return `${configPath} has neither id2label nor num_labels, which means 2 labels`;
  return `${configPath} defines ${labels.length} ${labels.length === 1 ? 'label' : 'labels'} (${labelsFrom})`;
}
