/**
 * `npx tsx scripts/encode_golden_texts.ts < request.json`: encodes the golden sentences of scripts/export_models.py
 * (and the sentence pairs of scripts/task_fixtures.py) with Hugging Face's `tokenizers` binding (the Rust code of
 * Python's fast tokenizers, which this machine has no Python package of), and with transformers.js (what the
 * engine has tokenized with so far), so that the export can refuse a sentence the two disagree on.
 *
 * Request (stdin): `{ "dir": "<folder with tokenizer.json>", "texts": ["…", …], "pairs": [["a", "b"], …],
 * "max_length": 64 }`, every field but `dir` optional. Response (stdout): one record per text, then one per pair,
 * `{ ids, tokens, type_ids, sequence_ids, transformers_js_ids }`: the untruncated encoding with special tokens, as
 * `tokenizer(text)` / `tokenizer(a, b)` gives it in Python before truncation (export_models.py truncates single
 * texts as the engine does, task_fixtures.py pairs as the fast tokenizers do). `sequence_ids` are 0 / 1 for the
 * tokens of the first / second text and null for the specials. The tokens are the vocabulary's strings of the
 * ids (Python's `convert_ids_to_tokens`), which results keep: the encoding's own token strings are not always
 * those (an lstrip token keeps the space it took, " <mask>"; a Unigram `<unk>` is the text it stands for).
 * With `max_length`, a pair's record also has `truncated_by_binding`: `{ ids, type_ids, sequence_ids }` of the
 * binding's own longest-first truncation to that length (`truncation=True, max_length=…` in Python), which
 * task_fixtures.py checks its truncation against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { type Encoding, Tokenizer, type TruncationStrategy } from 'tokenizers';

interface Request {
  dir: string;
  texts?: string[];
  pairs?: [string, string][];
  max_length?: number;
}

const request = JSON.parse(readFileSync(0, 'utf8')) as Request;
const file = join(request.dir, 'tokenizer.json');
const binding = Tokenizer.fromFile(file);
env.allowRemoteModels = false;
env.localModelPath = '';
const js = await AutoTokenizer.from_pretrained(request.dir, { local_files_only: true });

function record(encoding: Encoding) {
  return {
    ids: encoding.getIds(),
    tokens: encoding.getIds().map((id) => binding.idToToken(id)),
    type_ids: encoding.getTypeIds(),
    sequence_ids: encoding.getSequenceIds().map((id) => id ?? null),
  };
}

const records: object[] = [];
for (const text of request.texts ?? []) {
  records.push({ ...record(await binding.encode(text)), transformers_js_ids: js.encode(text) });
}
let truncating: Tokenizer | undefined;
if (request.max_length !== undefined) {
  truncating = Tokenizer.fromFile(file);
  truncating.setTruncation(request.max_length, { strategy: 'LongestFirst' as TruncationStrategy });
}
for (const [a, b] of request.pairs ?? []) {
  const entry: Record<string, unknown> = {
    ...record(await binding.encode(a, b)),
    transformers_js_ids: js.encode(a, { text_pair: b }),
  };
  if (truncating !== undefined) {
    const { ids, type_ids, sequence_ids } = record(await truncating.encode(a, b));
    entry.truncated_by_binding = { ids, type_ids, sequence_ids };
  }
  records.push(entry);
}
process.stdout.write(JSON.stringify(records) + '\n');
