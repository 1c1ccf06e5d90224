/**
 * The store's part in what-if edits, against a stand-in bridge (no DOM, no engine): an edit is a new row linked
 * to its original and selected, predicted like any typed row; trying a text out is one `predict` call that
 * leaves the rows alone; pins name rows of the current list only; a model change keeps the links.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodInfo, WorkbenchBridge } from '../../shared/api';
import type { SentenceResult, TextInput } from '../../shared/results';

type Store = typeof import('./store');
let store: Store;
const predicted: TextInput[][] = [];
const METHODS = [{ id: 'occlusion', label: 'Occlusion', options: [], available: true, autorun: true }];

function sentence(input: TextInput): SentenceResult {
  const [text, textPair] = typeof input === 'string' ? [input, undefined] : input;
  const negative = text.includes('terrible') ? 0.9 : 0.2;
  return {
    index: 0,
    text,
    ...(textPair === undefined ? {} : { textPair }),
    tokens: ['[CLS]', '[SEP]'],
    ids: [1, 2],
    truncated: false,
    logits: [0, 0],
    probabilities: { NEGATIVE: negative, POSITIVE: 1 - negative },
    predictedIndex: negative > 0.5 ? 0 : 1,
    predictedLabel: negative > 0.5 ? 'NEGATIVE' : 'POSITIVE',
    warnings: [],
    explanations: {},
  };
}

const bridge = {
  loadModel: async () => ({ labels: ['NEGATIVE', 'POSITIVE'], name: 'demo', maskToken: '[MASK]' }),
  listMethods: async () => METHODS as unknown as MethodInfo[],
  predict: async (texts: TextInput[]) => (predicted.push(texts), texts.map(sentence)),
  onEvent: () => () => undefined,
} as unknown as WorkbenchBridge;

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(async () => {
  vi.stubGlobal('window', {});
  store = await import('./store');
  await store.connect(bridge);
});

beforeEach(() => {
  store.setRows([{ text: 'You look terrible!' }, { text: 'A man plays.', textPair: 'Someone makes music.' }]);
  predicted.length = 0;
});

describe('what-if edits in the store', () => {
  it('adds an edit as a new row linked to its original, selects it and predicts it', async () => {
    store.addEdit(0, ' You look wonderful! ');
    await settle();
    expect(store.state.rows.length).toBe(3);
    expect(store.state.rows[2]).toMatchObject({ text: 'You look wonderful!', editOf: 0, explained: false });
    expect(store.state.selected).toBe(2);
    expect(predicted).toEqual([['You look wonderful!']]);
    expect(store.state.rows[2]!.result?.predictedLabel).toBe('POSITIVE');
    // The original keeps its place and its prediction.
    expect(store.state.rows[0]!.text).toBe('You look terrible!');
  });

  it('leaves edited copies out of the corpus summary: they are what-ifs, not sentences of the file', async () => {
    await settle();
    store.addEdit(0, 'You look wonderful!');
    await settle();
    store.refreshCorpus();
    expect(store.state.rows.length).toBe(3);
    expect(store.corpus.summary!.predictions.map((row) => row.text)).toEqual(['You look terrible!', 'A man plays.']);
  });

  it("keeps a pair's edit a pair, and an edit of an edit links to the edit", async () => {
    store.addEdit(1, 'A man plays.', 'Someone plays music.');
    store.addEdit(2, 'A woman plays.', 'Someone plays music.');
    await settle();
    expect(store.state.rows.slice(2).map(({ text, textPair, editOf }) => [text, textPair, editOf])).toEqual([
      ['A man plays.', 'Someone plays music.', 1],
      ['A woman plays.', 'Someone plays music.', 2],
    ]);
  });

  it('adds nothing for an empty text or a row that is not there', () => {
    store.addEdit(0, '   ');
    store.addEdit(9, 'text');
    expect(store.state.rows.length).toBe(2);
  });

  it('tries a text out with one predict call and leaves the rows alone', async () => {
    const result = await store.predictText('You look !');
    expect(result.predictedLabel).toBe('POSITIVE');
    const pair = await store.predictText('A man.', 'Someone makes music.');
    expect(pair.textPair).toBe('Someone makes music.');
    expect(predicted).toEqual([['You look !'], [['A man.', 'Someone makes music.']]]);
    expect(store.state.rows.length).toBe(2);
  });

  it('drops pins with a new list, and keeps edit links across a model change', async () => {
    store.addEdit(0, 'You look fine!');
    store.state.panes[0]!.pinned = 0;
    await store.loadModel('demo');
    await settle();
    expect(store.state.rows[2]).toMatchObject({ text: 'You look fine!', editOf: 0 });
    store.state.panes[0]!.pinned = 2;
    store.setRows([{ text: 'new file' }]);
    expect(store.state.panes.map((pane) => pane.pinned)).toEqual([undefined, undefined]);
  });
});
