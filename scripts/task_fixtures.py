"""Fixtures and goldens for other classifier heads (multi-label, regression), sentence pairs and zero-shot.

    /usr/bin/python3 scripts/task_fixtures.py [tiny-distilbert-multilabel|tiny-bert-regression|tiny-bert-pairs|
                                               tiny-distilbert-pairs|tiny-roberta-pairs ...] [--gradients-only]

Also run by `npm run models:export` (the hook at the end of export_models.main): everything without targets;
with export_models' own targets, what derives from the named models (tiny-distilbert: its pairs and
tiny-distilbert-multilabel; tiny-bert: its pairs and tiny-bert-regression; tiny-roberta: its pairs).
Deterministic like export_models.py, whose models, writers and checks this reuses.

- tiny-distilbert-multilabel: tiny-distilbert's architecture and tokenizer, 4 labels, problem_type
  multi_label_classification (probabilities are per-label sigmoids). tiny-bert-regression: tiny-bert's, one
  output `score`, problem_type regression. Goldens on export_models.SENTENCES, gradient goldens
  (task_goldens.py) for the first two sentences and two labels each (multi-label) or the score.
- <model>.pairs.json for tiny-bert, tiny-distilbert and tiny-roberta (the committed models): sentence pairs
  encoded by Hugging Face's `tokenizers` binding untruncated (scripts/encode_golden_texts.ts) and truncated here
  as the fast tokenizers do (`truncation=True`: longest first), checked against the binding's own truncation;
  tiny-bert's also holds a zero-shot case scored as transformers.js's zero-shot pipeline scores it.
  <model>.pairs.gradients.json: gradient goldens of the first two pairs, baselines keeping every special token.
"""

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence

sys.dont_write_bytecode = True  # no __pycache__ beside the helper modules in the repository

import export_models as em  # noqa: E402  first: sets OPENBLAS_CORETYPE before numpy and torch load
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402

import onnx_numpy  # noqa: E402
import task_goldens  # noqa: E402
from demo_vocab import tiny_vocab  # noqa: E402
from modeling import (  # noqa: E402
    BertConfig,
    BertForSequenceClassification,
    DistilBertConfig,
    DistilBertForSequenceClassification,
)
from wordpiece import WordPieceTokenizer  # noqa: E402

REPO = em.REPO
MODELS = REPO / "fixtures/models"
GOLDEN = REPO / "fixtures/golden"
GRADIENT_SENTENCES = 2  # gradient goldens for the first two sentences (pairs), as gradient_golden.py

EMOTION_LABELS = {0: "joy", 1: "anger", 2: "sadness", 3: "surprise"}
SCORE_LABELS = {0: "score"}

# ------------------------------------------------------------------------------------------ heads


@dataclass
class HeadFixture:
    name: str
    architecture: str  # "distilbert" or "bert"
    problem_type: str
    tokenizer_from: str  # the tiny model whose tokenizer files are copied in
    make_model: Callable[[], torch.nn.Module]

    @property
    def folder(self) -> Path:
        return MODELS / self.name

    @property
    def golden(self) -> Path:
        return GOLDEN / f"{self.name}.json"

    @property
    def gradients(self) -> Path:
        return GOLDEN / f"{self.name}.gradients.json"


def tiny_distilbert_multilabel():
    # Seed 51: among export_models.SENTENCES 0, 1 and 3 labels above 0.5 (the seed sentence 3, the second 1, the
    # third 0), no sigmoid within 0.02 of 0.5, and every IG convergence delta shrinks from 8 to 50 steps.
    config = DistilBertConfig(vocab_size=len(tiny_vocab()), dim=32, n_layers=2, n_heads=4, hidden_dim=64,
                              max_position_embeddings=64, id2label=EMOTION_LABELS)
    return em._random_model(DistilBertForSequenceClassification, config, seed=51, std=0.25)


def tiny_bert_regression():
    # Seed 4: scores from -0.62 to +0.61 among the sentences (the seed sentence -0.58, the second +0.01), and every
    # IG convergence delta shrinks from 8 to 50 steps.
    config = BertConfig(vocab_size=len(tiny_vocab()), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, type_vocab_size=2, max_position_embeddings=64, id2label=SCORE_LABELS)
    return em._random_model(BertForSequenceClassification, config, seed=4, std=0.25)


HEADS = {
    "tiny-distilbert-multilabel": HeadFixture(
        "tiny-distilbert-multilabel", "distilbert", "multi_label_classification", "tiny-distilbert",
        tiny_distilbert_multilabel,
    ),
    "tiny-bert-regression": HeadFixture(
        "tiny-bert-regression", "bert", "regression", "tiny-bert", tiny_bert_regression,
    ),
}


def hf_config(model, problem_type: str) -> dict:
    """config.json as Hugging Face writes it (keys sorted), with the head's problem_type."""
    config = model.config.to_hf_dict()
    config["problem_type"] = problem_type
    return dict(sorted(config.items()))


def n_layers_of(config) -> int:
    return getattr(config, "num_hidden_layers", None) or config.n_layers


def forward(model, architecture: str, rows: List[List[int]], types: Optional[List[List[int]]] = None,
            mask: Optional[List[List[int]]] = None):
    ids = torch.tensor(rows, dtype=torch.long)
    mask_t = torch.ones_like(ids) if mask is None else torch.tensor(mask, dtype=torch.long)
    with torch.no_grad():
        if architecture == "bert":
            types_t = torch.zeros_like(ids) if types is None else torch.tensor(types, dtype=torch.long)
            return model(ids, mask_t, types_t, output_attentions=True)
        return model(ids, mask_t, output_attentions=True)


def head_entry(model, fixture: HeadFixture, text: str, encoding, labels: List[str]) -> dict:
    logits, attentions = forward(model, fixture.architecture, [encoding.ids])
    probabilities = task_goldens.head_probabilities(logits[0], fixture.problem_type)
    entry = {"text": text, "tokens": encoding.tokens, "ids": encoding.ids}
    if fixture.architecture == "bert":
        entry["token_type_ids"] = [0] * len(encoding.ids)
    entry["truncated"] = encoding.truncated
    entry["logits"] = logits[0].tolist()
    if fixture.problem_type == "regression":
        entry["score"] = float(logits[0, 0])
    entry["probabilities"] = probabilities.tolist()  # sigmoid per label; for regression the score itself
    if fixture.problem_type == "multi_label_classification":
        entry["predicted_labels"] = [label for label, p in zip(labels, probabilities.tolist()) if p > 0.5]
    entry["attentions"] = [layer[0].tolist() for layer in attentions]
    return entry


def head_gradients(model, fixture: HeadFixture, sentences: List[dict], labels: List[str], special: dict) -> dict:
    records = []
    for s in sentences[:GRADIENT_SENTENCES]:
        p = np.asarray(s["probabilities"])
        # Multi-label: the most and the least probable label (one above 0.5, one below); regression: the score.
        targets = [int(np.argmax(p)), int(np.argmin(p))] if len(labels) > 1 else [0]
        sequence_ids = [None] + [0] * (len(s["ids"]) - 2) + [None]
        records += task_goldens.gradient_records(
            model, fixture.architecture, fixture.problem_type, s["ids"], sequence_ids, special["pad"],
            special["mask"], targets, labels, s.get("token_type_ids"), text=s["text"],
        )
    return {
        "model": fixture.name,
        "torch_version": torch.__version__,
        "problem_type": fixture.problem_type,
        "output": task_goldens.OUTPUTS[fixture.problem_type],
        "sentences": records,
    }


def check_head_roles(fixture: HeadFixture, golden: dict, gradients: dict) -> None:
    sentences = golden["sentences"]
    if fixture.problem_type == "multi_label_classification":
        counts = [len(s["predicted_labels"]) for s in sentences]
        assert 0 in counts and 1 in counts and max(counts) >= 2, f"labels above 0.5 per sentence: {counts}"
        assert min(abs(p - 0.5) for s in sentences for p in s["probabilities"]) > 0.01, "a sigmoid near 0.5"
        for r in gradients["sentences"]:
            assert r["grad_prob"] != r["grad_logit"]
    else:
        scores = [s["score"] for s in sentences]
        assert min(scores) < 0 < max(scores), f"scores of one sign only: {scores}"
        for r in gradients["sentences"]:
            assert r["grad_prob"] == r["grad_logit"], "regression: prob is the score"
    for r in gradients["sentences"]:
        deltas = {(v["method"], v["n_steps"]): abs(v["delta"]) for v in r["ig_variants"]}
        for method in task_goldens.IG_METHODS:
            assert deltas[(method, 50)] < deltas[(method, 8)] or deltas[(method, 50)] < 1e-6, (
                f"{fixture.name}: {method} delta does not shrink from 8 to 50 steps: {r['text']!r}"
            )


def build_head(fixture: HeadFixture, gradients_only: bool = False) -> None:
    model = fixture.make_model()
    config = model.config
    vocab = tiny_vocab()
    tokenizer = WordPieceTokenizer(vocab)
    source = MODELS / fixture.tokenizer_from
    special = em.read_tokenizer(source).special_ids
    labels = [config.id2label[i] for i in range(config.num_labels)]
    max_length = config.max_position_embeddings
    golden = {
        "model": fixture.name,
        "torch_version": torch.__version__,
        "max_length": max_length,
        "labels": labels,
        "problem_type": fixture.problem_type,
        "output": task_goldens.OUTPUTS[fixture.problem_type],
        "sentences": [
            head_entry(model, fixture, text, tokenizer.encode(text, max_length), labels) for text in em.SENTENCES
        ],
    }
    gradients = head_gradients(model, fixture, golden["sentences"], labels, special)
    check_head_roles(fixture, golden, gradients)
    em._write_json(fixture.gradients, gradients, pretty_depth=3)
    if gradients_only:
        return

    folder = fixture.folder
    folder.mkdir(parents=True, exist_ok=True)
    em._write_json(folder / "config.json", hf_config(model, fixture.problem_type))
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        shutil.copyfile(source / name, folder / name)
    onnx_path = folder / "onnx/model.onnx"
    em.export_onnx(model, fixture.architecture, onnx_path)
    em._write_json(fixture.golden, golden, pretty_depth=3)

    em.check_tokenization(em.Target(fixture.name, folder, fixture.golden, fixture.architecture, "", tiny_vocab,
                                    None), golden, vocab)
    em.check_torch_paths(model, fixture.architecture, golden)
    ops, worst = em.check_onnx(onnx_path, fixture.architecture, n_layers_of(config), golden)
    outputs = onnx.load(str(onnx_path)).graph.output
    width = outputs[0].type.tensor_type.shape.dim[1].dim_value
    assert width == config.num_labels, f"logits of width {width}"

    print(f"\n== {fixture.name}: {folder} ({fixture.problem_type})")
    for path in sorted({p for p in folder.rglob("*") if p.is_file()} | {fixture.golden, fixture.gradients}):
        print(f"  {path.stat().st_size:>11,d}  {path}")
    print("  ops: " + ", ".join(f"{op} {count}" for op, count in sorted(ops.items())))
    print(f"  max |logit(ONNX, numpy) - logit(PyTorch)| = {worst:.2e}")
    for s in golden["sentences"]:
        values = "/".join(f"{p:+.4f}" if fixture.problem_type == "regression" else f"{p:.4f}"
                          for p in s["probabilities"])
        above = " " + ",".join(s["predicted_labels"]) if "predicted_labels" in s else ""
        print(f"  {values}  n={len(s['ids']):<3d}{' truncated' if s['truncated'] else ''}{above}  {s['text'][:50]}")
    for r in gradients["sentences"]:
        lig = r["explainers"]["layer_integrated_gradients"]
        print(f"  gradients {r['label']:<9s} prob {r['probabilities'][r['target']]:.4f}  "
              f"LIG({r['output']}) delta {lig['delta']:+.2e}  {r['text'][:40]}")


# ------------------------------------------------------------------------------------------ pairs
# Roles: NLI premise/hypothesis pairs (the first two get gradient goldens), one pair whose texts are both longer
# than half the budget (both cut; the first the longer), one where only the longer (the second) is cut, and a text
# paired with itself (both cut to the same length, the second gets the odd token when the budget is odd).

LONG_PREMISE = (
    "After a slow first hour, the story finds its rhythm, and the two lead actors share a warm chemistry that "
    "carries the film to a satisfying end, while the music, the camera and every quiet scene make the long night "
    "feel short. It is not a perfect film, and some of the jokes are old, but I would happily see it again with my "
    "family."
)
LONG_HYPOTHESIS = (
    "The film is a story about two people who play music at night and the people who love them, and most of it "
    "is good, but the plot is too long and the end is boring."
)
PAIRS = [
    ("A man is playing a guitar on stage.", "A man is playing music."),
    ("The woman is not reading a book.", "A woman reads a book."),
    ("Two dogs run through a field.", "The animals are outside."),
    ("The children are sleeping at home.", "The kids are playing football in the rain."),
    (LONG_PREMISE, LONG_HYPOTHESIS),
    ("The film was good.", LONG_PREMISE),
    (LONG_HYPOTHESIS, LONG_HYPOTHESIS),
]
ROLES = ["nli", "nli", "nli", "nli", "both_cut", "longer_cut", "same_length_cut"]

ZERO_SHOT = {
    "text": "The team won the game in the last minute of the match.",
    "candidate_labels": ["sports", "politics", "technology"],
    "hypothesis_template": "This example is {}.",
}


@dataclass
class PairFixture:
    model: str  # a committed model of fixtures/models/
    architecture: str
    zero_shot: bool = False

    @property
    def name(self) -> str:
        return f"{self.model}-pairs"

    @property
    def golden(self) -> Path:
        return GOLDEN / f"{self.model}.pairs.json"

    @property
    def gradients(self) -> Path:
        return GOLDEN / f"{self.model}.pairs.gradients.json"

    def make_model(self):
        if self.model in em.TOKENIZED_FIXTURES:
            return em.TOKENIZED_FIXTURES[self.model].make_model()
        return em._targets(em.DEFAULT_FULL_OUT, em.DEFAULT_TOKENIZER_DIR)[self.model].make_model(tiny_vocab())


PAIR_FIXTURES = {
    "tiny-bert-pairs": PairFixture("tiny-bert", "bert", zero_shot=True),
    "tiny-distilbert-pairs": PairFixture("tiny-distilbert", "distilbert"),
    "tiny-roberta-pairs": PairFixture("tiny-roberta", "roberta"),
}


def encode_pairs(folder: Path, pairs: Sequence[Sequence[str]], max_length: int) -> List[dict]:
    """The binding's untruncated encodings of the pairs ({ids, tokens, type_ids, sequence_ids}), each with the
    binding's own truncation to max_length (`truncated_by_binding`), transformers.js's ids checked equal."""
    tsx = REPO / "node_modules/.bin/tsx"
    command = [str(tsx)] if tsx.exists() else ["npx", "tsx"]
    request = json.dumps({"dir": str(folder), "pairs": [list(p) for p in pairs], "max_length": max_length})
    result = subprocess.run(command + [str(em.ENCODE_SCRIPT)], input=request, capture_output=True, text=True,
                            cwd=REPO)
    if result.returncode != 0:
        raise SystemExit(f"{em.ENCODE_SCRIPT.name} failed (npm ci done?):\n{result.stderr}")
    records = json.loads(result.stdout)
    assert len(records) == len(pairs)
    for pair, record in zip(pairs, records):
        assert record["transformers_js_ids"] == record["ids"], (
            f"{folder.name}: transformers.js and the tokenizers binding disagree on {pair!r}; choose another pair"
        )
    return records


def truncated_lengths(n_a: int, n_b: int, budget: int) -> tuple:
    """Hugging Face fast tokenizers' longest_first for a pair (tokenizers' truncate_encodings): the shorter text
    whole if the longer still fits in the rest, else both ⌊budget/2⌋ and the longer (the second when they are as
    long) one more if budget is odd."""
    if n_a + n_b <= budget:
        return n_a, n_b
    short, long = sorted((n_a, n_b))
    long = short if short > budget else max(short, budget - short)
    if short + long > budget:
        short, long = budget // 2, budget // 2 + budget % 2
    return (long, short) if n_a > n_b else (short, long)


def truncate_pair(record: dict, max_length: int, roberta: bool) -> dict:
    """The pair cut as `tokenizer(a, b, truncation=True, max_length=…)`: each text keeps its beginning, the
    template re-adds the specials (`[CLS] a [SEP] b [SEP]`, types 0…0 1…1; RoBERTa `<s> a </s></s> b </s>`,
    types all 0)."""
    ids, tokens, seq = record["ids"], record["tokens"], record["sequence_ids"]
    text = {k: [i for i, s in enumerate(seq) if s == k] for k in (0, 1)}
    specials = [i for i, s in enumerate(seq) if s is None]
    n_specials = len(specials)
    assert n_specials == (4 if roberta else 3) and len(ids) == n_specials + len(text[0]) + len(text[1])
    n_a, n_b = truncated_lengths(len(text[0]), len(text[1]), max_length - n_specials)
    keep_a, keep_b = text[0][:n_a], text[1][:n_b]
    first, sep = specials[0], specials[-1]
    middle = [sep, sep] if roberta else [sep]
    order = [first] + keep_a + middle + keep_b + [sep]
    sequence_ids = [None] + [0] * n_a + [None] * len(middle) + [1] * n_b + [None]
    types = [0] * len(order) if roberta else [0] * (n_a + 2) + [1] * (n_b + 1)
    return {
        "ids": [ids[i] for i in order],
        "tokens": [tokens[i] for i in order],
        "token_type_ids": types,
        "sequence_ids": sequence_ids,
        "truncated": (n_a, n_b) != (len(text[0]), len(text[1])),
        "untruncated_lengths": [len(text[0]), len(text[1])],
        "lengths": [n_a, n_b],
    }


def pair_entry(model, fixture: PairFixture, text: str, text_pair: str, encoding: dict) -> dict:
    types = encoding["token_type_ids"]
    logits, attentions = forward(model, fixture.architecture, [encoding["ids"]], [types])
    entry = {"text": text, "text_pair": text_pair, "ids": encoding["ids"], "tokens": encoding["tokens"]}
    if fixture.architecture != "distilbert":  # DistilBERT takes no token types
        entry["token_type_ids"] = types
    entry.update({
        "sequence_ids": encoding["sequence_ids"],
        "truncated": encoding["truncated"],
        "untruncated_lengths": encoding["untruncated_lengths"],
        "logits": logits[0].tolist(),
        "probabilities": torch.softmax(logits[0], dim=-1).tolist(),
        "attentions": [layer[0].tolist() for layer in attentions],
    })
    return entry


def softmax(values: Sequence[float]) -> List[float]:
    e = np.exp(np.asarray(values, dtype=np.float64) - np.max(values))
    return (e / e.sum()).tolist()


def zero_shot_section(labels: List[str], entries: List[dict]) -> dict:
    """transformers.js's zero-shot pipeline on the three pairs: entailment / contradiction are the labels named so
    (case-insensitively); single-label: softmax of the entailment logits over the candidates; multi-label: per
    candidate softmax([contradiction, entailment]) → the entailment probability. Sorted as the pipeline returns."""
    lower = [label.lower() for label in labels]
    entailment, contradiction = lower.index("entailment"), lower.index("contradiction")
    candidates = ZERO_SHOT["candidate_labels"]
    logits = [e["logits"] for e in entries]
    single = softmax([row[entailment] for row in logits])
    multi = [softmax([row[contradiction], row[entailment]])[1] for row in logits]

    def ranked(scores: List[float]) -> dict:
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        return {"scores": scores, "labels_sorted": [candidates[i] for i in order],
                "scores_sorted": [scores[i] for i in order]}

    return {
        **ZERO_SHOT,
        "hypotheses": [ZERO_SHOT["hypothesis_template"].replace("{}", c) for c in candidates],
        "entailment_id": entailment,
        "contradiction_id": contradiction,
        "logits": logits,
        "single_label": ranked(single),
        "multi_label": ranked(multi),
    }


def check_pair_roles(fixture: PairFixture, golden: dict, records: List[dict], roberta: bool) -> None:
    pairs = golden["pairs"]
    budget = golden["max_length"] - (4 if roberta else 3)
    for entry, record, role in zip(pairs, records, ROLES + ["zero_shot"] * 3):
        cut = record["truncated_by_binding"]
        assert entry["ids"] == cut["ids"] and entry["sequence_ids"] == cut["sequence_ids"], (
            f"{fixture.model}: truncation disagrees with the binding's on {entry['text'][:30]!r}: "
            f"{entry['ids']} vs {cut['ids']}"
        )
        if fixture.architecture != "distilbert":
            assert entry["token_type_ids"] == cut["type_ids"], f"token types of {entry['text'][:30]!r}"
        assert len(entry["ids"]) <= golden["max_length"]
        n_a, n_b = entry["untruncated_lengths"]
        kept = [entry["sequence_ids"].count(0), entry["sequence_ids"].count(1)]
        if role in ("nli", "zero_shot"):
            assert not entry["truncated"], f"{role} pair truncated: {entry['text']!r}"
        elif role == "both_cut":
            assert n_a > n_b > budget // 2 + budget % 2 and kept == [budget - budget // 2, budget // 2], kept
        elif role == "longer_cut":
            assert n_b > n_a and n_a + n_b > budget and kept == [n_a, budget - n_a], kept
        elif role == "same_length_cut":
            assert n_a == n_b > budget // 2 + 1 and kept == [budget // 2, budget - budget // 2], kept
    if fixture.zero_shot:  # the NLI model (tiny-distilbert says NEGATIVE to everything, its sentences too)
        assert len({int(np.argmax(p["logits"])) for p in pairs}) > 1, "every pair predicts the same label"


def check_pair_paths(model, fixture: PairFixture, golden: dict, pad_id: int) -> float:
    """The inputs_embeds path, padded batches in PyTorch, and the committed ONNX graph (numpy interpreter): every
    pair alone and all as one right-padded batch agree with the golden logits. Returns max |ONNX − PyTorch|."""
    pairs = golden["pairs"]
    architecture = fixture.architecture
    embeddings = getattr(model, architecture).embeddings.word_embeddings
    types_of = lambda p: p.get("token_type_ids", [0] * len(p["ids"]))  # noqa: E731
    for p in pairs:
        f = task_goldens.Head(model, architecture, "single_label_classification", p["ids"], types_of(p))
        with torch.no_grad():
            logits = f.logits(embeddings(torch.tensor([p["ids"]])))
        assert np.allclose(logits[0].numpy(), p["logits"], atol=1e-5), "inputs_embeds path disagrees"
    width = max(len(p["ids"]) for p in pairs)
    pad = lambda row, value: row + [value] * (width - len(row))  # noqa: E731
    rows = [pad(p["ids"], pad_id) for p in pairs]
    types = [pad(types_of(p), 0) for p in pairs]
    mask = [pad([1] * len(p["ids"]), 0) for p in pairs]
    logits, _ = forward(model, architecture, rows, types, mask)
    expected = np.array([p["logits"] for p in pairs])
    assert np.allclose(logits.numpy(), expected, atol=1e-4), "padded batch disagrees with single pairs"

    graph = onnx.load(str(MODELS / fixture.model / "onnx/model.onnx"))
    names = [i.name for i in graph.graph.input]

    def run(ids, types_, mask_):
        feeds = {"input_ids": np.array(ids, dtype=np.int64), "attention_mask": np.array(mask_, dtype=np.int64)}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.array(types_, dtype=np.int64)
        assert sorted(feeds) == sorted(names), f"graph inputs {names}"
        return onnx_numpy.run(graph, feeds)[0]

    worst = 0.0
    for p in pairs:
        out = run([p["ids"]], [types_of(p)], [[1] * len(p["ids"])])
        assert np.allclose(out[0], p["logits"], atol=1e-4, rtol=1e-4), f"ONNX graph disagrees on {p['text']!r}"
        worst = max(worst, float(np.max(np.abs(out[0] - np.asarray(p["logits"])))))
    out = run(rows, types, mask)
    assert np.allclose(out, expected, atol=1e-4, rtol=1e-4), "ONNX padded batch"
    return max(worst, float(np.max(np.abs(out - expected))))


def check_model_is_committed(model, fixture: PairFixture) -> None:
    """The rebuilt PyTorch model is the one the committed golden (and ONNX file) came from."""
    committed = json.loads((GOLDEN / f"{fixture.model}.json").read_text(encoding="utf-8"))
    for s in committed["sentences"][-3:]:
        logits, _ = forward(model, fixture.architecture, [s["ids"]], [s.get("token_type_ids", [0] * len(s["ids"]))])
        assert np.allclose(logits[0].numpy(), s["logits"], atol=1e-5), f"{fixture.model} is not the committed model"


def build_pairs(fixture: PairFixture, gradients_only: bool = False) -> None:
    folder = MODELS / fixture.model
    tokenizer = em.read_tokenizer(folder)
    special = tokenizer.special_ids
    model = fixture.make_model()
    config = model.config
    check_model_is_committed(model, fixture)
    roberta = fixture.architecture == "roberta"
    max_length = config.max_position_embeddings - (config.pad_token_id + 1 if roberta else 0)
    labels = [config.id2label[i] for i in range(config.num_labels)]
    pairs = list(PAIRS)
    if fixture.zero_shot:
        hypotheses = [ZERO_SHOT["hypothesis_template"].replace("{}", c) for c in ZERO_SHOT["candidate_labels"]]
        pairs += [(ZERO_SHOT["text"], h) for h in hypotheses]
    records = encode_pairs(folder, pairs, max_length)
    encodings = [truncate_pair(r, max_length, roberta) for r in records]

    gradient_records = []
    for (a, b), e in zip(pairs[:GRADIENT_SENTENCES], encodings):
        with torch.no_grad():
            logits, _ = forward(model, fixture.architecture, [e["ids"]], [e["token_type_ids"]])
        gradient_records += task_goldens.gradient_records(
            model, fixture.architecture, "single_label_classification", e["ids"], e["sequence_ids"],
            special["pad"], special["mask"], [int(logits[0].argmax())], labels,
            e["token_type_ids"] if fixture.architecture == "bert" else None, text=a, text_pair=b,
        )
    gradients = {
        "model": fixture.model,
        "torch_version": torch.__version__,
        "problem_type": "single_label_classification",
        "output": "softmax",
        "sentences": gradient_records,
    }
    em._write_json(fixture.gradients, gradients, pretty_depth=3)
    if gradients_only:
        return

    template = "<s> A </s></s> B </s>" if roberta else "[CLS] A [SEP] B [SEP]"
    golden = {
        "model": fixture.model,
        "torch_version": torch.__version__,
        "max_length": max_length,
        "labels": labels,
        "special_ids": special,
        "model_inputs": [i.name for i in onnx.load(str(folder / "onnx/model.onnx")).graph.input],
        "template": template,
        "truncation": {"strategy": "longest_first", "budget": max_length - (4 if roberta else 3)},
        "pairs": [pair_entry(model, fixture, a, b, e) for (a, b), e in zip(pairs, encodings)],
    }
    if fixture.zero_shot:
        golden["zero_shot"] = zero_shot_section(labels, golden["pairs"][len(PAIRS):])
    check_pair_roles(fixture, golden, records, roberta)
    worst = check_pair_paths(model, fixture, golden, special["pad"])
    em._write_json(fixture.golden, golden, pretty_depth=3)

    print(f"\n== {fixture.model} pairs: {template}, budget {golden['truncation']['budget']}")
    for path in (fixture.golden, fixture.gradients):
        print(f"  {path.stat().st_size:>11,d}  {path}")
    print(f"  max |logit(ONNX, numpy) - logit(PyTorch)| = {worst:.2e}")
    for p in golden["pairs"]:
        probs = "/".join(f"{v:.4f}" for v in p["probabilities"])
        lengths = "+".join(map(str, p["untruncated_lengths"]))
        kept = f"{p['sequence_ids'].count(0)}+{p['sequence_ids'].count(1)}"
        cut = f" truncated {lengths} -> {kept}" if p["truncated"] else f" {lengths}"
        print(f"  {probs}  n={len(p['ids']):<3d}{cut}  {p['text'][:30]} | {p['text_pair'][:30]}")
    for r in gradients["sentences"]:
        lig = r["explainers"]["layer_integrated_gradients"]
        extra = f" (same positions {lig['delta_same_positions']:+.2e})" if "delta_same_positions" in lig else ""
        print(f"  gradients {r['label']} LIG delta {lig['delta']:+.2e}{extra}  {r['text'][:40]}")
    if fixture.zero_shot:
        z = golden["zero_shot"]
        for kind in ("single_label", "multi_label"):
            ranked = ", ".join(f"{l} {s:.4f}" for l, s in zip(z[kind]["labels_sorted"], z[kind]["scores_sorted"]))
            print(f"  zero-shot {kind}: {ranked}")


# ------------------------------------------------------------------------------------------- main

DERIVED = {  # export_models' targets -> the builds here that derive from them
    "tiny-distilbert": ["tiny-distilbert-pairs", "tiny-distilbert-multilabel"],
    "tiny-bert": ["tiny-bert-pairs", "tiny-bert-regression"],
    "tiny-roberta": ["tiny-roberta-pairs"],
}
NAMES = [*HEADS, *PAIR_FIXTURES]


def run(name: str, gradients_only: bool) -> None:
    if name in HEADS:
        build_head(HEADS[name], gradients_only)
    else:
        build_pairs(PAIR_FIXTURES[name], gradients_only)


def main(targets: Sequence[str] = (), gradients_only: bool = False) -> None:
    """Called by export_models.main with its targets (none: everything)."""
    torch.set_num_threads(1)
    names = NAMES if not targets else [n for t in targets for n in (DERIVED.get(t, []) + ([t] if t in NAMES else []))]
    for name in names:
        run(name, gradients_only)


def cli(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", metavar="{" + ",".join(NAMES) + "}")
    parser.add_argument("--gradients-only", action="store_true", help="only (re)write the gradient golden files")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.targets) - set(NAMES))
    if unknown:
        parser.error(f"unknown target(s) {unknown}; choose from {NAMES}")
    main(args.targets, args.gradients_only)


if __name__ == "__main__":
    cli()
