/** The contract's loadModel: load options, download events, and the default model's offline fallback. */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, type WorkbenchEvent } from '../shared/api.js';
import { FIXTURE_REPO, startFixtureHub } from './hub/test-hub.js';
import { PACKAGE_ROOT } from './paths.js';
import { Workbench } from './workbench.js';

describe('Workbench.loadModel', () => {
  const saved = { ...process.env };
  let workbench: Workbench;
  let events: WorkbenchEvent[];

  beforeEach(async () => {
    events = [];
    workbench = new Workbench({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-workbench-')) }, (event) =>
      events.push(event),
    );
    process.env.HF_HUB_CACHE = await mkdtemp(join(tmpdir(), 'xai-workbench-hub-'));
  });
  afterEach(async () => {
    await workbench.dispose();
    process.env = { ...saved };
  });

  it('falls back from the default hub model to the demo offline, with a notice saying so', async () => {
    process.env.HF_HUB_OFFLINE = '1';
    const loaded = await workbench.loadModel(DEFAULT_MODEL_ID);
    expect(loaded.source).toBe('demo');
    expect(loaded.notice).toContain(`${DEFAULT_MODEL_ID} is not cached and the hub cannot be reached`);
    expect((await workbench.loadModel('demo')).notice).toBeUndefined();
  });

  it('downloads a hub id with model-download events and applies the load options', async () => {
    const hub = await startFixtureHub();
    Object.assign(process.env, { HF_ENDPOINT: hub.endpoint, HF_HUB_OFFLINE: '' });
    try {
      const loaded = await workbench.loadModel(FIXTURE_REPO, { precision: 'int8' });
      expect(loaded).toMatchObject({ source: FIXTURE_REPO, dtype: 'fp32', precision: 'int8' });
      expect(loaded.notice).toBeUndefined();
      const downloads = events.filter((event) => event.type === 'model-download');
      expect(downloads.at(-1)).toMatchObject({ source: FIXTURE_REPO, file: expect.any(String) });
      expect(new Set(downloads.map((event) => event.type === 'model-download' && event.file))).toContain(
        'onnx/model.onnx',
      );
    } finally {
      await hub.close();
    }
  });

  it('passes the multi-label threshold on to the model', async () => {
    const loaded = await workbench.loadModel(join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert-multilabel'), {
      threshold: 0.7,
    });
    expect(loaded).toMatchObject({ task: 'multi_label_classification', threshold: 0.7 });
  });
});

describe('Workbench.zeroShot', () => {
  const { zero_shot: golden } = JSON.parse(
    readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/tiny-bert.pairs.json'), 'utf8'),
  ) as {
    zero_shot: {
      text: string;
      candidate_labels: string[];
      hypothesis_template: string;
      single_label: { scores: number[] };
      multi_label: { scores: number[] };
    };
  };
  let workbench: Workbench;
  beforeEach(async () => {
    workbench = new Workbench({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-workbench-')) });
    await workbench.loadModel(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert'));
  });
  afterEach(() => workbench.dispose());

  it("scores the candidates as the zero-shot pipeline does and explains the best one's entailment", async () => {
    const results = await workbench.zeroShot({
      texts: [golden.text],
      candidateLabels: golden.candidate_labels,
      methods: { occlusion: {} },
    });
    const [sentence] = results.sentences;
    expect(sentence!.zeroShot).toMatchObject({
      candidateLabels: golden.candidate_labels,
      hypothesisTemplate: golden.hypothesis_template,
      multiLabel: false,
      label: 'sports',
    });
    sentence!.zeroShot!.scores.forEach((score, k) =>
      expect(Math.abs(score - golden.single_label.scores[k]!)).toBeLessThanOrEqual(1e-6),
    );
    expect(sentence!.textPair).toBe('This example is sports.');
    expect(sentence!.explanations.occlusion!.options).toMatchObject({ target: 0, targetLabel: 'entailment' });
  });

  it('explains the candidate asked for, scored on its own with multiLabel', async () => {
    const results = await workbench.zeroShot({
      texts: [golden.text],
      candidateLabels: golden.candidate_labels,
      multiLabel: true,
      explainLabel: 'politics',
      hypothesisTemplate: golden.hypothesis_template,
      methods: { occlusion: {} },
    });
    const [sentence] = results.sentences;
    sentence!.zeroShot!.scores.forEach((score, k) =>
      expect(Math.abs(score - golden.multi_label.scores[k]!)).toBeLessThanOrEqual(1e-6),
    );
    expect(sentence!.zeroShot!.label).toBe('politics');
    expect(sentence!.textPair).toBe('This example is politics.');
    await expect(
      workbench.zeroShot({ texts: ['x'], candidateLabels: ['a'], explainLabel: 'b', methods: {} }),
    ).rejects.toThrow('the label to explain, b, is not a candidate (a)');
  });
});

describe('Workbench.explain: true labels', () => {
  let workbench: Workbench;
  beforeEach(async () => {
    workbench = new Workbench({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-workbench-')) });
    await workbench.loadModel(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert'));
  });
  afterEach(() => workbench.dispose());

  it('records each text’s true label as trueLabel, none where null', async () => {
    const results = await workbench.explain({
      texts: ['a good film', 'a bad film'],
      labels: ['POSITIVE', null],
      methods: { occlusion: {} },
    });
    expect(results.sentences.map((sentence) => sentence.trueLabel)).toEqual(['POSITIVE', undefined]);
    expect('trueLabel' in results.sentences[1]!).toBe(false);
  });

  it("adds ferret's metrics as each sentence finishes with evaluate, plausibility where a rationale fits", async () => {
    const texts = ['a good film', 'a bad film'];
    const methods = { occlusion: {}, gradient: {} };
    const results = await workbench.explain({
      texts,
      methods,
      evaluate: true,
      rationales: [
        [0, 1, 0],
        [1, 1],
      ],
    });
    // The same metrics as the sentence comparison computes for the text on its own.
    const compared = await workbench.compare({ text: texts[0]!, methods, rationale: [0, 1, 0] });
    for (const method of Object.keys(methods)) {
      expect(results.sentences[0]!.evaluation![method]).toEqual(compared.evaluation[method]);
      expect(results.sentences[0]!.evaluation![method]!.token_f1_plau).toBeTypeOf('number');
      // Two values for three words: left out with a warning, faithfulness still measured.
      expect(results.sentences[1]!.evaluation![method]!.aopc_compr).toBeTypeOf('number');
      expect(results.sentences[1]!.evaluation![method]!.token_f1_plau).toBeUndefined();
    }
    expect(results.sentences[1]!.warnings.map((warning) => warning.code)).toEqual(['rationale']);
  });

  it('refuses rationales without evaluate', async () => {
    await expect(workbench.explain({ texts: ['a'], rationales: [[1]], methods: { occlusion: {} } })).rejects.toThrow(
      'rationales are for the plausibility metrics: they need evaluate',
    );
  });

  it('refuses a label list that does not match the texts, naming both counts', async () => {
    await expect(
      workbench.explain({ texts: ['a good film', 'a bad film'], labels: ['POSITIVE'], methods: { occlusion: {} } }),
    ).rejects.toThrow('labels has 1 entries for 2 texts; give one per text (null for none)');
  });
});
