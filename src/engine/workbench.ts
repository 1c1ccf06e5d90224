/** The engine behind the contract: one loaded model at a time, every call of `WorkbenchApi`. */
import type {
  CompareRequest,
  ExplainRequest,
  JobState,
  LoadedModel,
  LoadModelOptions,
  MethodInfo,
  SavedReport,
  SaveReportRequest,
  WorkbenchApi,
  WorkbenchEvent,
  ZeroShotRequest,
} from '../shared/api.js';
import type { Comparison, ResultsDocument, SentenceResult, TextInput } from '../shared/results.js';
import { compareMethods } from './compare.js';
import { explainTexts, explainZeroShot, requestLabels, requestRunOptions, sentenceResult } from './explain.js';
import { describeMethods } from './explainers/registry.js';
import { JobRunner } from './jobs.js';
import type { ModelBundle, LoadOptions } from './model/bundle.js';
import { loadModelOrDemo } from './model/load-or-demo.js';
import { predictTexts } from './predict.js';
import { saveReport } from './report/save.js';

export class Workbench implements WorkbenchApi {
  private model?: ModelBundle;
  private readonly jobs: JobRunner;

  constructor(
    private readonly loadOptions: LoadOptions = {},
    private readonly emit: (event: WorkbenchEvent) => void = () => {},
  ) {
    this.jobs = new JobRunner(emit);
  }

  async loadModel(source: string, { dtype, precision, threshold }: LoadModelOptions = {}): Promise<LoadedModel> {
    const { model: next, notice } = await loadModelOrDemo(source, {
      ...this.loadOptions,
      ...(dtype ? { dtype } : {}),
      ...(precision ? { precision } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
      onDownloadProgress: (progress) => this.emit({ type: 'model-download', source, ...progress }),
    });
    // Jobs hold the old model's sessions: stop them before releasing it.
    await this.jobs.cancelAll();
    await this.model?.dispose();
    this.model = next;
    return { ...next.info, ...(notice ? { notice } : {}) };
  }

  async listMethods(): Promise<MethodInfo[]> {
    return describeMethods(this.model);
  }

  async predict(texts: TextInput[]): Promise<SentenceResult[]> {
    const model = this.requireModel();
    return (await predictTexts(model, texts)).map((input, index) => sentenceResult(input, model, index));
  }

  async explain(request: ExplainRequest): Promise<ResultsDocument> {
    return explainTexts(this.requireModel(), request.texts, request.methods, requestRunOptions(request));
  }

  async zeroShot({
    texts,
    methods,
    candidateLabels,
    hypothesisTemplate,
    multiLabel,
    explainLabel,
    labels,
  }: ZeroShotRequest): Promise<ResultsDocument> {
    const trueLabels = requestLabels(labels, texts.length);
    return explainZeroShot(
      this.requireModel(),
      texts,
      {
        candidateLabels,
        ...(hypothesisTemplate !== undefined ? { hypothesisTemplate } : {}),
        ...(multiLabel !== undefined ? { multiLabel } : {}),
        ...(explainLabel !== undefined ? { explainLabel } : {}),
      },
      methods,
      trueLabels ? { labels: trueLabels } : {},
    );
  }

  async compare({ text, methods, rationale }: CompareRequest): Promise<Comparison> {
    return compareMethods(this.requireModel(), text, methods, rationale ? { rationale } : {});
  }

  async startJob(request: ExplainRequest): Promise<JobState> {
    return this.jobs.start(this.requireModel(), request);
  }

  async cancelJob(jobId: string): Promise<JobState> {
    return this.jobs.cancel(jobId);
  }

  async getJob(jobId: string): Promise<JobState> {
    return this.jobs.get(jobId);
  }

  async saveReport(request: SaveReportRequest): Promise<SavedReport> {
    return saveReport(request, {
      ...(request.jobId ? { job: this.jobs.get(request.jobId) } : {}),
      ...(this.model ? { model: this.model } : {}),
    });
  }

  async dispose(): Promise<void> {
    await this.jobs.cancelAll();
    await this.model?.dispose();
    this.model = undefined;
  }

  private requireModel(): ModelBundle {
    if (!this.model) throw new Error('no model loaded: load one first');
    return this.model;
  }
}
