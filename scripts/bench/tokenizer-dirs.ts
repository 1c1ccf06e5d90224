/** The tokenizers the tokenizer scripts compare: the real uncased DistilBERT one and the project's fixtures. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const TOKENIZER_DIRS = {
  'WordPiece uncased (distilbert-sst2)': join(ROOT, '../shared/models/distilbert-sst2-tokenizer'),
  'WordPiece cased (fixture)': join(ROOT, 'fixtures/tokenizers/bert-cased-wordpiece'),
  'byte-level BPE (RoBERTa fixture)': join(ROOT, 'fixtures/tokenizers/roberta-bpe'),
  'Unigram (XLM-R fixture)': join(ROOT, 'fixtures/tokenizers/xlmr-unigram'),
};
