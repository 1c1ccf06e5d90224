/**
 * The store's part in pairs and zero-shot, against a stand-in bridge (no DOM, no engine): typed pairs are
 * explained as pairs and stay pairs when another model loads; with zero-shot on, single texts go through
 * `zeroShot` (scores for the list, explanations on the chosen candidate's pair) and pairs through `explain`.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodInfo, WorkbenchBridge, WorkbenchEvent } from '../../shared/api';
import type { ResultsDocument, SentenceResult, TextInput } from '../../shared/results';

type Store = typeof import('./store');
let store: Store;
const calls: { call: string; args: unknown[] }[] = [];
const LABELS = ['entailment', 'neutral', 'contradiction'];
const METHODS: MethodInfo[] = [
  {
    id: 'occlusion',
    label: 'Occlusion',
    description: '',
    needs: [],
    options: [{ name: 'target', type: 'class', default: 'predicted', description: '' }],
    autorun: true,
    available: true,
  } as unknown as MethodInfo,
];

function sentence(input: TextInput, index = 0): SentenceResult {
  const [text, textPair] = typeof input === 'string' ? [input, undefined] : input;
  return {
    index,
    text,
    ...(textPair === undefined ? {} : { textPair }),
    tokens: ['[CLS]', 'x', '[SEP]'],
    ids: [1, 2, 3],
    truncated: false,
    logits: [0, 0, 0],
    probabilities: { entailment: 0.5, neutral: 0.3, contradiction: 0.2 },
    predictedIndex: 0,
    predictedLabel: 'entailment',
    warnings: [],
    explanations: {},
  };
}

function document(sentences: SentenceResult[]): ResultsDocument {
  return { schema: 'xai-workbench/results', version: 1, model: { labels: LABELS } as never, sentences };
}

const bridge = {
  loadModel: async (...args: unknown[]) => (calls.push({ call: 'loadModel', args }), { labels: LABELS, name: 'nli' }),
  listMethods: async () => METHODS,
  predict: async (texts: TextInput[]) => (
    calls.push({ call: 'predict', args: [texts] }),
    texts.map((t) => sentence(t))
  ),
  explain: async (request: { texts: TextInput[]; methods: Record<string, unknown> }) => {
    calls.push({ call: 'explain', args: [request] });
    const explanations = Object.fromEntries(Object.keys(request.methods).map((m) => [m, { method: m, tokens: [] }]));
    return document(request.texts.map((t) => ({ ...sentence(t), explanations }) as SentenceResult));
  },
  zeroShot: async (request: { texts: string[]; candidateLabels: string[]; explainLabel?: string; methods: object }) => {
    calls.push({ call: 'zeroShot', args: [request] });
    const label = request.explainLabel ?? request.candidateLabels[0]!;
    const explanations = Object.fromEntries(Object.keys(request.methods).map((m) => [m, { method: m, tokens: [] }]));
    return document(
      request.texts.map(
        (text) =>
          ({
            ...sentence([text, `This example is ${label}.`]),
            explanations,
            zeroShot: {
              candidateLabels: request.candidateLabels,
              hypothesisTemplate: 'This example is {}.',
              multiLabel: false,
              scores: request.candidateLabels.map((_, k) =>
                k === 0 ? 0.6 : 0.4 / (request.candidateLabels.length - 1),
              ),
              label,
            },
          }) as SentenceResult,
      ),
    );
  },
  compare: async (request: unknown) => (calls.push({ call: 'compare', args: [request] }), { sentence: sentence('x') }),
  saveReport: async (request: unknown) => (calls.push({ call: 'saveReport', args: [request] }), { dir: 'r' }),
  startJob: async (request: { texts: TextInput[] }) => (
    calls.push({ call: 'startJob', args: [request] }),
    { id: 'job-1', status: 'running', done: 0, total: request.texts.length }
  ),
  onEvent: (listener: (event: WorkbenchEvent) => void) => ((emit = listener), () => undefined),
} as unknown as WorkbenchBridge;
let emit: (event: WorkbenchEvent) => void = () => undefined;

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const of = (call: string) => calls.filter((entry) => entry.call === call).map((entry) => entry.args[0]);

beforeAll(async () => {
  vi.stubGlobal('window', {});
  store = await import('./store');
  await store.connect(bridge);
});

beforeEach(() => {
  calls.length = 0;
  store.setZeroShot(undefined);
  store.setRows([]);
});

describe('pairs in the store', () => {
  it('adds a typed pair as a pair, and a typed text alone as one text', async () => {
    store.addSentence(' A man plays. ', ' Someone makes music. ');
    store.addSentence('Just one.', '  ');
    await settle();
    expect(store.state.rows.map(({ text, textPair }) => [text, textPair])).toEqual([
      ['A man plays.', 'Someone makes music.'],
      ['Just one.', undefined],
    ]);
    expect(of('predict')).toEqual([[['A man plays.', 'Someone makes music.']], ['Just one.']]);
    await store.ensureExplanation(0, 'occlusion', { target: 'predicted' });
    expect(of('explain')).toEqual([
      { texts: [['A man plays.', 'Someone makes music.']], methods: { occlusion: { target: 'predicted' } } },
    ]);
  });

  it('keeps a pair a pair when another model loads', async () => {
    store.setRows([{ text: 'a', textPair: 'b' }]);
    await store.loadModel('other');
    await settle();
    expect(store.state.rows[0]).toMatchObject({ text: 'a', textPair: 'b' });
    expect(of('predict').at(-1)).toEqual([['a', 'b']]);
  });
});

describe('zero-shot in the store', () => {
  const settings = {
    candidateLabels: ['sports', 'politics'],
    hypothesisTemplate: 'This example is {}.',
    multiLabel: false,
  };

  it('scores the single texts for the list, and explains them on the chosen candidate’s pair', async () => {
    store.setRows([{ text: 'We won.' }, { text: 'a', textPair: 'b' }]);
    store.setZeroShot(settings);
    await settle();
    // Scores alone (no methods) for the single text; the pair is no zero-shot sentence.
    expect(of('zeroShot')).toEqual([{ texts: ['We won.'], ...settings, methods: {} }]);
    expect(store.rowZeroShotResult(0)?.scores).toEqual([0.6, 0.4]);
    expect(store.rowZeroShot(1)).toBeUndefined();
    expect(store.explainedCandidate(0)).toBe('sports');

    await store.ensureExplanation(0, 'occlusion', { target: 'predicted' });
    const best = store.cache.get(store.cacheKey(0, 'occlusion', { target: 'predicted' }));
    expect(best).toMatchObject({ state: 'ready', sentence: { textPair: 'This example is sports.' } });
    // Another candidate, one click away: filed apart, asked for by name.
    store.chooseCandidate(0, 'politics');
    expect(store.explainedCandidate(0)).toBe('politics');
    await store.ensureExplanation(0, 'occlusion', { target: 'predicted' });
    expect(of('zeroShot').at(-1)).toMatchObject({ texts: ['We won.'], explainLabel: 'politics' });
    expect(store.cache.get(store.cacheKey(0, 'occlusion', { target: 'predicted' }))).toMatchObject({
      sentence: { textPair: 'This example is politics.' },
    });
    // The best one again is the default, already explained.
    store.chooseCandidate(0, 'sports');
    expect(store.cache.get(store.cacheKey(0, 'occlusion', { target: 'predicted' }))).toBe(best);
    // The pair row is explained as a pair.
    await store.ensureExplanation(1, 'occlusion', { target: 'predicted' });
    expect(of('explain').at(-1)).toMatchObject({ texts: [['a', 'b']] });
  });

  it("compares a zero-shot sentence on its explained candidate's pair, targeting entailment", async () => {
    store.setRows([{ text: 'We won.' }]);
    store.setZeroShot(settings);
    await settle();
    store.chooseCandidate(0, 'politics');
    await store.ensureComparison(0, { occlusion: { target: 'predicted' } });
    expect(of('compare')).toEqual([
      { text: ['We won.', 'This example is politics.'], methods: { occlusion: { target: 0 } } },
    ]);
  });

  it('runs the ticked methods sentence by sentence and saves the results as a report', async () => {
    store.setRows([{ text: 'We won.' }, { text: 'a', textPair: 'b' }]);
    store.setZeroShot(settings);
    await settle();
    await store.startJob();
    expect(store.state.job).toMatchObject({ status: 'completed', done: 2, total: 2 });
    expect(store.state.rows.map((row) => row.explained)).toEqual([true, true]);
    await store.saveReport('/tmp/report');
    const [request] = of('saveReport') as [{ dir: string; results: ResultsDocument }];
    expect(request.dir).toBe('/tmp/report');
    expect(request.results.sentences.map((s) => [s.index, s.textPair, s.zeroShot?.label])).toEqual([
      [0, 'This example is sports.', 'sports'],
      [1, 'b', undefined],
    ]);
  });
});

describe('the corpus in the store', () => {
  it("passes each row's label to the job and summarizes the file as its results stream in", async () => {
    store.setRows([{ text: 'good', label: 'entailment' }, { text: 'bad' }, { text: 'fine', label: 'neutral' }]);
    await settle();
    store.refreshCorpus();
    // Before a run: the predictions, with the file's labels (no explanations).
    expect(store.corpus.covered).toBe(3);
    expect(store.corpus.summary!.predictions.map((row) => [row.index, row.trueLabel, row.correct])).toEqual([
      [0, 'entailment', true],
      [1, undefined, undefined],
      [2, 'neutral', false],
    ]);
    expect(store.corpus.summary!.importance).toEqual([]);

    store.state.enabled = { occlusion: true };
    await store.startJob();
    expect(of('startJob')).toEqual([
      {
        texts: ['good', 'bad', 'fine'],
        methods: { occlusion: { target: 'predicted' } },
        labels: ['entailment', null, 'neutral'],
      },
    ]);
    // Rows the job has not reached wait for it.
    expect(store.corpus.covered).toBe(0);
    const done = (index: number, text: string) => {
      const result = {
        ...sentence(text, index),
        ...(index === 1 ? {} : { trueLabel: index === 0 ? 'entailment' : 'neutral' }),
        special: [true, false, true],
        explanations: {
          occlusion: {
            method: 'occlusion',
            options: { targetLabel: 'entailment' },
            tokens: [],
            raw: [0, 1, 0],
            scores: [0, 1, 0],
            evaluations: 2,
            seconds: 0.1,
            warnings: [],
          },
        },
      } as SentenceResult;
      emit({ type: 'sentence-done', jobId: 'job-1', index, result });
    };
    done(0, 'good');
    done(1, 'bad');
    store.refreshCorpus();
    expect(store.corpus.covered).toBe(2);
    expect(store.corpus.summary!.importance[0]!.classes[0]).toMatchObject({ label: 'entailment', sentences: 2 });
    store.setCorpusOptions({ minCount: 1 });
    expect(store.corpus.summary!.importance[0]!.classes[0]!.tokens).toEqual([
      { key: 'x', count: 2, meanSigned: 1, meanAbsolute: 1 },
    ]);
    // Cancelled: the row it did not reach joins with its prediction.
    emit({ type: 'job-finished', jobId: 'job-1', status: 'cancelled' });
    store.refreshCorpus();
    expect(store.corpus.covered).toBe(3);
    expect(store.corpus.summary!.totals).toEqual([{ method: 'occlusion', sentences: 2, seconds: 0.2, evaluations: 4 }]);
    store.setCorpusOptions({ minCount: 3 });
  });

  it("asks the job for ferret's metrics when evaluate is on, with the rows' rationales", async () => {
    store.setRows([{ text: 'good film', rationale: [1, 0] }, { text: 'bad' }]);
    await settle();
    store.state.enabled = { occlusion: true };
    store.state.evaluate = true;
    await store.startJob();
    emit({ type: 'job-finished', jobId: 'job-1', status: 'completed' });
    store.state.evaluate = false;
    expect(of('startJob')).toEqual([
      {
        texts: ['good film', 'bad'],
        methods: { occlusion: { target: 'predicted' } },
        evaluate: true,
        rationales: [[1, 0], null],
      },
    ]);
  });

  it('opens a sentence of the corpus table in the sentence view', () => {
    store.setRows([{ text: 'a' }, { text: 'b' }]);
    store.state.view = 'corpus';
    store.openSentence(1);
    expect(store.state.selected).toBe(1);
    expect(store.state.view).toBe('sentence');
  });
});
