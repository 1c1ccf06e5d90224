/**
 * The model's tokenizer: Hugging Face's `tokenizers` (the Rust core of Python's fast tokenizers) on the
 * folder's `tokenizer.json`, with what Python's `transformers` adds around it done here, the same way:
 * - truncation keeps the specials the post-processor adds and cuts the texts between them, longest-first for a
 *   pair (text/truncation.ts); the binding's own truncation is not used (it changed in 0.23.1);
 * - decoding drops specials and applies `clean_up_tokenization_spaces` when tokenizer_config.json asks for it;
 * - the special tokens (pad, mask, unk…) come from tokenizer_config.json / special_tokens_map.json.
 * Every encoding carries character spans (`spans.ts`), the pre-tokenizer's word ids and the specials mask.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer, type Encoding } from 'tokenizers';
import type { TextInput, TokenizedText } from '../../shared/results.js';

export type { TextInput };
import type { Span } from '../text/offsets.js';
import { spanRules, tokenSpans, type SpanRules } from '../text/spans.js';
import { keptPositions } from '../text/truncation.js';

export interface EncodedText extends TokenizedText {
  tokenTypeIds: number[];
  /** Token count before truncation. */
  fullLength: number;
  offsets: Span[];
  wordIds: (number | null)[];
  special: boolean[];
  sequenceIds: (number | null)[];
}

/** A special token by its text and id. */
export interface NamedToken {
  token: string;
  id: number;
}

/** The special-token roles `transformers` reads from tokenizer_config.json / special_tokens_map.json. */
const ROLES = ['pad', 'mask', 'unk', 'cls', 'sep', 'bos', 'eos'] as const;
type Role = (typeof ROLES)[number];

interface TokenizerJson {
  model?: { type?: unknown };
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  added_tokens?: { id: number; content: string; special?: boolean; lstrip?: boolean; rstrip?: boolean }[];
}

type TokenizerConfig = Record<string, unknown>;

export class TextTokenizer {
  private readonly specialIds: Set<number>;

  private constructor(
    private readonly inner: Tokenizer,
    private readonly rules: SpanRules,
    readonly maxLength: number,
    /** tokenizer.json's model type: `WordPiece` (BERT family), `BPE` (RoBERTa, GPT-2), `Unigram` (XLM-R), … */
    readonly type: string,
    /** The special tokens by role, those the folder names and the vocabulary has. */
    readonly specials: Partial<Record<Role, NamedToken>>,
    specialIds: number[],
    /** Whether decode applies transformers' `clean_up_tokenization` (" ," → ",", " n't" → "n't", …). */
    private readonly cleanUpSpaces: boolean,
    /** Whether the normalizer folds case (uncased BERT, ALBERT): "Good" and "good" are one token to the model. */
    readonly lowercases: boolean,
  ) {
    this.specialIds = new Set(specialIds);
  }

  /** Loads `tokenizer.json` (+ tokenizer_config.json, special_tokens_map.json when present) from `dir`. */
  static async load(dir: string, modelMaxPositions: number): Promise<TextTokenizer> {
    const source = await readFile(join(dir, 'tokenizer.json'), 'utf8');
    const json = JSON.parse(source) as TokenizerJson;
    const inner = Tokenizer.fromString(source);
    const config = await readOptionalJson(join(dir, 'tokenizer_config.json'));
    const map = await readOptionalJson(join(dir, 'special_tokens_map.json'));
    const specials: Partial<Record<Role, NamedToken>> = {};
    for (const role of ROLES) {
      const token = tokenText(config[`${role}_token`]) ?? tokenText(map[`${role}_token`]);
      const id = token === undefined ? null : inner.tokenToId(token);
      if (token !== undefined && id !== null) specials[role] = { token, id };
    }
    if (!specials.pad) {
      throw new Error(
        'the tokenizer names no pad token (pad_token in tokenizer_config.json or special_tokens_map.json) that ' +
          'its vocabulary has; batches and integrated gradients need one',
      );
    }
    const declared = Number(config.model_max_length);
    // tokenizer_config often says 1e30 for "unlimited"; the position table is the real limit then.
    const maxLength =
      Number.isFinite(declared) && declared > 0 ? Math.min(declared, modelMaxPositions) : modelMaxPositions;
    const specialIds = (json.added_tokens ?? []).filter((token) => token.special).map((token) => token.id);
    for (const { id } of Object.values(specials)) specialIds.push(id);
    return new TextTokenizer(
      inner,
      spanRules(json),
      maxLength,
      typeof json.model?.type === 'string' ? json.model.type : 'unknown',
      specials,
      specialIds,
      // transformers' default when the config does not say (as transformers.js).
      config.clean_up_tokenization_spaces !== false,
      normalizerLowercases(json.normalizer),
    );
  }

  get padId(): number {
    return this.specials.pad!.id;
  }

  /** The mask token, or an error naming what needed it: not every tokenizer has one. */
  mask(purpose: string): NamedToken {
    const mask = this.specials.mask;
    if (!mask) throw new Error(`${purpose} needs the tokenizer's mask token; this tokenizer names none (mask_token)`);
    return mask;
  }

  /** Whether `id` is one of the tokenizer's special tokens (added around a text or typed into it). */
  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  idToToken(id: number): string {
    return this.inner.idToToken(id) ?? `[${id}]`;
  }

  async encode(input: TextInput): Promise<EncodedText> {
    return (await this.encodeBatch([input]))[0]!;
  }

  /** One call into the binding for many texts or pairs (it tokenizes them in parallel). */
  async encodeBatch(inputs: readonly TextInput[]): Promise<EncodedText[]> {
    if (inputs.length === 0) return [];
    const pairs = inputs.map(asPair);
    const encodings = await this.bindingEncodings(pairs);
    // A pair's spans: each text's own, from the text alone (its tokens are the pair's, in order).
    const seconds = pairs.flatMap(([text, pair]) => (pair === undefined ? [] : [text, pair]));
    const alone = seconds.length === 0 ? [] : await this.inner.encodeBatch(seconds, { addSpecialTokens: false });
    let next = 0;
    return encodings.map((encoding, i) => {
      const [text, pair] = pairs[i]!;
      const spans =
        pair === undefined
          ? tokenSpans(text, encoding, this.rules)
          : pairSpans(encoding, [
              tokenSpans(text, alone[next++]!, this.rules),
              tokenSpans(pair, alone[next++]!, this.rules),
            ]);
      return this.encoded(text, pair, encoding, spans);
    });
  }

  /**
   * Only what a forward pass reads (ids and type ids, truncated as `encodeBatch` truncates), for the many
   * perturbed texts SHAP and deletion run: no spans, tokens or words.
   */
  async encodeIds(inputs: readonly TextInput[]): Promise<{ ids: number[]; tokenTypeIds: number[] }[]> {
    if (inputs.length === 0) return [];
    return (await this.bindingEncodings(inputs.map(asPair))).map((encoding) => {
      const ids = encoding.getIds();
      const tokenTypeIds = encoding.getTypeIds();
      if (ids.length <= this.maxLength) return { ids, tokenTypeIds };
      const kept = keptPositions(sequenceIdsOf(encoding), this.maxLength);
      return { ids: ids.filter((_, i) => kept[i]), tokenTypeIds: tokenTypeIds.filter((_, i) => kept[i]) };
    });
  }

  /** The binding's encodeBatch takes single texts only; pairs go one call each, run side by side. */
  private bindingEncodings(pairs: readonly [string, string | undefined][]): Promise<Encoding[]> {
    return pairs.every(([, pair]) => pair === undefined)
      ? this.inner.encodeBatch(pairs.map(([text]) => text))
      : Promise.all(pairs.map(([text, pair]) => this.inner.encode(text, pair ?? null)));
  }

  /** The text of `ids` as Python's `tokenizer.decode(ids, skip_special_tokens=True)` gives it. */
  async decodeBatch(sequences: readonly (readonly number[])[]): Promise<string[]> {
    if (sequences.length === 0) return [];
    const texts = await this.inner.decodeBatch(
      sequences.map((ids) => [...ids]),
      true,
    );
    return this.cleanUpSpaces ? texts.map(cleanUpTokenization) : texts;
  }

  private encoded(text: string, pair: string | undefined, encoding: Encoding, offsets: Span[]): EncodedText {
    const ids = encoding.getIds();
    const special = encoding.getSpecialTokensMask().map((bit) => bit === 1);
    const sequenceIds = sequenceIdsOf(encoding, special);
    const full = {
      ids,
      // The vocabulary's strings (Python's convert_ids_to_tokens), not the encoding's: those keep the space an
      // lstrip token took (" <mask>") and give a Unigram <unk> the text it replaced.
      tokens: ids.map((id) => this.idToToken(id)),
      tokenTypeIds: encoding.getTypeIds(),
      offsets,
      wordIds: encoding.getWordIds().map((word) => word ?? null),
      special,
      sequenceIds,
    };
    const base = { text, ...(pair === undefined ? {} : { textPair: pair }), fullLength: ids.length };
    if (ids.length <= this.maxLength) return { ...base, ...full, truncated: false };
    const kept = keptPositions(sequenceIds, this.maxLength);
    const cut = <T>(values: T[]): T[] => values.filter((_, i) => kept[i]);
    return {
      ...base,
      ids: cut(full.ids),
      tokens: cut(full.tokens),
      tokenTypeIds: cut(full.tokenTypeIds),
      offsets: cut(full.offsets),
      wordIds: cut(full.wordIds),
      special: cut(full.special),
      sequenceIds: cut(full.sequenceIds),
      truncated: true,
    };
  }
}

/** Which text each token is in, 0 or 1, and null at the specials the template added. */
function sequenceIdsOf(
  encoding: Encoding,
  special = encoding.getSpecialTokensMask().map((bit) => bit === 1),
): (number | null)[] {
  return encoding.getSequenceIds().map((sequence, i) => (special[i] ? null : (sequence ?? null)));
}

function asPair(input: TextInput): [string, string | undefined] {
  return typeof input === 'string' ? [input, undefined] : [input[0], input[1]];
}

/** The pair encoding's spans, each token's in its own text (specials `[0, 0]`). */
function pairSpans(encoding: Encoding, perText: [Span[], Span[]]): Span[] {
  const next = [0, 0];
  const special = encoding.getSpecialTokensMask();
  return encoding.getSequenceIds().map((sequence, i): Span => {
    if (special[i] || (sequence !== 0 && sequence !== 1)) return [0, 0];
    const span = perText[sequence][next[sequence]!++];
    if (!span) throw new Error('a pair encoding has more tokens than its texts encoded alone');
    return span;
  });
}

/** tokenizer_config.json writes a token as a string or as an AddedToken object (`{ content: "<mask>", … }`). */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

async function readOptionalJson(path: string): Promise<TokenizerConfig> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const value = JSON.parse(source) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path} is not an object`);
  return value as TokenizerConfig;
}

/** transformers' `clean_up_tokenization`: the spaces a decoder leaves before punctuation and contractions. */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** tokenizer.json's normalizer lowercases: a `Lowercase` step, or `BertNormalizer` (lowercase unless it says not). */
function normalizerLowercases(normalizer: unknown): boolean {
  if (typeof normalizer !== 'object' || normalizer === null) return false;
  const { type, lowercase, normalizers } = normalizer as { type?: unknown; lowercase?: unknown; normalizers?: unknown };
  if (type === 'Lowercase') return true;
  if (type === 'BertNormalizer') return lowercase !== false;
  return type === 'Sequence' && Array.isArray(normalizers) && normalizers.some(normalizerLowercases);
}
