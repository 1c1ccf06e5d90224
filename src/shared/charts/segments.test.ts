import { describe, expect, it } from 'vitest';
import { readableTokens } from '../tokens.js';
import { mergeWords } from '../words.js';
import { sentenceLayout } from './layout.js';
import { markedTokens, pairSegments, segmentSuffixes, ZERO_SHOT_SEGMENT_LABELS } from './segments.js';
import { BERT_PAIR_LAYOUT, BPE_LAYOUT, ROBERTA_PAIR_LAYOUT, WORDPIECE_LAYOUT } from './test-layouts.js';

describe('a pair’s segments', () => {
  it('splits a BERT pair after its [SEP] and a RoBERTa pair after its </s></s>', () => {
    expect(pairSegments(BERT_PAIR_LAYOUT)).toEqual([
      { sequence: 0, mark: 'A', label: 'text', span: [0, 8] },
      { sequence: 1, mark: 'B', label: 'text pair', span: [8, 14] },
    ]);
    expect(pairSegments(ROBERTA_PAIR_LAYOUT)!.map((segment) => segment.span)).toEqual([
      [0, 8],
      [8, 13],
    ]);
  });

  it('has none for a single text, a result without sequence ids, or a second text cut away', () => {
    expect(pairSegments(WORDPIECE_LAYOUT)).toBeUndefined();
    const { sequenceIds: _, ...old } = BERT_PAIR_LAYOUT;
    expect(pairSegments(old)).toBeUndefined();
    const cut = { ...BERT_PAIR_LAYOUT, sequenceIds: BERT_PAIR_LAYOUT.sequenceIds!.map((id) => (id === 1 ? null : id)) };
    expect(pairSegments(cut)).toBeUndefined();
  });

  it("reads each BPE token from its own text (the second text's offsets are in the second text)", () => {
    // Read from the first text alone, the second text's tokens would be its characters 0–4, 4–7, …
    expect(readableTokens({ ...ROBERTA_PAIR_LAYOUT, textPair: undefined }).slice(8, 12)).toEqual([
      'A ma',
      'n p',
      'ays g',
      'itar.',
    ]);
    expect(readableTokens(ROBERTA_PAIR_LAYOUT)).toEqual([
      '<s>',
      'A',
      'man',
      'plays',
      'guitar',
      '.',
      '</s>',
      '</s>',
      'Some',
      'one',
      'makes',
      'music',
      '</s>',
    ]);
    expect(readableTokens(BPE_LAYOUT)).toEqual(readableTokens(BPE_LAYOUT));
  });

  it('merges words within each text: word ids start again in the second', () => {
    const scores = ROBERTA_PAIR_LAYOUT.tokens.map((_, i) => i / 10);
    const words = mergeWords(ROBERTA_PAIR_LAYOUT, scores);
    expect(words.words).toEqual([
      '<s>',
      'A',
      'man',
      'plays',
      'guitar',
      '.',
      '</s>',
      '</s>',
      'Someone',
      'makes',
      'music',
      '</s>',
    ]);
    expect(words.spans[8]).toEqual([8, 10]);
    expect(words.scores[8]).toBeCloseTo(0.8 + 0.9);
    const bert = mergeWords(
      BERT_PAIR_LAYOUT,
      BERT_PAIR_LAYOUT.tokens.map(() => 1),
    );
    expect(bert.words).toEqual([
      '[CLS]',
      'a',
      'man',
      'plays',
      'guitar',
      '.',
      '[SEP]',
      'someone',
      'makes',
      'music',
      '[SEP]',
    ]);
    expect(bert.scores).toEqual([1, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1]);
    // A single text merges as mergeWords does.
    expect(mergeWords(BPE_LAYOUT, [0, 1, 2, 3, 4, 5, 6, 7, 8])).toEqual(
      mergeWords(BPE_LAYOUT, [0, 1, 2, 3, 4, 5, 6, 7, 8]),
    );
  });

  it("marks a pair's text tokens with their text, and leaves specials and single texts alone", () => {
    expect(markedTokens(BERT_PAIR_LAYOUT)).toEqual([
      '[CLS]',
      'A·a',
      'A·man',
      'A·play',
      'A·##s',
      'A·guitar',
      'A·.',
      '[SEP]',
      'B·some',
      'B·##one',
      'B·make',
      'B·##s',
      'B·music',
      '[SEP]',
    ]);
    expect(markedTokens(BPE_LAYOUT)).toEqual(readableTokens(BPE_LAYOUT));
    expect(segmentSuffixes(BERT_PAIR_LAYOUT).slice(6, 9)).toEqual([
      ' · text (A)',
      ' · added special',
      ' · text pair (B)',
    ]);
    expect(segmentSuffixes(WORDPIECE_LAYOUT).every((suffix) => suffix === '')).toBe(true);
  });

  it("takes a sentence result's pair into its layout, a zero-shot one's second text as the hypothesis", () => {
    const sentence = { ...BERT_PAIR_LAYOUT };
    const layout = sentenceLayout(sentence, 'WordPiece');
    expect(layout).toMatchObject({ textPair: BERT_PAIR_LAYOUT.textPair, sequenceIds: BERT_PAIR_LAYOUT.sequenceIds });
    expect(layout.segmentLabels).toBeUndefined();
    const zeroShot = {
      candidateLabels: ['music'],
      hypothesisTemplate: '{}',
      multiLabel: false,
      scores: [1],
      label: 'music',
    };
    expect(sentenceLayout({ ...sentence, zeroShot }, 'WordPiece').segmentLabels).toEqual(ZERO_SHOT_SEGMENT_LABELS);
    // An explanation on other tokens has no positions of the sentence's, so no segments either.
    expect(pairSegments(sentenceLayout(sentence, 'WordPiece', ['x', 'y']))).toBeUndefined();
  });
});
