/**
 * The model's tokenizer (transformers.js `AutoTokenizer`, local files only), with truncation done the way
 * Hugging Face's Python tokenizers do it: keep the special tokens, cut the text in between.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { TokenizedText } from '../../shared/results.js';
import { wordsUnsupportedReason } from '../../shared/words.js';

export interface EncodedText extends TokenizedText {
  tokenTypeIds: number[];
  /** Token count before truncation. */
  fullLength: number;
}

export class TextTokenizer {
  private readonly idToToken: string[] = [];
  private readonly specialIds: Set<number>;

  /** How many special tokens the post-processor puts after a text (`[SEP]`, `</s>`): what truncation keeps. */
  private readonly appendedSpecials: number;

  private constructor(
    private readonly inner: PreTrainedTokenizer,
    readonly maxLength: number,
    /** tokenizer.json's model type: `WordPiece` (BERT family), `BPE` (RoBERTa, GPT-2), `Unigram` (XLM-R), … */
    readonly type: string,
  ) {
    for (const [token, id] of inner.get_vocab()) this.idToToken[id] = token;
    this.specialIds = new Set(inner.all_special_ids);
    // The template around a one-word text: whatever follows the text's own tokens was appended.
    const bare = inner.encode('a', { add_special_tokens: false });
    const full = inner.encode('a');
    const start = full.findIndex((_, i) => bare.every((id, k) => full[i + k] === id));
    this.appendedSpecials = full.length - Math.max(start, 0) - bare.length;
  }

  /** Loads `tokenizer.json` + `tokenizer_config.json` from `dir`; never touches the network. */
  static async load(dir: string, modelMaxPositions: number): Promise<TextTokenizer> {
    env.allowRemoteModels = false;
    env.localModelPath = '';
    const inner = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const declared = Number(inner.model_max_length);
    // tokenizer_config often says 1e30 for "unlimited"; the position table is the real limit then.
    const maxLength =
      Number.isFinite(declared) && declared > 0 ? Math.min(declared, modelMaxPositions) : modelMaxPositions;
    const file = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as { model?: { type?: unknown } };
    return new TextTokenizer(inner, maxLength, typeof file.model?.type === 'string' ? file.model.type : 'unknown');
  }

  get padId(): number {
    return this.inner.pad_token_id ?? 0;
  }

  get maskId(): number {
    return this.inner.mask_token_id;
  }

  /**
   * Why token character offsets (SHAP's text masker) and word grouping (`--words`) are not available, or
   * undefined when they are: the engine derives both by WordPiece rules so far, which would misplace a BPE or
   * SentencePiece tokenizer's spans and words without a word.
   */
  textLayerUnsupportedReason(): string | undefined {
    return wordsUnsupportedReason(this.type);
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  encode(text: string): EncodedText {
    const full = this.inner.encode(text);
    const ids = full.length > this.maxLength ? this.truncate(full) : full;
    return {
      text,
      ids,
      tokens: ids.map((id) => this.idToToken[id] ?? `[${id}]`),
      tokenTypeIds: ids.map(() => 0),
      truncated: ids.length < full.length,
      fullLength: full.length,
    };
  }

  decode(ids: number[]): string {
    return this.inner.decode(ids, { skip_special_tokens: true });
  }

  /** Cuts the text's tokens, keeping the specials the post-processor appends (not an `[UNK]` the text ends in). */
  private truncate(ids: number[]): number[] {
    const trailing = this.appendedSpecials;
    return [...ids.slice(0, this.maxLength - trailing), ...ids.slice(ids.length - trailing)];
  }
}
