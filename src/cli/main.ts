/**
 * The command line: `predict`, `explain`, `methods`, `models`, `merge` and `summarize`. Method option flags are generated from the explainer
 * registry, so a new method brings its flags with it. Exit codes: 0 ok, 1 failure, 2 usage error.
 */
import { Command, CommanderError, Option } from 'commander';
import { OptionError, type OptionSpec } from '../shared/options.js';
import type { ModelInfo, Precision, ResultsDocument, SentenceResult, ShardInfo, TextInput } from '../shared/results.js';
import { sentenceLayout } from '../shared/charts/layout.js';
import { predictionView, type HeadInfo } from '../shared/charts/prediction.js';
import { readableTokens } from '../shared/tokens.js';
import { mergeWords } from '../shared/words.js';
import { formatModelReport } from '../shared/model-report.js';
import {
  explainTexts,
  explainZeroShot,
  methodSettings,
  planMethods,
  resultsDocument,
  sentenceResult,
  zeroShotMethods,
} from '../engine/explain.js';
import { DEFAULT_HYPOTHESIS_TEMPLATE, type ZeroShotOptions } from '../engine/zero-shot.js';
import { describeMethods, EXPLAINERS, UnknownMethodError } from '../engine/explainers/registry.js';
import { readSentenceFile } from '../engine/input/sentences.js';
import { inputInfo, parseShard, shardIndices } from '../engine/input/shard.js';
import { hubCacheDir } from '../engine/hub/cache.js';
import { listCachedModels, removeCachedModel } from '../engine/hub/cached-models.js';
import type { DownloadProgress, Dtype } from '../engine/hub/download.js';
import { DEFAULT_MODEL_ID, type SkippedChart } from '../shared/api.js';
import { listBundledModels, type ModelBundle } from '../engine/model/bundle.js';
import { loadModelOrDemo, type LoadedBundle } from '../engine/model/load-or-demo.js';
import { inspectModel } from '../engine/model/inspect.js';
import { DEMO_MODEL_ID, SPAM_DEMO_MODEL_ID } from '../engine/paths.js';
import { predictTexts } from '../engine/predict.js';
import { assertFolderWritable } from '../engine/report/folder.js';
import { mergeShards, readShardFolder } from '../engine/report/merge.js';
import { readReportFolder } from '../engine/report/read.js';
import { DEFAULT_MIN_COUNT, summarizeCorpus } from '../shared/corpus.js';
import { formatCorpusSummary } from './summary-format.js';
import { writeReport } from '../engine/report/write.js';
import { startProgress, type Progress, type ProgressTarget } from './progress.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** As shells report a process ended by a signal: 128 + its number (Ctrl-C 130, SIGTERM 143, SIGHUP 129). */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;
export const EXIT_INTERRUPTED = STOP_SIGNALS.SIGINT;
export const EXIT_TERMINATED = STOP_SIGNALS.SIGTERM;

class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * Ctrl-C, a scheduler's SIGTERM (Slurm, Kubernetes) and a closed terminal's SIGHUP all mean "stop, keep what
 * finished": the first one aborts `signal`, so the run stops between model calls; later ones only say what is
 * still being done, so that the partial report being written is not lost to an impatient second Ctrl-C.
 */
class StopRequests {
  private readonly controller = new AbortController();
  received?: StopSignal;
  /** What the process is finishing, for a signal that arrives while it does. */
  finishing = 'stopping after the current model call; what finished is kept';

  constructor(private readonly io: Io) {
    for (const name of Object.keys(STOP_SIGNALS) as StopSignal[]) process.on(name, this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get exitCode(): number {
    return this.received ? STOP_SIGNALS[this.received] : EXIT_OK;
  }

  private readonly onSignal = (name: StopSignal): void => {
    if (this.received) {
      this.io.err(`${name} again: ${this.finishing} (kill -9 stops at once)\n`);
      return;
    }
    this.received = name;
    this.controller.abort();
  };

  dispose(): void {
    for (const name of Object.keys(STOP_SIGNALS) as StopSignal[]) process.off(name, this.onSignal);
  }
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Standard error when it is a terminal: progress is drawn there as a bar instead of written as lines. */
  tty?: NodeJS.WritableStream;
  /** Aborted when standard output's reader has gone (`| head -1`): output ends quietly, the work may go on. */
  outputClosed?: AbortSignal;
}

const stdoutClosed = new AbortController();

/**
 * Writes to a standard stream until its reader goes away (EPIPE: a closed pipe; EIO: a closed terminal, as after
 * SIGHUP); then it drops output instead of crashing, so the work and its report can finish.
 */
function pipeWriter(stream: NodeJS.WriteStream, closed?: AbortController): (text: string) => void {
  let open = true;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
    open = false;
    closed?.abort();
  });
  return (text) => {
    if (open) stream.write(text);
  };
}

const defaultIo: Io = {
  out: pipeWriter(process.stdout, stdoutClosed),
  err: pipeWriter(process.stderr),
  outputClosed: stdoutClosed.signal,
  ...(process.stderr.isTTY ? { tty: process.stderr } : {}),
};

export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof InterruptedError) {
      io.err(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof OptionError || error instanceof UnknownMethodError) {
      io.err(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

function buildProgram(io: Io): Command {
  const program = new Command('xai-workbench')
    .description('Explain transformer text classifiers: attention maps and attribution methods, side by side.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  program
    .command('predict')
    .description('Predict the label of every sentence (one per line; - reads standard input).')
    .argument('<file>', 'text file, one sentence per line')
    .addOption(modelOption())
    .addOption(dtypeOption())
    .addOption(precisionOption())
    .addOption(thresholdOption())
    .option('--json', 'print one JSON document (the results schema)')
    .option('--batch-size <n>', 'sentences per model call', positiveInteger, 32)
    .action(async (file: string, flags: ModelFlags & { json?: boolean; batchSize: number }) => {
      const { texts, labels } = await readTexts(file, io);
      await withModel(flags, io, async (model) => {
        const predicted = await predictTexts(model, texts, { batchSize: flags.batchSize });
        const sentences = predicted.map((input, index) => sentenceResult(input, model, index, labels[index]));
        const document = resultsDocument(model, sentences);
        io.out(
          flags.json
            ? `${JSON.stringify(document, null, 2)}\n`
            : sentences.map((sentence) => formatPrediction(sentence, model.info)).join(''),
        );
      });
    });

  const explain = program
    .command('explain')
    .description('Explain the prediction for every sentence with one or more methods.')
    .argument('<file>', 'sentences: .txt (one per line), .csv or .jsonl (a text column), or - for standard input')
    .addOption(modelOption())
    .addOption(dtypeOption())
    .addOption(precisionOption())
    .addOption(thresholdOption())
    .requiredOption('--methods <list>', `comma-separated methods, or "all" (${EXPLAINERS.map((e) => e.id).join(', ')})`)
    .option('--json', 'print one JSON document (the results schema)')
    .option('--jsonl', 'print one JSON line per sentence as it finishes')
    .option('--out <dir>', 'also write a report folder (index.html, charts, results.json, scores.csv); must not exist')
    .option(
      '--evaluate',
      "add ferret's faithfulness metrics to every sentence (and to the report); a rationale column in the file adds plausibility",
    )
    .option('--words', "also give word-level scores (each of the tokenizer's words: its pieces joined, scores summed)")
    .option(
      '--shard <i/n>',
      'explain only every n-th sentence starting at sentence i (0-based); see `merge`',
      parseShard,
    )
    .option(
      '--zero-shot <labels>',
      'zero-shot classification over an NLI model: comma-separated candidate labels, each explained as the ' +
        'entailment of (text, hypothesis); the best scored is explained unless --zero-shot-label says',
    )
    .option(
      '--hypothesis-template <text>',
      `with --zero-shot: the hypothesis, {} for the label`,
      DEFAULT_HYPOTHESIS_TEMPLATE,
    )
    .option('--zero-shot-multi-label', 'with --zero-shot: score each label on its own (entailment vs contradiction)')
    .option('--zero-shot-label <label>', 'with --zero-shot: the candidate to explain');
  for (const option of methodOptions()) explain.addOption(option);
  explain.action(async (file: string, flags: Record<string, unknown>) => {
    const out = typeof flags.out === 'string' ? flags.out : undefined;
    if (out !== undefined) await assertFolderWritable(out);
    const input = await readTexts(file, io);
    const allTexts = input.texts;
    const shard = flags.shard as ShardInfo | undefined;
    const indices = shard ? shardIndices(allTexts.length, shard) : allTexts.map((_, i) => i);
    const texts = indices.map((i) => allTexts[i]!);
    const labels = indices.map((i) => input.labels[i]);
    const evaluate = flags.evaluate === true;
    const rationales = indices.map((i) => input.rationales[i]);
    if (!evaluate && rationales.some((rationale) => rationale !== undefined)) {
      io.err('warning: the file has rationales; they are read only with --evaluate (the plausibility metrics)\n');
    }
    const ids =
      String(flags.methods) === 'all'
        ? EXPLAINERS.map((e) => e.id)
        : String(flags.methods)
            .split(',')
            .map((id) => id.trim());
    for (const warning of unusedOptionWarnings(ids, flags)) io.err(`warning: ${warning}\n`);
    const zeroShot = zeroShotFlags(flags, texts);
    await withModel(flags as unknown as ModelFlags, io, async (model) => {
      const given = Object.fromEntries(ids.map((id) => [id, optionsFor(id, flags)]));
      const methods = zeroShot ? zeroShotMethods(model, given) : given;
      // Resolved up front: a typo fails before any work, and an interrupted run still records the settings.
      const settings = methodSettings(await planMethods(model, methods));
      const run = { input: inputInfo(allTexts), ...(shard ? { shard } : {}) };
      const finished: SentenceResult[] = [];
      const what = shard ? `shard ${shard.index}/${shard.count}` : 'explain';
      const progress = startProgress(what, texts.length, progressTarget(io));
      const onSentence = (explained: SentenceResult): void => {
        const result = flags.words ? withWords(explained, model.info.tokenizer) : explained;
        finished.push(result);
        progress.update(finished.length);
        // --jsonl streams each sentence as it finishes, so a long run can be followed and a partial one kept.
        if (flags.jsonl) io.out(`${JSON.stringify(result)}\n`);
      };
      const stops = new StopRequests(io);
      try {
        // With no report to write, a closed standard output leaves nobody to read the rest: stop too.
        const closed = out === undefined && io.outputClosed ? [io.outputClosed] : [];
        const signal = AbortSignal.any([stops.signal, ...closed]);
        const options = { signal, onSentence, indices, labels, ...(evaluate ? { evaluate, rationales } : {}) };
        const completed = await (
          zeroShot
            ? explainZeroShot(model, texts as string[], zeroShot, given, options)
            : explainTexts(model, texts, methods, options)
        )
          .catch((error: unknown) => {
            if (signal.aborted) return undefined;
            throw error;
          })
          .finally(() => progress.stop());
        const partial = completed === undefined;
        if (partial && !stops.received) return; // the reader went away: end quietly, as `| head` expects
        const output: ResultsDocument = {
          ...resultsDocument(model, finished, settings),
          ...run,
          ...(partial ? { partial } : {}),
        };
        if (!flags.jsonl) {
          io.out(
            flags.json
              ? `${JSON.stringify(output, null, 2)}\n`
              : output.sentences.map((sentence) => formatExplained(sentence, output.model)).join('\n'),
          );
        }
        let reportDir: string | undefined;
        if (out !== undefined) {
          stops.finishing = `writing the ${partial ? 'partial ' : ''}report to ${out}; it is complete in a moment`;
          if (partial) io.err(`${stops.received}: ${stops.finishing}\n`);
          // An interrupted run still leaves a report of what finished, marked partial in the page and results.json.
          const written = await writeReport(output, out, { partial });
          reportDir = written.dir;
          warnSkippedCharts(written.skippedCharts, io);
          io.err(`${partial ? 'partial report' : 'report'} written to ${reportDir}\n`);
        }
        if (partial) {
          const next =
            texts[finished.length] === undefined ? '' : `; sentence ${indices[finished.length]! + 1} was next`;
          throw new InterruptedError(
            `interrupted (${stops.received}): ${finished.length} of ${texts.length} sentences finished and were ` +
              `${reportDir ? `written to ${reportDir}` : 'printed'}${next}`,
            stops.exitCode,
          );
        }
      } finally {
        stops.dispose();
      }
    });
  });

  program
    .command('merge')
    .description('Merge the report folders of a sharded run (explain --shard i/n --out DIR) into one report.')
    .argument('<out>', 'the merged report folder to write; must not exist')
    .argument('<dirs...>', 'the shard report folders')
    .option('--allow-missing', 'write a partial report when some shards are missing, instead of refusing')
    .action(async (out: string, dirs: string[], flags: { allowMissing?: boolean }) => {
      await assertFolderWritable(out);
      const shards = await Promise.all(dirs.map(readShardFolder));
      const merged = mergeShards(shards, { allowMissing: flags.allowMissing ?? false });
      const { dir, partial, skippedCharts } = await writeReport(merged, out);
      warnSkippedCharts(skippedCharts, io);
      io.err(
        `merged ${shards.length} shard${shards.length > 1 ? 's' : ''} (${merged.sentences.length} sentences) into ` +
          `${partial ? 'a partial report at ' : ''}${dir}\n`,
      );
    });

  program
    .command('summarize')
    .description(
      'Print the corpus summary of a saved report folder (explain --out, or merge of a sharded run): counts, ' +
        'accuracy, macro-F1 and the confusion matrix, top tokens per method and class, agreement, evaluation means, ' +
        'totals and notes.',
    )
    .argument('<report-dir>', 'a report folder (it holds results.json)')
    .option('--json', 'print the summary as one JSON document (CorpusSummary)')
    .option(
      '--min-count <n>',
      `tokens and words seen fewer times are left out of the importance tables (default ${DEFAULT_MIN_COUNT})`,
      positiveInteger,
      DEFAULT_MIN_COUNT,
    )
    .addOption(
      new Option('--stop-words <mode>', 'English stop words in the importance tables (negations are always kept)')
        .choices(['hide', 'show'])
        .default('show'),
    )
    .option('--top <k>', 'tokens per method and class in the readable output', positiveInteger, 10)
    .action(
      async (dir: string, flags: { json?: boolean; minCount: number; stopWords: 'hide' | 'show'; top: number }) => {
        const results = await readReportFolder(dir);
        const summary = summarizeCorpus(results, {
          minCount: flags.minCount,
          hideStopWords: flags.stopWords === 'hide',
        });
        if (flags.json) return io.out(`${JSON.stringify(summary, null, 2)}\n`);
        const what = results.shard
          ? `shard ${results.shard.index}/${results.shard.count} (merge the shards for the whole file)`
          : results.partial
            ? 'partial report'
            : 'report';
        io.out(
          formatCorpusSummary(summary, {
            top: flags.top,
            methodLabel,
            title: `${what} ${dir} · ${results.model.name}`,
          }),
        );
      },
    );

  program
    .command('methods')
    .description('List the explanation methods with their options and defaults.')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const methods = await describeMethods();
      if (flags.json) return io.out(`${JSON.stringify(methods, null, 2)}\n`);
      for (const method of methods) {
        io.out(`${method.id}  ${method.label}: ${method.description}\n`);
        for (const option of method.options)
          io.out(`    --${flagName(option.name)}  ${option.help} (default: ${String(option.default)})\n`);
      }
    });

  const models = program
    .command('models')
    .description('List or remove models in the Hugging Face cache, or inspect any model.');
  models
    .command('list', { isDefault: true })
    .description('List cached hub models, then the bundled demo models.')
    .option('--json', 'print JSON: the cached models, then the bundled ones (with `bundled: true`)')
    .action(async (flags: { json?: boolean }) => {
      const cached = await listCachedModels();
      const bundled = await listBundledModels();
      if (flags.json) return io.out(`${JSON.stringify([...cached, ...bundled], null, 2)}\n`);
      if (cached.length === 0) io.out(`no models cached in ${hubCacheDir()}\n`);
      for (const model of cached) {
        io.out(`${model.id}\t${(model.bytes / 1e6).toFixed(1)} MB\t${model.files.join(', ')}\n`);
      }
      io.out('bundled (--model <id>):\n');
      for (const model of bundled) {
        io.out(`${model.id}\t${(model.bytes / 1e6).toFixed(1)} MB\t${model.labels.join(', ')}\t${model.folder}\n`);
      }
    });
  models
    .command('inspect')
    .description(
      "Describe a model: family, head, tokenizer and its specials, the graph's inputs and opset, the attention " +
        'layers × heads found in the graph, max tokens, vocab size, sha256, and which methods it can run (and why not).',
    )
    .argument(
      '<dir|id>',
      `as --model takes: a model folder, a hub id (downloaded on first use), "${DEMO_MODEL_ID}" or "${SPAM_DEMO_MODEL_ID}"`,
    )
    .addOption(dtypeOption())
    .addOption(precisionOption())
    .addOption(thresholdOption())
    .option('--json', 'print one JSON object')
    .action(async (source: string, flags: Omit<ModelFlags, 'model'> & { json?: boolean }) => {
      await withModel({ ...flags, model: source }, io, async (model) => {
        const report = await inspectModel(model);
        io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatModelReport(report));
      });
    });
  models
    .command('remove')
    .description('Remove a cached hub model.')
    .argument('<id>', 'hub id, e.g. org/name')
    .action(async (id: string) => {
      await removeCachedModel(id);
      io.out(`removed ${id}\n`);
    });

  return program;
}

/** A method's name as the registry gives it; an id it does not know (an older report's) as it is. */
function methodLabel(method: string): string {
  return EXPLAINERS.find((explainer) => explainer.id === method)?.label ?? method;
}

function modelOption(): Option {
  return new Option(
    '--model <dir|id>',
    `model folder (transformers.js layout), Hugging Face hub id (downloaded on first use), or a bundled demo: "${DEMO_MODEL_ID}" (sentiment) or "${SPAM_DEMO_MODEL_ID}" (a spam filter trained on the SpamAssassin corpus)`,
  ).default(DEFAULT_MODEL_ID);
}

function precisionOption(): Option {
  return new Option(
    '--precision <precision>',
    'arithmetic of SHAP, LIME, occlusion and the metrics: fp32 (exact) or int8 (the engine quantizes the fp32 ' +
      "model's matrix weights: faster, drift from fp32 reported per sentence); predictions, gradients and " +
      'attention stay fp32',
  )
    .choices(['fp32', 'int8'])
    .default('fp32');
}

function thresholdOption(): Option {
  return new Option(
    '--threshold <p>',
    'multi-label models: the sigmoid at which a label counts as predicted, between 0 and 1 (default 0.5)',
  ).argParser(openUnitInterval);
}

function dtypeOption(): Option {
  return new Option('--dtype <dtype>', 'fp32 (exact) or q8 (the int8 export, onnx/model_quantized.onnx)')
    .choices(['fp32', 'q8'])
    .default('fp32');
}

/** One flag per distinct option name across all explainers; a flag sets that option for every method having it. */
function methodOptions(): Option[] {
  return [...methodOptionSpecs().values()].map(({ spec, methods }) => {
    const help = `${spec.help} [${methods.join(', ')}; default ${String(spec.default)}]`;
    if (spec.type === 'boolean') return new Option(`--${flagName(spec.name)}`, help);
    const option = new Option(`--${flagName(spec.name)} <value>`, help);
    return spec.type === 'choice' ? option.choices(spec.choices) : option;
  });
}

/** Every method option name, with its spec (the first method's) and the methods that take it. */
function methodOptionSpecs(): Map<string, { spec: OptionSpec; methods: string[] }> {
  const byName = new Map<string, { spec: OptionSpec; methods: string[] }>();
  for (const explainer of EXPLAINERS) {
    for (const spec of explainer.options) {
      const entry = byName.get(spec.name) ?? { spec, methods: [] };
      entry.methods.push(explainer.id);
      byName.set(spec.name, entry);
    }
  }
  return byName;
}

/** The flags that belong to method `id`, keyed by option name (commander camel-cases flag names). */
function optionsFor(id: string, flags: Record<string, unknown>): Record<string, unknown> {
  const explainer = EXPLAINERS.find((candidate) => candidate.id === id);
  if (!explainer) return {};
  const options: Record<string, unknown> = {};
  for (const spec of explainer.options) {
    const value = flags[camelCase(spec.name)];
    if (value !== undefined) options[spec.name] = value;
  }
  return options;
}

/** Method flags given for none of the methods that run: ignored, so say so (`--n-steps 5 --methods attention`). */
function unusedOptionWarnings(ids: readonly string[], flags: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  for (const [name, { methods }] of methodOptionSpecs()) {
    if (flags[camelCase(name)] === undefined || methods.some((method) => ids.includes(method))) continue;
    warnings.push(`--${flagName(name)} is ignored: it applies to ${methods.join(', ')}, and none of them runs`);
  }
  return warnings;
}

interface ModelFlags {
  model: string;
  dtype: Dtype;
  precision: Precision;
  /** Given only when the user set it: the engine's default (0.5) otherwise. */
  threshold?: number;
}

/**
 * Loads the model the flags name. The default hub model falls back to the bundled demo model, with a notice,
 * when it is not cached and the hub cannot be reached; a model the user named never falls back silently.
 */
async function withModel(flags: ModelFlags, io: Io, work: (model: ModelBundle) => Promise<void>): Promise<void> {
  const downloads = new Map<string, Progress>();
  const options = {
    dtype: flags.dtype,
    precision: flags.precision,
    ...(flags.threshold === undefined ? {} : { threshold: flags.threshold }),
    onDownloadProgress: ({ file, received, total }: DownloadProgress) => {
      let progress = downloads.get(file);
      if (!progress) {
        progress = startProgress(`downloading ${flags.model} ${file}`, total, progressTarget(io), { unit: 'bytes' });
        downloads.set(file, progress);
      }
      progress.update(received);
      if (received === total) progress.stop();
    },
  };
  let loaded: LoadedBundle;
  try {
    loaded = await loadModelOrDemo(flags.model, options);
  } finally {
    for (const progress of downloads.values()) progress.stop();
  }
  const { model, notice } = loaded;
  if (notice) io.err(`notice: ${notice}\n`);
  if (flags.threshold !== undefined && model.info.task !== 'multi_label_classification') {
    const head = model.info.task === 'regression' ? 'a regression head' : 'a single-label head';
    io.err(`warning: --threshold is ignored: ${model.info.name} has ${head}, not a multi-label one\n`);
  }
  try {
    await work(model);
  } finally {
    await model.dispose();
  }
}

/** A chart that could not be drawn costs only itself: the report has a note in its place, and this says so. */
function warnSkippedCharts(skipped: readonly SkippedChart[], io: Io): void {
  for (const { sentence, title, chart, reason } of skipped) {
    io.err(
      `warning: ${sentence === undefined ? 'corpus summary' : `sentence ${sentence + 1}`}: chart "${title}" (${chart}) was not drawn: ${reason}; the report has a note in its place\n`,
    );
  }
}

/** `--zero-shot` and its companions as the engine's options; they need single texts, not pairs. */
function zeroShotFlags(
  flags: Record<string, unknown>,
  texts: readonly TextInput[],
): (ZeroShotOptions & { explainLabel?: string }) | undefined {
  const companions = ['zeroShotMultiLabel', 'zeroShotLabel'].filter((flag) => flags[flag] !== undefined);
  if (typeof flags.zeroShot !== 'string') {
    if (companions.length > 0) throw new OptionError('--zero-shot-multi-label and --zero-shot-label need --zero-shot');
    return undefined;
  }
  const candidateLabels = flags.zeroShot
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label !== '');
  if (candidateLabels.length === 0) throw new OptionError('--zero-shot needs at least one candidate label');
  if (texts.some((input) => typeof input !== 'string')) {
    throw new OptionError('--zero-shot pairs each text with its hypotheses; the input holds sentence pairs already');
  }
  return {
    candidateLabels,
    hypothesisTemplate: String(flags.hypothesisTemplate),
    multiLabel: flags.zeroShotMultiLabel === true,
    ...(typeof flags.zeroShotLabel === 'string' ? { explainLabel: flags.zeroShotLabel } : {}),
  };
}

/** The file's sentences; what was skipped in it (empty sentences) is said on standard error. */
interface InputTexts {
  texts: TextInput[];
  labels: (string | undefined)[];
  rationales: (number[] | undefined)[];
}

/** A file's texts (or pairs), and the true label and rationale of each where the file gives them. */
async function readTexts(file: string, io: Io): Promise<InputTexts> {
  const { sentences, warnings } = await readSentenceFile(file);
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  return {
    texts: sentences.map(({ text, textPair }) => (textPair === undefined ? text : [text, textPair])),
    labels: sentences.map(({ label }) => label),
    rationales: sentences.map(({ rationale }) => rationale),
  };
}

function withWords(sentence: SentenceResult, tokenizer: string | undefined): SentenceResult {
  const layout = { ...sentence, tokenizer };
  const explanations = Object.fromEntries(
    Object.entries(sentence.explanations).map(([method, explanation]) => [
      method,
      { ...explanation, words: mergeWords(layout, explanation.scores) },
    ]),
  );
  return { ...sentence, explanations };
}

function progressTarget(io: Io): ProgressTarget {
  return { write: io.err, ...(io.tty ? { tty: io.tty } : {}) };
}

/**
 * One line per sentence, tab-separated, by head: `label⇥probability⇥text` (single-label);
 * `predicted labels⇥every label's sigmoid, highest first (multi-label, threshold t)⇥text`, `(none)` when no
 * label reaches the threshold; `score s⇥text` (regression). Warnings and the int8 drift follow, indented.
 */
export function formatPrediction(sentence: SentenceResult, model: HeadInfo = {}): string {
  const view = predictionView(sentence, model);
  const warnings = sentence.warnings.map((warning) => `\n  warning: ${warning.message}`).join('');
  // The drift is in the head's output: a probability, a sigmoid, or the score itself.
  const delta = view.task === 'regression' ? '|Δscore|' : '|Δp|';
  const drift =
    sentence.int8Drift === undefined
      ? ''
      : `\n  int8 drift from fp32: max ${delta} ${sentence.int8Drift.toExponential(2)}`;
  let prediction: string;
  if (view.task === 'regression') prediction = `score ${view.score.toFixed(4)}`;
  else if (view.task === 'multi_label_classification') {
    const labels = view.predictedLabels.length > 0 ? view.predictedLabels.join(', ') : '(none)';
    const sigmoids = [...view.bars]
      .sort((a, b) => b.value - a.value)
      .map((bar) => `${bar.label} ${bar.value.toFixed(4)}`)
      .join(' · ');
    prediction = `${labels}\t${sigmoids} (multi-label, threshold ${view.threshold})`;
  } else prediction = `${view.label}\t${view.probability.toFixed(4)}`;
  const text = sentence.textPair === undefined ? sentence.text : `${sentence.text} │ ${sentence.textPair}`;
  if (sentence.zeroShot) {
    // The pair's own prediction is of entailment; what the user asked is which candidate fits.
    const { candidateLabels, scores, label, multiLabel } = sentence.zeroShot;
    const ranked = candidateLabels
      .map((candidate, k) => ({ candidate, score: scores[k]! }))
      .sort((a, b) => b.score - a.score)
      .map(({ candidate, score }) => `${candidate} ${score.toFixed(4)}`)
      .join(' · ');
    const kind = multiLabel ? 'zero-shot, multi-label' : 'zero-shot';
    return `${label}\t${ranked} (${kind})\t${sentence.text}${warnings}${drift}\n`;
  }
  return `${prediction}\t${text}${warnings}${drift}\n`;
}

/** The human-readable table: tokens as the text they cover (`look`, not `Ġlook`); `--json` keeps the raw strings. */
function formatExplained(sentence: SentenceResult, model: Pick<ModelInfo, 'tokenizer' | 'task' | 'threshold'>): string {
  const tokenizer = model.tokenizer;
  const lines = [formatPrediction(sentence, model).trimEnd()];
  for (const explanation of Object.values(sentence.explanations)) {
    const settings = Object.entries(explanation.options)
      .map(([name, value]) => `${name}=${String(value)}`)
      .join(' ');
    lines.push(`  ${explanation.method} (${settings})`);
    const { words, scores } = explanation.words ?? {
      words: readableTokens(sentenceLayout(sentence, tokenizer, explanation.tokens)),
      scores: explanation.scores,
    };
    words.forEach((word, i) => lines.push(`    ${word.padEnd(16)} ${scores[i]!.toFixed(4)}`));
    if (explanation.delta !== undefined) lines.push(`    convergence delta ${explanation.delta.toExponential(3)}`);
    for (const warning of explanation.warnings) lines.push(`    warning: ${warning.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `--threshold`: a sigmoid strictly between 0 and 1 (at 0 or 1 every or no label would be predicted). */
function openUnitInterval(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !(number > 0 && number < 1)) {
    throw new OptionError(`--threshold must be a number between 0 and 1 (exclusive); got ${value}`);
  }
  return number;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new OptionError(`expected a positive integer, got ${value}`);
  return number;
}

function flagName(name: string): string {
  return name.replaceAll('_', '-');
}

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
