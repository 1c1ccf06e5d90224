/**
 * `npx tsx scripts/encode_golden_texts.ts < request.json`: encodes the golden sentences of scripts/export_models.py
 * with Hugging Face's `tokenizers` binding (the Rust code of Python's fast tokenizers, which this machine has no
 * Python package of), and with transformers.js (what the engine has tokenized with so far), so that the export
 * can refuse a sentence the two disagree on.
 *
 * Request (stdin): `{ "dir": "<folder with tokenizer.json>", "texts": ["…", …] }`. Response (stdout): one record
 * per text, `{ ids, tokens, type_ids, transformers_js_ids }`: the untruncated encoding with special tokens, as
 * `tokenizer(text)` gives it in Python before truncation (export_models.py truncates as the engine does). The
 * tokens are the vocabulary's strings of the ids (Python's `convert_ids_to_tokens`), which results keep: the
 * encoding's own token strings are not always those (an lstrip token keeps the space it took, " <mask>"; a
 * Unigram `<unk>` is the text it stands for).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { Tokenizer } from 'tokenizers';

interface Request {
  dir: string;
  texts: string[];
}

const request = JSON.parse(readFileSync(0, 'utf8')) as Request;
const binding = Tokenizer.fromFile(join(request.dir, 'tokenizer.json'));
env.allowRemoteModels = false;
env.localModelPath = '';
const js = await AutoTokenizer.from_pretrained(request.dir, { local_files_only: true });

const records = [];
for (const text of request.texts) {
  const encoding = await binding.encode(text);
  records.push({
    ids: encoding.getIds(),
    tokens: encoding.getIds().map((id) => binding.idToToken(id)),
    type_ids: encoding.getTypeIds(),
    transformers_js_ids: js.encode(text),
  });
}
process.stdout.write(JSON.stringify(records) + '\n');
