/** The engine in its worker thread, through the contract: calls, events, cancellation, errors. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkbenchEvent } from '../../shared/api.js';
import { PACKAGE_ROOT } from '../paths.js';
import { EngineWorker } from './client.js';

const SEED = 'You look terrible! Maybe you should rest?';
let engine: EngineWorker;

beforeAll(async () => {
  engine = new EngineWorker({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-worker-')) });
  await engine.loadModel('demo');
});
afterAll(() => engine.terminate());

function collect(): {
  events: WorkbenchEvent[];
  until: (predicate: (event: WorkbenchEvent) => boolean) => Promise<void>;
  stop: () => void;
} {
  const events: WorkbenchEvent[] = [];
  const waiters: { predicate: (event: WorkbenchEvent) => boolean; resolve: () => void }[] = [];
  const stop = engine.onEvent((event) => {
    events.push(event);
    for (const waiter of waiters) if (waiter.predicate(event)) waiter.resolve();
  });
  return {
    events,
    stop,
    until: (predicate) =>
      events.some(predicate) ? Promise.resolve() : new Promise((resolve) => waiters.push({ predicate, resolve })),
  };
}

describe('EngineWorker', () => {
  it('answers the contract calls', async () => {
    const methods = await engine.listMethods();
    expect(methods.find((method) => method.id === 'attention')?.available).toBe(true);
    // What the UI ticks by default: fast and not redundant; LIME, plain gradients and the IG presets on demand.
    expect(methods.filter((method) => method.autorun).map((method) => method.id)).toEqual([
      'attention',
      'occlusion',
      'shap',
      'gradient_x_input',
      'integrated_gradients_x_input',
    ]);
    const [result] = await engine.predict([SEED]);
    expect(result!.predictedLabel).toBe('NEGATIVE');
  });

  it('passes engine errors back with their message', async () => {
    await expect(engine.loadModel('/nonexistent/model')).rejects.toThrow('model folder not found: /nonexistent/model');
    await expect(engine.explain({ texts: [SEED], methods: { magic: {} } })).rejects.toThrow('unknown method "magic"');
    // the engine still works after an error
    expect((await engine.predict(['great'])).length).toBe(1);
  });

  it('classifies zero-shot over an NLI model and explains the chosen candidate', async () => {
    const other = new EngineWorker({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-worker-')) });
    try {
      await other.loadModel(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert'));
      const results = await other.zeroShot({
        texts: ['The team won the game in the last minute of the match.'],
        candidateLabels: ['sports', 'politics', 'technology'],
        explainLabel: 'technology',
        methods: { occlusion: {} },
      });
      const [sentence] = results.sentences;
      expect(sentence!.zeroShot).toMatchObject({ label: 'technology', multiLabel: false });
      expect(sentence!.zeroShot!.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(sentence!.textPair).toBe('This example is technology.');
      expect(sentence!.explanations.occlusion!.options).toMatchObject({ targetLabel: 'entailment' });
      // The demo model has no entailment label: the engine's refusal comes back with its message.
      await expect(engine.zeroShot({ texts: ['great'], candidateLabels: ['a'], methods: {} })).rejects.toThrow(
        'zero-shot classification needs an NLI model with an "entailment" label',
      );
    } finally {
      await other.terminate();
    }
  });

  it('compares methods on one sentence: explanations, evaluation, agreement, costs', async () => {
    const methods = { attention: {}, occlusion: {}, gradient_x_input: {} };
    const comparison = await engine.compare({ text: SEED, methods });
    expect(comparison.sentence.tokens).toContain('terrible');
    expect(Object.keys(comparison.sentence.explanations).sort()).toEqual(Object.keys(methods).sort());
    for (const method of Object.keys(methods)) {
      const metrics = comparison.evaluation[method]!;
      expect(Object.keys(metrics).sort()).toEqual(['aopc_compr', 'aopc_suff', 'taucorr_loo']);
      expect(metrics.aopc_compr).toBeGreaterThanOrEqual(-1);
      expect(metrics.aopc_compr).toBeLessThanOrEqual(1);
      expect(comparison.costs[method]!.seconds).toBeGreaterThanOrEqual(0);
    }
    expect(comparison.costs.occlusion!.evaluations).toBeGreaterThan(0);
    expect(comparison.agreement.methods.sort()).toEqual(Object.keys(methods).sort());
    expect(comparison.agreement.tau.map((row, i) => row[i])).toEqual([1, 1, 1]);
    expect(comparison.forwardEvaluations).toBeGreaterThan(0);

    // A rationale (one 0/1 per token) adds the plausibility metrics.
    const rationale = comparison.sentence.tokens.map((token) => (token === 'terrible' ? 1 : 0));
    const plausible = await engine.compare({ text: SEED, methods: { occlusion: {} }, rationale });
    expect(plausible.evaluation.occlusion).toHaveProperty('auprc_plau');
    expect(plausible.evaluation.occlusion).toHaveProperty('token_f1_plau');
    expect(plausible.evaluation.occlusion).toHaveProperty('token_iou_plau');
    await expect(engine.compare({ text: SEED, methods: { magic: {} } })).rejects.toThrow('unknown method "magic"');
  });

  it('streams a job sentence by sentence and finishes it', async () => {
    const listener = collect();
    const texts = [SEED, 'What a wonderful, delightful film!', 'The plot was boring.'];
    const job = await engine.startJob({ texts, methods: { attention: {} } });
    expect(job).toMatchObject({ status: 'running', total: 3 });
    await listener.until((event) => event.type === 'job-finished' && event.jobId === job.id);
    listener.stop();
    const mine = listener.events.filter((event) => 'jobId' in event && event.jobId === job.id);
    expect(
      mine
        .filter((event) => event.type === 'sentence-done')
        .map((event) => event.type === 'sentence-done' && event.index),
    ).toEqual([0, 1, 2]);
    const progress = mine.filter((event) => event.type === 'job-progress');
    expect(progress.map((event) => event.type === 'job-progress' && event.done)).toEqual([1, 2, 3]);
    expect(mine.at(-1)).toMatchObject({ type: 'job-finished', status: 'completed' });
    const state = await engine.getJob(job.id);
    expect(state.status).toBe('completed');
    expect(state.results.sentences.map((sentence) => sentence.text)).toEqual(texts);
    expect(state.results.sentences[1]!.explanations.attention!.scores.length).toBeGreaterThan(0);
  });

  it('cancels a long job and keeps the finished sentences', async () => {
    const listener = collect();
    const texts = Array.from({ length: 2000 }, (_, i) => `${SEED} number ${i}`);
    const job = await engine.startJob({ texts, methods: { attention: { include_maps: true } } });
    await listener.until((event) => event.type === 'sentence-done' && event.jobId === job.id);
    const state = await engine.cancelJob(job.id);
    listener.stop();
    expect(state.status).toBe('cancelled');
    expect(state.done).toBeGreaterThan(0);
    expect(state.done).toBeLessThan(texts.length);
    expect(state.results.sentences).toHaveLength(state.done);
    state.results.sentences.forEach((sentence, i) => {
      expect(sentence.text).toBe(texts[i]);
      expect(sentence.explanations.attention).toBeDefined();
    });
    expect(listener.events.filter((event) => 'jobId' in event && event.jobId === job.id).at(-1)).toMatchObject({
      type: 'job-finished',
      status: 'cancelled',
    });
  });

  it('shuts down cleanly while a job is running', async () => {
    const other = new EngineWorker({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-worker-')) });
    await other.loadModel('demo');
    const texts = Array.from({ length: 2000 }, (_, i) => `${SEED} ${i}`);
    const finished = new Promise<WorkbenchEvent>((resolve) =>
      other.onEvent((event) => event.type === 'job-finished' && resolve(event)),
    );
    await other.startJob({ texts, methods: { attention: { include_maps: true } } });
    await other.terminate();
    expect(await finished).toMatchObject({ type: 'job-finished', status: 'cancelled' });
  });

  it('refuses a job with a bad option before starting it', async () => {
    await expect(engine.startJob({ texts: [SEED], methods: { attention: { aggregation: 'mode' } } })).rejects.toThrow(
      /must be one of median, mean, max, min/,
    );
  });
});
