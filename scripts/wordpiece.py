"""BERT tokenization (normalizer, pre-tokenizer, greedy WordPiece) and the Hugging Face tokenizer files.

An independent re-implementation of what the `tokenizers` library does for a `tokenizer.json` with
BertNormalizer(clean_text, handle_chinese_chars, strip_accents=null, lowercase) + BertPreTokenizer +
WordPiece("##", max_input_chars_per_word=100) + TemplateProcessing("[CLS] $A [SEP]"). The golden files use it
as an oracle against the TypeScript side's tokenizer, so it follows the Rust implementation's order of steps
(strip accents, then lowercase) rather than the older Python BertTokenizer's. Literal special tokens inside
the text (e.g. "[MASK]" typed by a user) are not recognised here; the golden sentences contain none.
"""

import unicodedata
from dataclasses import dataclass
from typing import Dict, List

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CONTINUATION = "##"
MAX_INPUT_CHARS_PER_WORD = 100

# Code-point blocks that BertNormalizer pads with spaces ("Chinese characters": the CJK Unified Ideographs
# blocks and their compatibility blocks; Hangul, kana etc. are not in the list).
_CJK_RANGES = [
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
]


def _is_control(ch: str) -> bool:
    # Tab, newline and carriage return are control characters that count as whitespace instead.
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def _is_punctuation(ch: str) -> bool:
    # ASCII symbols such as "$", "+", "^", "`" are not Unicode punctuation but BERT splits them all the same.
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def normalize(text: str) -> str:
    """BertNormalizer with clean_text, handle_chinese_chars, lowercase and (implied) accent stripping."""
    cleaned = []
    for ch in text:
        if ord(ch) in (0, 0xFFFD) or _is_control(ch):
            continue
        cleaned.append(" " if ch.isspace() else ch)
    text = "".join(f" {ch} " if _is_cjk(ch) else ch for ch in cleaned)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return text.lower()


def pre_tokenize(text: str) -> List[str]:
    """BertPreTokenizer: split on whitespace, then isolate every punctuation character."""
    words: List[str] = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                    current = ""
                words.append(ch)
            else:
                current += ch
        if current:
            words.append(current)
    return words


@dataclass
class Encoding:
    tokens: List[str]
    ids: List[int]
    truncated: bool


class WordPieceTokenizer:
    def __init__(self, vocab: List[str]):
        if len(set(vocab)) != len(vocab):
            raise ValueError("duplicate entries in vocabulary")
        self.vocab = vocab
        self.token_to_id: Dict[str, int] = {token: i for i, token in enumerate(vocab)}
        for token in SPECIAL_TOKENS:
            if token not in self.token_to_id:
                raise ValueError(f"vocabulary lacks {token}")

    def word_pieces(self, word: str) -> List[str]:
        """Greedy longest-match-first WordPiece; a word with any unmatched rest becomes a single [UNK]."""
        if len(word) > MAX_INPUT_CHARS_PER_WORD:
            return ["[UNK]"]
        pieces = []
        start = 0
        while start < len(word):
            end = len(word)
            piece = None
            while start < end:
                candidate = word[start:end] if start == 0 else CONTINUATION + word[start:end]
                if candidate in self.token_to_id:
                    piece = candidate
                    break
                end -= 1
            if piece is None:
                return ["[UNK]"]
            pieces.append(piece)
            start = end
        return pieces

    def tokenize(self, text: str) -> List[str]:
        return [piece for word in pre_tokenize(normalize(text)) for piece in self.word_pieces(word)]

    def encode(self, text: str, max_length: int) -> Encoding:
        """`[CLS] pieces [SEP]`, keeping the first `max_length - 2` pieces of a longer text."""
        pieces = self.tokenize(text)
        truncated = len(pieces) > max_length - 2
        tokens = ["[CLS]"] + pieces[: max_length - 2] + ["[SEP]"]
        return Encoding(tokens, [self.token_to_id[t] for t in tokens], truncated)


def tokenizer_json(vocab: List[str]) -> dict:
    """tokenizer.json in the `tokenizers` serialization, for a vocabulary holding the five specials."""
    ids = {token: i for i, token in enumerate(vocab)}
    special = [
        {
            "id": ids[token],
            "content": token,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for token in SPECIAL_TOKENS
    ]
    cls, sep = ids["[CLS]"], ids["[SEP]"]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": sorted(special, key=lambda t: t["id"]),
        "normalizer": {
            "type": "BertNormalizer",
            "clean_text": True,
            "handle_chinese_chars": True,
            "strip_accents": None,
            "lowercase": True,
        },
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 1}},
            ],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": CONTINUATION, "cleanup": True},
        "model": {
            "type": "WordPiece",
            "unk_token": "[UNK]",
            "continuing_subword_prefix": CONTINUATION,
            "max_input_chars_per_word": MAX_INPUT_CHARS_PER_WORD,
            "vocab": ids,
        },
    }


def tokenizer_config_json(model_max_length: int, tokenizer_class: str) -> dict:
    return {
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "do_basic_tokenize": True,
        "do_lower_case": True,
        "mask_token": "[MASK]",
        "model_max_length": model_max_length,
        "never_split": None,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "tokenizer_class": tokenizer_class,
        "unk_token": "[UNK]",
    }


SPECIAL_TOKENS_MAP = {
    "cls_token": "[CLS]",
    "mask_token": "[MASK]",
    "pad_token": "[PAD]",
    "sep_token": "[SEP]",
    "unk_token": "[UNK]",
}
