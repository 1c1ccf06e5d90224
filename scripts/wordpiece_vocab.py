"""A WordPiece vocabulary learned from a corpus, as Hugging Face's WordPieceTrainer learns one.

The words are those the BERT normalizer and pre-tokenizer of scripts/wordpiece.py make of the texts. Each word
starts as its characters (`w`, `##o`, `##r`, `##d`), and the most frequent adjacent pair of symbols is merged,
again and again (byte-pair encoding over word counts, `##` marking a piece that continues a word), until the
vocabulary has the size asked for. The vocabulary is the five specials (ids 0-4, in scripts/wordpiece.py's
order), the alphabet (every printable ASCII character and every other character seen often enough, each alone
and as a `##` continuation), then the merges in the order they were made. Ties are broken by the pair's text,
so the result depends only on the corpus.
"""

import collections
import heapq
import string
from typing import Dict, Iterable, List, Tuple

from wordpiece import CONTINUATION, MAX_INPUT_CHARS_PER_WORD, SPECIAL_TOKENS, normalize, pre_tokenize

ASCII = string.punctuation + string.digits + string.ascii_lowercase


def word_counts(texts: Iterable[str]) -> Dict[str, int]:
    counts: Dict[str, int] = collections.Counter()
    for text in texts:
        counts.update(pre_tokenize(normalize(text)))
    return counts


def train_vocab(
    texts: Iterable[str], vocab_size: int, min_word_count: int = 2, min_char_count: int = 50
) -> List[str]:
    counts = word_counts(texts)
    char_counts: Dict[str, int] = collections.Counter()
    for word, count in counts.items():
        for ch in word:
            char_counts[ch] += count
    alphabet = sorted(set(ASCII) | {ch for ch, count in char_counts.items() if count >= min_char_count})
    vocab = list(SPECIAL_TOKENS) + alphabet + [CONTINUATION + ch for ch in alphabet]
    known = set(vocab)
    letters = set(alphabet)

    # Words that can be spelled with the alphabet (the rest are [UNK] whatever is merged), as symbol lists.
    words = sorted(
        (w, c) for w, c in counts.items()
        if c >= min_word_count and len(w) <= MAX_INPUT_CHARS_PER_WORD and set(w) <= letters
    )
    symbols = [[w[0]] + [CONTINUATION + ch for ch in w[1:]] for w, _ in words]
    weight = [c for _, c in words]

    pairs: Dict[Tuple[str, str], int] = collections.defaultdict(int)
    where: Dict[Tuple[str, str], set] = collections.defaultdict(set)
    for i, syms in enumerate(symbols):
        for pair in zip(syms, syms[1:]):
            pairs[pair] += weight[i]
            where[pair].add(i)
    heap = [(-count, a, b) for (a, b), count in pairs.items()]
    heapq.heapify(heap)

    while len(vocab) < vocab_size and heap:
        negative, a, b = heapq.heappop(heap)
        if pairs.get((a, b), 0) != -negative or negative == 0:
            continue  # a stale entry: the pair's count changed since it was pushed
        merged = a + b[len(CONTINUATION):]
        if merged not in known:
            vocab.append(merged)
            known.add(merged)
        changed = set()
        for i in sorted(where.pop((a, b))):
            syms, c = symbols[i], weight[i]
            if not any(x == a and y == b for x, y in zip(syms, syms[1:])):
                continue
            for pair in zip(syms, syms[1:]):
                pairs[pair] -= c
                changed.add(pair)
            out, k = [], 0
            while k < len(syms):
                if k + 1 < len(syms) and syms[k] == a and syms[k + 1] == b:
                    out.append(merged)
                    k += 2
                else:
                    out.append(syms[k])
                    k += 1
            symbols[i] = out
            for pair in zip(out, out[1:]):
                pairs[pair] += c
                where[pair].add(i)
                changed.add(pair)
        pairs.pop((a, b), None)
        for pair in sorted(changed):
            count = pairs.get(pair, 0)
            if count > 0:
                heapq.heappush(heap, (-count, pair[0], pair[1]))
            else:
                pairs.pop(pair, None)
    return vocab
