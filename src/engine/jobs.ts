/**
 * Background jobs: a list of sentences explained one after another, streaming each result as an event.
 * Cancelling aborts between model calls and keeps every sentence that had finished.
 */
import { randomUUID } from 'node:crypto';
import type { ExplainRequest, JobState, JobStatus, WorkbenchEvent } from '../shared/api.js';
import type { SentenceResult } from '../shared/results.js';
import {
  explainTexts,
  methodSettings,
  planMethods,
  requestRunOptions,
  resultsDocument,
  type ExplainOptions,
} from './explain.js';
import type { ModelBundle } from './model/bundle.js';

interface Job {
  id: string;
  model: ModelBundle;
  /** The resolved method settings, recorded in the job's results. */
  methods: Record<string, Record<string, unknown>>;
  total: number;
  sentences: SentenceResult[];
  status: JobStatus;
  error?: string;
  controller: AbortController;
  finished: Promise<void>;
}

export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
}

export class JobRunner {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly emit: (event: WorkbenchEvent) => void) {}

  /** Validates the request (methods, options, model support) at once, then runs it in the background. */
  async start(model: ModelBundle, request: ExplainRequest): Promise<JobState> {
    const plan = await planMethods(model, request.methods);
    const runOptions = requestRunOptions(request);
    const job: Job = {
      id: randomUUID(),
      model,
      methods: methodSettings(plan),
      total: request.texts.length,
      sentences: [],
      status: 'running',
      controller: new AbortController(),
      finished: Promise.resolve(),
    };
    this.jobs.set(job.id, job);
    job.finished = this.run(job, request, runOptions);
    return this.state(job);
  }

  async cancel(jobId: string): Promise<JobState> {
    const job = this.require(jobId);
    job.controller.abort();
    await job.finished;
    return this.state(job);
  }

  get(jobId: string): JobState {
    return this.state(this.require(jobId));
  }

  /** Cancels every running job and waits for them to stop (before a model is replaced or the engine exits). */
  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) job.controller.abort();
    await Promise.all([...this.jobs.values()].map((job) => job.finished));
  }

  private async run(job: Job, request: ExplainRequest, runOptions: ExplainOptions): Promise<void> {
    const started = performance.now();
    try {
      await explainTexts(job.model, request.texts, request.methods, {
        signal: job.controller.signal,
        ...runOptions,
        onSentence: (result, index) => {
          job.sentences.push(result);
          const elapsedSeconds = (performance.now() - started) / 1000;
          const done = job.sentences.length;
          this.emit({ type: 'sentence-done', jobId: job.id, index, result });
          this.emit({
            type: 'job-progress',
            jobId: job.id,
            done,
            total: job.total,
            elapsedSeconds,
            etaSeconds: (elapsedSeconds / done) * (job.total - done),
          });
        },
      });
      job.status = 'completed';
    } catch (error) {
      if (job.controller.signal.aborted) job.status = 'cancelled';
      else {
        job.status = 'failed';
        job.error = error instanceof Error ? error.message : String(error);
      }
    }
    this.emit({
      type: 'job-finished',
      jobId: job.id,
      status: job.status as Exclude<JobStatus, 'running'>,
      ...(job.error ? { error: job.error } : {}),
    });
  }

  private require(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new UnknownJobError(`no job ${jobId}`);
    return job;
  }

  private state(job: Job): JobState {
    const state: JobState = {
      id: job.id,
      status: job.status,
      total: job.total,
      done: job.sentences.length,
      results: resultsDocument(job.model, [...job.sentences], job.methods),
    };
    if (job.error) state.error = job.error;
    return state;
  }
}
