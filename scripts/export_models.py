"""Export the project's models to ONNX (transformers.js folder layout) and write PyTorch golden values.

    /usr/bin/python3 scripts/export_models.py [demo|tiny-distilbert|tiny-bert|tiny-roberta|tiny-xlmr|
                                               tiny-bert-cased|tiny-bert-multilingual|tiny-mpnet|tiny-albert|
                                               tiny-deberta|tiny-deberta-v2|
                                               tiny-bert-opset17|tiny-bert-sdpa|tiny-distilbert-opset12|
                                               tiny-distilbert-opset17|tiny-distilbert-sdpa|tiny-electra|
                                               tiny-minilm|full ...]
                                              [--out DIR]

Without targets: every model but `full` (small, committed). `full` (a random-weight full-size DistilBERT,
~270 MB) is only built when named and goes to --out, never into the repository.
Everything is deterministic: re-running reproduces every file byte for byte (OpenBLAS kernels pinned below).

The demo's weights and vocabulary are trained (scripts/train_demo.py, never run here: the export reads the
committed scripts/weights/demo-sst2.pt); the other models are random. Models are our own PyTorch implementation
(scripts/modeling.py) with Hugging Face parameter names, exported
the way Hugging Face's exporters do it (constant folding, int64 inputs with dynamic batch and sequence axes, one
output `logits`; RoBERTa, XLM-R, MPNet and DeBERTa-v3 without token_type_ids, DeBERTa-v2 with token types with
them, as optimum) at optimum's default opset for the family: 14, ELECTRA 11, MPNet and DeBERTa-v2 12. Tokenizers
are our own WordPiece vocabularies (scripts/demo_vocab.py; also tiny-electra's and tiny-minilm's), except for
`full`, which takes the real uncased vocabulary from --tokenizer-dir, and `tiny-roberta`, `tiny-xlmr`,
`tiny-bert-cased`, `tiny-bert-multilingual`, `tiny-mpnet`, `tiny-albert`, `tiny-deberta` and `tiny-deberta-v2`,
which get a tokenizer fixture (fixtures/tokenizers/, `npm run tokenizers:make`) copied in: their golden ids come
from Hugging Face's `tokenizers` binding (scripts/encode_golden_texts.ts, run through node), tiny-roberta also
keeps its goldens on id sequences (scripts/roberta_fixture.py), and the golden files of tiny-bert-multilingual
and tiny-deberta-v2 end with sentence pairs (their type ids run, gradient goldens too). The exporter variants
(tiny-bert-opset17, tiny-bert-sdpa, tiny-distilbert-opset12, tiny-distilbert-opset17, tiny-distilbert-sdpa) are
their base model exported another way and have no golden files of their own: the base model's apply to them.
"""

import argparse
import collections
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional

# OpenBLAS picks its kernels by CPU (Haswell, Zen, SkylakeX ...), and each sums in its own order, which moves
# the goldens' last digits. The committed files were written with the SandyBridge kernels, which run on any
# x86-64 CPU with AVX; this must be set before numpy or torch loads OpenBLAS.
os.environ.setdefault("OPENBLAS_CORETYPE", "SandyBridge")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ beside the helper modules in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx_numpy  # noqa: E402
from demo_vocab import tiny_vocab  # noqa: E402
import train_demo  # noqa: E402
import roberta_fixture  # noqa: E402
import task_goldens  # noqa: E402
from gradient_golden import SENTENCES as GRADIENT_GOLDEN_SENTENCES, gradient_golden, gradient_golden_ids  # noqa: E402
from modeling import (  # noqa: E402
    BertConfig,
    BertForSequenceClassification,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    RobertaConfig,
    RobertaForSequenceClassification,
    XLMRobertaConfig,
    POSITIONS_FROM_IDS,
    TOKEN_TYPE_ARCHITECTURES,
    AlbertConfig,
    AlbertForSequenceClassification,
    ElectraConfig,
    ElectraForSequenceClassification,
    MPNetConfig,
    MPNetForSequenceClassification,
    DebertaV2Config,
    DebertaV2ForSequenceClassification,
    init_random_weights,
    set_attn_implementation,
)
from wordpiece import (  # noqa: E402
    SPECIAL_TOKENS_MAP,
    WordPieceTokenizer,
    pre_tokenize,
    normalize,
    tokenizer_config_json,
    tokenizer_json,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TOKENIZER_DIR = Path("/work/shared/models/distilbert-sst2-tokenizer")
DEFAULT_FULL_OUT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / (
    "xai-workbench/models/distilbert-full-random"
)
SST2_LABELS = {0: "NEGATIVE", 1: "POSITIVE"}
NLI_LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}
SENTIMENT_LABELS = {0: "negative", 1: "neutral", 2: "positive"}  # as cardiffnlp/twitter-roberta-base-sentiment
ROBERTA_VOCAB_SIZE = 50265  # roberta-base's: 4 specials + GPT-2's 50257 tokens + <mask>
SEED_SENTENCE = "You look terrible! Maybe you should rest?"

# The same sentences for every model. Roles: seed, clearly positive (2), clearly negative, case and accents,
# a word that splits into ## pieces, digits and punctuation, a character that becomes [UNK], a single word,
# and one longer than the tiny models' 64 tokens.
SENTENCES = [
    SEED_SENTENCE,
    "What a wonderful, delightful film!",
    "I love this movie, it is great.",
    "The plot was boring and the acting was awful.",
    "Café CRÈME was unbelievably good.",
    "Breathtakingly beautiful!",
    "It cost $12.50 in 2023 — not bad!",
    "The ending made me smile 😊 so much.",
    "Brilliant",
    "After a slow first hour, the story finds its rhythm, and the two lead actors share a warm chemistry "
    "that carries the film to a satisfying end.",
]
SPLIT_SENTENCE, UNK_SENTENCE, LONG_SENTENCE = SENTENCES[5], SENTENCES[7], SENTENCES[9]

@dataclass
class Target:
    name: str
    folder: Path
    golden: Path
    architecture: str  # "distilbert", "bert" or "electra" (the attribute of the base model, scripts/modeling.py)
    tokenizer_class: str
    make_vocab: Callable[[], List[str]]
    make_model: Callable[[List[str]], torch.nn.Module]
    copy_tokenizer_from: Optional[Path] = None  # use these tokenizer files instead of writing our own
    opset: int = 14


def _random_model(model_class, config, seed: int, std: float):
    config.initializer_range = std
    model = model_class(config)
    init_random_weights(model, std, torch.Generator().manual_seed(seed))
    return model.eval()


MINILM_POSITIONS = dict(vocab_size=len(tiny_vocab()), max_position_embeddings=32)


def _targets(full_out: Path, tokenizer_dir: Path) -> dict:
    fixtures = REPO / "fixtures"
    full_vocab = lambda: (tokenizer_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()  # noqa: E731
    tiny = dict(vocab_size=len(tiny_vocab()), max_position_embeddings=64)
    return {
        "demo": Target(
            "demo-sst2", REPO / "resources/models/demo-sst2", fixtures / "golden/demo-sst2.json", "distilbert",
            "DistilBertTokenizer", lambda: train_demo.load_trained()[1], lambda vocab: train_demo.load_trained()[0],
        ),
        "tiny-distilbert": Target(
            "tiny-distilbert", fixtures / "models/tiny-distilbert", fixtures / "golden/tiny-distilbert.json",
            "distilbert", "DistilBertTokenizer", tiny_vocab,
            lambda vocab: _random_model(
                DistilBertForSequenceClassification,
                DistilBertConfig(dim=32, n_layers=2, n_heads=4, hidden_dim=64, id2label=SST2_LABELS, **tiny),
                seed=11, std=0.25,
            ),
        ),
        "tiny-bert": Target(
            "tiny-bert", fixtures / "models/tiny-bert", fixtures / "golden/tiny-bert.json", "bert",
            "BertTokenizer", tiny_vocab,
            lambda vocab: _random_model(
                BertForSequenceClassification,
                BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                           type_vocab_size=2, id2label=NLI_LABELS, **tiny),
                seed=13, std=0.25,
            ),
        ),
        # MiniLM (microsoft/MiniLM-L12-H384-uncased, cross-encoder/ms-marco-MiniLM-L-6-v2: model_type bert, 384
        # hidden over 12 heads of 32) scaled down with its head layout kept unusual: hidden 48 over 12 heads of 4,
        # intermediate 4 x hidden, 2 layers, tiny-bert's uncased vocabulary; 32 positions, so that 12 heads' attention
        # maps keep the golden file under 1 MB (the long sentence is still truncated). Seed 3: both labels among the
        # sentences (the first two: NEGATIVE, POSITIVE), and every IG convergence delta shrinks from 8 to 50 steps.
        "tiny-minilm": Target(
            "tiny-minilm", fixtures / "models/tiny-minilm", fixtures / "golden/tiny-minilm.json", "bert",
            "BertTokenizer", tiny_vocab,
            lambda vocab: _random_model(
                BertForSequenceClassification,
                BertConfig(hidden_size=48, num_hidden_layers=2, num_attention_heads=12, intermediate_size=192,
                           type_vocab_size=2, id2label=SST2_LABELS, **MINILM_POSITIONS),
                seed=3, std=0.25,
            ),
        ),
        # ELECTRA's discriminator as a classifier: embeddings of 16 projected to hidden 32 (embeddings_project),
        # the GELU head on the first token. Opset 11, optimum's default for ELECTRA. Seed 1: both labels among the
        # sentences (the first two: POSITIVE, NEGATIVE), and every IG convergence delta shrinks from 8 to 50 steps.
        "tiny-electra": Target(
            "tiny-electra", fixtures / "models/tiny-electra", fixtures / "golden/tiny-electra.json", "electra",
            "ElectraTokenizer", tiny_vocab,
            lambda vocab: _random_model(
                ElectraForSequenceClassification,
                ElectraConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                              type_vocab_size=2, embedding_size=16, id2label=SST2_LABELS, **tiny),
                seed=1, std=0.25,
            ),
            opset=11,
        ),
        "full": Target(
            "distilbert-full-random", full_out, full_out / "golden.json", "distilbert", "DistilBertTokenizer",
            full_vocab,
            lambda vocab: _random_model(
                DistilBertForSequenceClassification,
                DistilBertConfig(vocab_size=len(vocab), dim=768, n_layers=6, n_heads=12, hidden_dim=3072,
                                 max_position_embeddings=512, id2label=SST2_LABELS),
                seed=17, std=0.02,
            ),
            copy_tokenizer_from=tokenizer_dir,
        ),
    }


# ------------------------------------------------------------------------------------------------ writing


def _json_text(value, depth: int = 0, pretty_depth: int = 3) -> str:
    """JSON with float32 values in their shortest round-trip form, objects and lists indented only
    `pretty_depth` levels deep (numeric arrays stay on one line)."""
    if isinstance(value, float):
        if not np.isfinite(value):
            raise ValueError(f"{value} has no JSON form")
        return str(np.float32(value))
    if isinstance(value, (str, int, bool)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = [f"{_json_text(k)}: {_json_text(v, depth + 1, pretty_depth)}" for k, v in value.items()]
        brackets = "{}"
    else:
        items = [_json_text(v, depth + 1, pretty_depth) for v in value]
        brackets = "[]"
    if depth >= pretty_depth or not items:
        return brackets[0] + ",".join(items) + brackets[1]
    pad = "  " * (depth + 1)
    return brackets[0] + "\n" + ",\n".join(pad + item for item in items) + "\n" + "  " * depth + brackets[1]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_json(path: Path, value, pretty_depth: int = 99) -> None:
    _write(path, _json_text(value, pretty_depth=pretty_depth) + "\n")


def write_tokenizer_files(target: Target, vocab: List[str], max_length: int) -> None:
    folder = target.folder
    if target.copy_tokenizer_from is not None:
        for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
            shutil.copyfile(target.copy_tokenizer_from / name, folder / name)
        return
    _write_json(folder / "tokenizer.json", tokenizer_json(vocab))
    _write_json(folder / "tokenizer_config.json", tokenizer_config_json(max_length, target.tokenizer_class))
    _write_json(folder / "special_tokens_map.json", SPECIAL_TOKENS_MAP)
    _write(folder / "vocab.txt", "".join(token + "\n" for token in vocab))


def takes_token_types(model: torch.nn.Module, architecture: str) -> bool:
    """Whether optimum's export has a token_type_ids input: BERT, ELECTRA, ALBERT, and DeBERTa-v2 when its config has
    token types (DebertaV2OnnxConfig: type_vocab_size > 0; DeBERTa-v3 has none)."""
    if architecture == "deberta":
        return model.config.type_vocab_size > 0
    return architecture in TOKEN_TYPE_ARCHITECTURES


def export_onnx(model: torch.nn.Module, architecture: str, path: Path, opset: int = 14) -> None:
    """As transformers.onnx / optimum export a sequence classifier (dummy batch 2 x 8, like theirs), at
    optimum's default opset for the family (14 for most; ELECTRA 11, MPNet 12)."""
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if takes_token_types(model, architecture) else [])
    inputs = {
        "input_ids": torch.full((2, 8), 5, dtype=torch.long),
        "attention_mask": torch.ones(2, 8, dtype=torch.long),
        "token_type_ids": torch.zeros(2, 8, dtype=torch.long),
    }
    dummy = tuple(inputs[name] for name in names)
    axes = {name: {0: "batch_size", 1: "sequence_length"} for name in names}
    axes["logits"] = {0: "batch_size"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # Tracing warns about the Python conditionals and torch.tensor() calls it freezes; all are expected.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        # torch 1.13 hands a Function's `symbolic` (scripts/modeling.py, SDPA) the raw graph, whose g.op() it
        # announces as deprecated in favour of the GraphContext it does not pass there.
        warnings.filterwarnings("ignore", message=".*_graph_op' is deprecated", category=FutureWarning)
        # DeBERTa's scale, torch.tensor(query_layer.size(-1)) as transformers writes it, copies a traced size.
        warnings.filterwarnings("ignore", message="To copy construct from a tensor", category=UserWarning)
        torch.onnx.export(
            model, dummy, str(path), input_names=names, output_names=["logits"], dynamic_axes=axes,
            opset_version=opset, do_constant_folding=True,
        )


# ------------------------------------------------------------------------------------------------- golden


def _forward(model, architecture: str, ids: List[List[int]], mask: List[List[int]], types=None):
    """Logits and attentions; `types` the token type ids (zeros when absent) where the model takes them."""
    ids_t = torch.tensor(ids, dtype=torch.long)
    mask_t = torch.tensor(mask, dtype=torch.long)
    with torch.no_grad():
        if takes_token_types(model, architecture):
            types_t = torch.zeros_like(ids_t) if types is None else torch.tensor(types, dtype=torch.long)
            return model(ids_t, mask_t, types_t, output_attentions=True)
        return model(ids_t, mask_t, output_attentions=True)


def golden_sentence(model, architecture: str, tokenizer: WordPieceTokenizer, text: str, max_length: int) -> dict:
    encoding = tokenizer.encode(text, max_length)
    types = [0] * len(encoding.ids)
    return golden_entry(model, architecture, text, encoding.tokens, encoding.ids, types, encoding.truncated)


def golden_entry(model, architecture: str, text: str, tokens, ids, token_type_ids, truncated: bool,
                 text_pair: Optional[str] = None, sequence_ids: Optional[list] = None) -> dict:
    """One sentence's (or pair's) golden record from its encoding (`token_type_ids` kept, and run, where the graph
    takes them)."""
    logits, attentions = _forward(model, architecture, [ids], [[1] * len(ids)], [token_type_ids])
    entry = {"text": text}
    if text_pair is not None:
        entry["text_pair"] = text_pair
    entry.update({"tokens": tokens, "ids": ids})
    if takes_token_types(model, architecture):
        entry["token_type_ids"] = token_type_ids
    if sequence_ids is not None:
        entry["sequence_ids"] = sequence_ids
    entry["truncated"] = truncated
    entry["logits"] = logits[0].tolist()
    entry["probabilities"] = torch.softmax(logits[0], dim=-1).tolist()
    entry["attentions"] = [layer[0].tolist() for layer in attentions]
    return entry


# ------------------------------------------------------------------------------------------------- checks


def check_torch_paths(model, architecture: str, golden: dict, pad_id: int = 0) -> None:
    """The inputs_embeds path and padded batches agree with the golden single-sentence logits. (RoBERTa's
    positions from inputs_embeds are sequential, those of ids without `<pad>` too.)"""
    sentences = golden["sentences"]
    word_embeddings = getattr(model, architecture).embeddings.word_embeddings
    types_of = lambda s: s.get("token_type_ids", [0] * len(s["ids"]))  # noqa: E731
    for s in sentences:
        ids = torch.tensor([s["ids"]])
        # A pair's second text with its type ids (BERT, DeBERTa-v2); single texts as before, without.
        types = {"token_type_ids": torch.tensor([types_of(s)])} if any(types_of(s)) else {}
        with torch.no_grad():
            embeds = word_embeddings(ids)
            logits = model(inputs_embeds=embeds, attention_mask=torch.ones_like(ids), **types)
        assert np.allclose(logits[0].numpy(), s["logits"], atol=1e-5), "inputs_embeds path disagrees"
    width = max(len(s["ids"]) for s in sentences)
    ids = [s["ids"] + [pad_id] * (width - len(s["ids"])) for s in sentences]
    mask = [[1] * len(s["ids"]) + [0] * (width - len(s["ids"])) for s in sentences]
    types = [types_of(s) + [0] * (width - len(s["ids"])) for s in sentences]
    logits, _ = _forward(model, architecture, ids, mask, types)
    expected = np.array([s["logits"] for s in sentences])
    assert np.allclose(logits.numpy(), expected, atol=1e-4), "padded batch disagrees with single sentences"


def check_onnx(path: Path, architecture: str, n_layers: int, golden: dict, pad_id: int = 0):
    """Returns the op counts and max |logit(ONNX graph, numpy) - logit(PyTorch)|."""
    onnx.checker.check_model(str(path))
    model = onnx.load(str(path))
    graph = model.graph
    initializers = {t.name for t in graph.initializer}
    word_embeddings = f"{architecture}.embeddings.word_embeddings.weight"
    assert any(
        n.op_type == "Gather" and n.input[0] == word_embeddings and n.input[1] == "input_ids" for n in graph.node
    ), "no Gather(word embeddings, input_ids)"
    assert word_embeddings in initializers
    if architecture == "roberta":
        roberta_fixture.check_onnx_interface(model, n_layers)
    softmaxes = [n for n in graph.node if n.op_type == "Softmax"]
    assert len(softmaxes) == n_layers, f"{len(softmaxes)} Softmax nodes for {n_layers} layers"
    for softmax in softmaxes:
        probabilities = softmax.output[0]
        guard = [n for n in graph.node if n.op_type == "Where" and probabilities in n.input]
        if guard:  # SDPA as torch 2.x exports it: Where(IsNaN(p), 0, p) between Softmax and MatMul; DeBERTa's
            probabilities = guard[0].output[0]  # XSoftmax: Where(mask, 0, p)
        reshape = [n for n in graph.node if n.op_type == "Reshape" and n.input[0] == probabilities]
        if architecture == "deberta" and reshape:  # DeBERTa: the bmm of [batch·heads, n, n] probabilities
            probabilities = reshape[0].output[0]
        assert any(n.op_type == "MatMul" and probabilities in n.input for n in graph.node), "Softmax -> MatMul"
    assert [o.name for o in graph.output] == ["logits"]
    assert not any(t.data_location == onnx.TensorProto.EXTERNAL for t in graph.initializer)

    # Run the graph itself (numpy interpreter): every sentence alone, then all of them as one padded batch.
    sentences = golden["sentences"]
    assert ("token_type_ids" in [i.name for i in graph.input]) == all("token_type_ids" in s for s in sentences)

    def feeds(entries: List[dict], width: int) -> dict:
        rows = [s["ids"] for s in entries]
        f = {
            "input_ids": np.array([r + [pad_id] * (width - len(r)) for r in rows], dtype=np.int64),
            "attention_mask": np.array([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=np.int64),
        }
        if "token_type_ids" in [i.name for i in graph.input]:  # a pair's own type ids, zeros for single texts
            types = [s.get("token_type_ids", [0] * len(s["ids"])) for s in entries]
            f["token_type_ids"] = np.array([t + [0] * (width - len(t)) for t in types], dtype=np.int64)
        return f

    worst = 0.0
    for s in sentences:
        (logits,) = onnx_numpy.run(model, feeds([s], len(s["ids"])))
        assert np.allclose(logits[0], s["logits"], atol=1e-4, rtol=1e-4), f"ONNX graph disagrees on {s['text']!r}"
        worst = max(worst, float(np.max(np.abs(logits[0] - np.asarray(s["logits"])))))
    (logits,) = onnx_numpy.run(model, feeds(sentences, max(len(s["ids"]) for s in sentences)))
    expected = np.asarray([s["logits"] for s in sentences])
    assert np.allclose(logits, expected, atol=1e-4, rtol=1e-4), "ONNX padded batch"
    worst = max(worst, float(np.max(np.abs(logits - expected))))
    return collections.Counter(n.op_type for n in graph.node), worst


def check_ig_convergence(name: str, gradients: dict) -> None:
    """Every integration method's convergence delta shrinks from 8 to 50 steps (the gradient golden test relies
    on it; a seed where it does not is a poor fixture)."""
    for s in gradients["sentences"]:
        gap = s.get("baseline_position_gap", 0.0)  # RoBERTa/MPNet: f(x') on the baseline's own positions
        deltas = {(v["method"], v["n_steps"]): abs(v["delta"] + gap) for v in s["ig_variants"]}
        for method, steps in deltas:
            if steps == 50:
                assert deltas[method, 50] < deltas[method, 8], f"{name}: {method} delta grows with the steps"


def check_tokenization(target: Target, golden: dict, vocab: List[str]) -> None:
    by_text = {s["text"]: s for s in golden["sentences"]}
    assert any(t.startswith("##") for t in by_text[SPLIT_SENTENCE]["tokens"]), "no ## piece in the split sentence"
    assert "[UNK]" in by_text[UNK_SENTENCE]["tokens"], "no [UNK] in the [UNK] sentence"
    if golden["max_length"] == 64:
        assert by_text[LONG_SENTENCE]["truncated"], "the long sentence must exceed the tiny models' 64 tokens"
    for s in golden["sentences"]:
        assert len(s["ids"]) <= golden["max_length"]
    seed = by_text[SEED_SENTENCE]["ids"]
    if target.copy_tokenizer_from is not None:
        assert seed[:2] == [101, 2017] and seed[-1] == 102, f"real vocabulary: seed ids {seed}"
    else:
        assert seed[0] == vocab.index("[CLS]") == 2 and seed[-1] == vocab.index("[SEP]") == 3


# --------------------------------------------------------------------------------------------------- main


def build(target: Target) -> None:
    vocab = target.make_vocab()
    model = target.make_model(vocab)
    config = model.config
    max_length = config.max_position_embeddings
    labels = [config.id2label[i] for i in range(config.num_labels)]
    n_layers = getattr(config, "num_hidden_layers", None) or config.n_layers

    target.folder.mkdir(parents=True, exist_ok=True)
    _write_json(target.folder / "config.json", config.to_hf_dict())
    write_tokenizer_files(target, vocab, max_length)
    onnx_path = target.folder / "onnx/model.onnx"
    export_onnx(model, target.architecture, onnx_path, opset=target.opset)

    tokenizer = WordPieceTokenizer(vocab)
    golden = {
        "model": target.name,
        "torch_version": torch.__version__,
        "max_length": max_length,
        "labels": labels,
        "sentences": [golden_sentence(model, target.architecture, tokenizer, t, max_length) for t in SENTENCES],
    }
    if target.name == "demo-sst2":  # trained: its checks (scripts/train_demo.py) and its model card
        golden["checks"] = train_demo.demo_checks(model, tokenizer, labels)
        card = train_demo.model_card(train_demo.load_trained()[2], golden["checks"], len(vocab),
                                     onnx_path.stat().st_size)
        _write(target.folder / "README.md", card)
    _write_json(target.golden, golden, pretty_depth=3)
    if target.golden.parent == REPO / "fixtures/golden":  # the committed fixtures; not the full-size model
        write_gradient_golden(target, model, tokenizer, max_length)

    check_tokenization(target, golden, vocab)
    check_torch_paths(model, target.architecture, golden)
    ops, worst = check_onnx(onnx_path, target.architecture, n_layers, golden)
    report(target, golden, ops, worst)


# ------------------------------------------------------------------------------ models with a tokenizer fixture
# tiny-roberta, tiny-xlmr and tiny-bert-cased take a tokenizer from fixtures/tokenizers/ (npm run
# tokenizers:make), copied into the model folder. There is no Python tokenizers library here, so the golden ids
# come from Hugging Face's `tokenizers` Node binding (the same Rust code as Python's fast tokenizers), run by
# scripts/encode_golden_texts.ts; it also encodes with transformers.js, and a sentence the two disagree on is
# refused. The binding's ids are untruncated; they are truncated here as the engine truncates (the first
# max_length - 1 tokens, then the final `</s>` / `[SEP]`: specials kept, text cut).

TOKENIZER_FIXTURES = REPO / "fixtures/tokenizers"
ENCODE_SCRIPT = REPO / "scripts/encode_golden_texts.ts"

# Roles: the seed (plain English), contractions and punctuation (these two also get gradient goldens),
# doubled and tripled spaces (byte-level BPE keeps each as a `Ġ` piece), accents (UTF-8 byte pieces), an emoji
# (split into bytes; byte-level BPE has no <unk>), a literal `<mask>` (the special token, taking the space
# before it: lstrip), a single word, and one longer than 64 tokens.
ROBERTA_SENTENCES = [
    SEED_SENTENCE,
    "I don't think it's a bad film; it's great.",
    "The  plot   was  boring,  really.",
    "A café for the naïve: crème brûlée.",
    "The ending made me smile 😊 so much.",
    "The film was <mask> and the acting was great.",
    "Brilliant",
    "After a slow first hour, the story finds its rhythm, and the two lead actors share a warm chemistry that "
    "carries the film to a satisfying end. The music is gentle, the camera patient, and every scene earns its "
    "place, so that by the final shot you care about these people far more than you ever expected to.",
]
# Roles: French and German accents (gradient goldens), CJK of the Basic Multilingual Plane (astral-plane CJK is
# where transformers.js and the binding disagree) with full-width punctuation that NFKC folds, doubled spaces
# (collapsed by the normalizer), an emoji and a letter the vocabulary never saw (<unk>), a ligature NFKC
# unfolds and a literal `<mask>`, Cyrillic, and one longer than 64 tokens. No Greek: final sigma differs.
XLMR_SENTENCES = [
    "Le film était magnifique, mais la fin était trop longue.",
    "Der Film war großartig, aber die Musik war viel zu laut.",
    "这部电影很好看，但是结局太长了。",
    "The  film   was  great,  really.",
    "Un café très crème 😊 à Zürich.",
    "The ﬁlm was <mask> and the acting was great.",
    "Фильм был замечательный, но конец слишком длинный.",
    "La película fue maravillosa y los actores estuvieron increíbles, pero el final era tan malo que nadie me "
    "dijo nada; der Film war großartig, aber die Musik war viel zu laut, und die Geschichte leider nicht.",
]
# Roles: case kept (gradient goldens: "Paris" and "PARIS" are different pieces; accents kept, "Zürich" as
# Z ##ü ...), a contraction, plain English, an emoji ([UNK]), digits and punctuation, a literal `[MASK]`,
# German with a capital umlaut and a dash, a single word in pieces, and one longer than 64 tokens.
BERT_CASED_SENTENCES = [
    "Paris is not PARIS.",
    "Café in Zürich was wonderful!",
    "I didn't like the ending; it was slow and predictable.",
    "The actors were great, but the music was too loud.",
    "What a terrible movie 😊",
    "Tickets cost $12.50 each.",
    "The film was [MASK] and the acting was great.",
    "Über zwei Stunden Langeweile – schade um die schönen Bilder.",
    "Brilliant",
    "The director, a newcomer from Zürich, handled the crowd scenes with real confidence; the actors were great, "
    "but the music was too loud in most scenes. Nothing happens for an hour, then everything happens at once, "
    "and the ending was slow, predictable and far too long. Paris, ZÜRICH and Berlin deserved a better film.",
]


# Roles: German with a word in pieces (Schauspieler ##in) and French with accents and an elision (these two also
# get gradient goldens), Spanish's ¿ … ?, Cyrillic, Greek with its accents (cased: no lowercasing, so no final-sigma
# question), Arabic, Chinese (every ideograph its own token, full-width punctuation split off), Japanese (ideographs
# split, kana runs kept as words and pieced), Hindi (Devanagari vowel signs and nukta kept: strip_accents null
# follows lowercase, false), an emoji ([UNK]), a literal `[MASK]`, case kept, and one longer than 64 tokens. Then
# two pairs with their type ids (both with gradient goldens): a German premise with its English translation, and a
# Chinese text with a Russian one.
BERT_MULTILINGUAL_SENTENCES = [
    "Die Schauspielerin überzeugt, doch das Drehbuch enttäuscht.",
    "C'était magnifique : les acteurs étaient très émouvants.",
    "¿Por qué la película terminó tan pronto?",
    "Фильм был замечательный, но актёры играли слабо.",
    "Η ταινία ήταν υπέροχη, αλλά η μουσική πολύ δυνατή.",
    "كان الفيلم رائعا، لكن الموسيقى عالية جدا.",
    "这部电影的音乐太吵了，但是故事很精彩。",
    "この映画の音楽はうるさいが、物語は面白い。",
    "फ़िल्म की कहानी रोमांचक थी, लेकिन संगीत बहुत तेज़ था।",
    "Der Film war toll 😊",
    "Le film était [MASK] et la musique très belle.",
    "Paris ist nicht PARIS.",
    "Der Film war großartig, aber die Musik war viel zu laut; le film était magnifique, mais la fin était trop "
    "longue; 这部电影很好看，但是结局太长了。Фильм был замечательный, но конец слишком длинный. Η ταινία ήταν "
    "υπέροχη, αλλά το τέλος ήταν πολύ μεγάλο, y nadie me dijo que el final era tan malo.",
]
BERT_MULTILINGUAL_PAIRS = [
    ("Der Film war großartig, aber die Musik war viel zu laut.", "The film was great, but the music was too loud."),
    ("这部电影很好看，但是结局太长了。", "Фильм был ужасный."),
]


@dataclass
class TokenizedFixture:
    name: str
    architecture: str  # "roberta" (XLM-R too: the same modules), "bert", "mpnet", "albert" or "deberta"
    tokenizer: str  # folder under fixtures/tokenizers/
    sentences: List[str]
    make_model: Callable[[int], torch.nn.Module]  # from the tokenizer's vocabulary size
    # What the encodings must show: texts with <unk>, texts with the mask token, and pairs of texts that must
    # encode to the same ids (or to different ones).
    unk_in: List[str]
    mask_in: List[str]
    same_ids: List[tuple]
    different_ids: List[tuple]
    opset: int = 14  # optimum's default for the family
    # Asserts the family's graph structure and returns the op counts of its notable subgraph, for the report.
    check_graph: Optional[Callable[[onnx.ModelProto, int], Dict[str, Dict[str, int]]]] = None
    # Sentence pairs (text, text_pair), none of them truncated, after the sentences in the golden file (with their
    # type ids and sequence ids); the first GRADIENT_GOLDEN_SENTENCES also get gradient goldens, baselines keeping
    # every special (scripts/task_goldens.py, as the pair fixtures').
    pairs: List[tuple] = dataclasses.field(default_factory=list)

    @property
    def folder(self) -> Path:
        return REPO / "fixtures/models" / self.name

    @property
    def golden(self) -> Path:
        return REPO / "fixtures/golden" / f"{self.name}.json"


def _roberta_family(config_class, vocab_size: int, labels: Dict[int, str], seed: int):
    # 64 positions for tokens, as the other tiny models, + padding_idx + 1 (roberta-base: 514 = 512 + 2).
    config = config_class(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=64 + 1 + 1, id2label=labels,
    )
    return _random_model(RobertaForSequenceClassification, config, seed=seed, std=0.25)


def tiny_roberta_model(vocab_size: int = ROBERTA_VOCAB_SIZE) -> RobertaForSequenceClassification:
    assert vocab_size == ROBERTA_VOCAB_SIZE
    # Seed 34: the five sequences between them predict all three labels (the first two: positive, neutral).
    return _roberta_family(RobertaConfig, vocab_size, SENTIMENT_LABELS, seed=34)


def tiny_xlmr_model(vocab_size: int) -> RobertaForSequenceClassification:
    # As cardiffnlp/twitter-xlm-roberta-base-sentiment's labels. Seed 13: the sentences between them predict all
    # three labels (the first two: neutral, negative), and every IG convergence delta shrinks from 8 to 50 steps.
    return _roberta_family(XLMRobertaConfig, vocab_size, SENTIMENT_LABELS, seed=13)


def tiny_bert_cased_model(vocab_size: int) -> BertForSequenceClassification:
    # tiny-bert's shape, two labels. Seed 4: both labels among the sentences (the first two: NEGATIVE, POSITIVE),
    # and every IG convergence delta shrinks from 8 to 50 steps.
    config = BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        type_vocab_size=2, max_position_embeddings=64, id2label=SST2_LABELS,
    )
    return _random_model(BertForSequenceClassification, config, seed=4, std=0.25)


def tiny_bert_multilingual_model(vocab_size: int) -> BertForSequenceClassification:
    # bert-base-multilingual-cased's structure at tiny-bert's size, XNLI's three labels. Seed 1: the sentences and
    # pairs between them predict more than one label, and every IG convergence delta shrinks from 8 to 50 steps.
    config = BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        type_vocab_size=2, max_position_embeddings=64, id2label=NLI_LABELS,
    )
    return _random_model(BertForSequenceClassification, config, seed=1, std=0.25)


# Roles: the seed and a contraction (these two also get gradient goldens), accents stripped and case folded, a
# literal `<mask>` (the special token, taking the space before it), an emoji ([UNK], MPNet's unknown token, not
# the `<unk>` its vocabulary also holds), digits and punctuation, a literal `<s>` (matched as the special token)
# beside a literal `[CLS]` (an ordinary vocabulary entry in MPNet, split by the pre-tokenizer), a single word in
# pieces, and one longer than 64 tokens.
MPNET_SENTENCES = [
    SEED_SENTENCE,
    "I didn't like the ending; it was slow and predictable.",
    "Café CRÈME was unbelievably good.",
    "The film was <mask> and the acting was great.",
    "The ending made me smile 😊 so much.",
    "Tickets cost $12.50 each.",
    "[CLS] is not <s>.",
    "Brilliant",
    "The director, a newcomer from Zürich, handled the crowd scenes with real confidence; the actors were great, "
    "but the music was too loud in most scenes. Nothing happens for an hour, then everything happens at once, and "
    "the ending was slow, predictable and far too long. Paris, ZÜRICH and Berlin deserved a better film.",
]
# Roles: the seed and a contraction (gradient goldens), accents stripped (NFKD) and case folded, doubled and
# tripled spaces (collapsed by the normalizer), `` and '' (both become ", which the vocabulary lacks: <unk>), a
# literal `[MASK]` (lstrip), an emoji (<unk>), full-width letters NFKD folds to ASCII, a single word, and one
# longer than 64 tokens.
ALBERT_SENTENCES = [
    SEED_SENTENCE,
    "I didn't like the ending; it was slow and predictable.",
    "Café CRÈME was unbelievably good.",
    "The  plot   was  boring,  really.",
    "He said ``wonderful'' twice.",
    "The film was [MASK] and the acting was great.",
    "The ending made me smile 😊 so much.",
    "Ｆｕｌｌ width ＦＩＬＭ",
    "Brilliant",
    "The director, a newcomer from Zürich, handled the crowd scenes with real confidence; the actors were great, "
    "but the music was too loud in most scenes. Nothing happens for an hour, then everything happens at once.",
]


def tiny_mpnet_model(vocab_size: int) -> MPNetForSequenceClassification:
    # 64 positions for tokens + padding_idx + 1, as the RoBERTa family. Seed 1: the sentences between them predict
    # all three labels (the first two: positive, negative), and every IG convergence delta shrinks from 8 to 50 steps.
    config = MPNetConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=64 + 1 + 1, id2label=SENTIMENT_LABELS,
    )
    return _random_model(MPNetForSequenceClassification, config, seed=1, std=0.25)


def tiny_albert_model(vocab_size: int) -> AlbertForSequenceClassification:
    # Embeddings of 16 mapped to hidden 32, three layers that are one shared layer group. Seed 1: both labels among
    # the sentences (the first two: NEGATIVE, NEGATIVE), and every IG convergence delta shrinks from 8 to 50 steps.
    config = AlbertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=3, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=64, type_vocab_size=2, embedding_size=16, id2label=SST2_LABELS,
    )
    return _random_model(AlbertForSequenceClassification, config, seed=1, std=0.25)


# Roles: the seed and a contraction (gradient goldens), case and accents kept (NFKC leaves them), doubled spaces and
# spaces around the text (the normalizer collapses the runs and strips the ends), a literal `[MASK]` (a plain special:
# the space before it is stripped with its segment), an emoji ([UNK]), full-width letters NFKC folds to ASCII, a
# single word, and one longer than 64 tokens.
DEBERTA_SENTENCES = [
    SEED_SENTENCE,
    "I didn't like the ending; it was slow and predictable.",
    "Café crème in Zürich was unbelievably good.",
    "  The  plot   was  boring,  really.  ",
    "The film was [MASK] and the acting was great.",
    "The ending made me smile 😊 so much.",
    "Ｆｕｌｌ width ＦＩＬＭ",
    "Brilliant",
    "The director, a newcomer from Zürich, handled the crowd scenes with real confidence; the actors were great, "
    "but the music was too loud in most scenes. Nothing happens for an hour, then everything happens at once.",
]


def tiny_deberta_model(vocab_size: int) -> DebertaV2ForSequenceClassification:
    # DeBERTa-v3's structure at hidden 32: 16 position buckets (8 exact distances per side, log-spaced up to 63), so
    # the tiny model's sentences already share buckets between distances and the gathers repeat indices. Seed 1:
    # the sentences between them predict all three labels, and every IG convergence delta shrinks from 8 to 50 steps.
    config = DebertaV2Config(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=64, position_buckets=16, id2label=SENTIMENT_LABELS,
    )
    model = _random_model(DebertaV2ForSequenceClassification, config, seed=1, std=0.25)
    # The [PAD] row is drawn as every other row rather than zeroed (the padding row of a checkpoint is whatever its
    # training code left there): the pad baseline then differs from the zero baseline between the specials.
    with torch.no_grad():
        table = model.deberta.embeddings.word_embeddings.weight
        table[config.pad_token_id].normal_(0.0, 0.25, generator=torch.Generator().manual_seed(1))
    return model


def tiny_deberta_v2_model(vocab_size: int) -> DebertaV2ForSequenceClassification:
    # DeBERTa-v2 as microsoft/deberta-v2-xlarge(-mnli) (relative attention, c2p and p2c, shared attention key,
    # LayerNorm'd relative embeddings, 256 buckets over 512 positions, scaled here to 32 over 64), but with absolute
    # positions added to the input (position_biased_input, transformers' default) and two token types, as v2 exports
    # with token_type_ids have; deberta-v2-xlarge-mnli's labels. Its ConvLayer (conv_kernel_size 3) is left out.
    # Seed 5: the sentences between them predict all three labels, and every IG convergence delta shrinks from 8 to
    # 50 steps.
    config = DebertaV2Config(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=64, position_buckets=32, type_vocab_size=2, position_biased_input=True,
        id2label={0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"},
    )
    return _random_model(DebertaV2ForSequenceClassification, config, seed=5, std=0.25)


# NLI pairs for DeBERTa-v2's token types: the second text has type id 1.
DEBERTA_V2_PAIRS = [
    ("A man is playing a guitar on stage.", "A man is playing music."),
    ("The woman is not reading a book.", "A woman reads a book."),
]


def _upstream(graph, tensor: str, stop: Callable[[onnx.NodeProto], bool]) -> List[onnx.NodeProto]:
    """The nodes `tensor` is computed from, in graph order, not looking past nodes where `stop` holds."""
    producers = {output: node for node in graph.node for output in node.output}
    seen, stack = set(), [tensor]
    while stack:
        node = producers.get(stack.pop())
        if node is None or node.name in seen:
            continue
        seen.add(node.name)
        if not stop(node):
            stack.extend(node.input)
    return [n for n in graph.node if n.name in seen]


def _check_mpnet(model: onnx.ModelProto, n_layers: int) -> Dict[str, Dict[str, int]]:
    """optimum's MPNet interface, RoBERTa's position ids from input_ids, and the relative position bias: one
    bias-table Gather of buckets computed from the sequence length alone, its [1, heads, n, n] expansion added to
    every layer's scores."""
    graph = model.graph
    assert [i.name for i in graph.input] == ["input_ids", "attention_mask"], "optimum's MPNet inputs"
    positions = roberta_fixture.position_ids_ops(graph, prefix="mpnet")
    for op in ("Equal", "Not", "Cast", "CumSum", "Mul", "Add"):
        assert op in positions, f"position ids without {op}: {positions}"
    table = "mpnet.encoder.relative_attention_bias.weight"
    (gather,) = [n for n in graph.node if n.op_type == "Gather" and n.input[0] == table]
    buckets = _upstream(graph, gather.input[1], stop=lambda n: n.op_type == "Shape")
    bucket_ops = _op_counts(n for n in buckets if n.op_type != "Constant")
    for op in ("Shape", "Range", "Sub", "Neg", "Less", "Abs", "Log", "Div", "Min", "Where"):
        assert op in bucket_ops, f"the bucket subgraph has no {op}: {bucket_ops}"
    inputs = {name for n in buckets for name in n.input}
    assert not inputs & {i.name for i in graph.input}, "buckets depend on the ids, not only on their length"
    consumers = lambda name: [n for n in graph.node if name in n.input]  # noqa: E731
    bias, expansion = gather.output[0], []
    while len(consumers(bias)) == 1 and consumers(bias)[0].op_type != "Add":  # Transpose, Unsqueeze, Expand
        expansion.append(consumers(bias)[0])
        bias = expansion[-1].output[0]
    adds = consumers(bias)
    assert len(adds) == n_layers and all(n.op_type == "Add" for n in adds), "the bias is added in every layer"
    return {
        "position ids (input_ids -> position Gather)": _op_counts(
            n for n in _upstream(graph, next(
                n for n in graph.node if n.op_type == "Gather"
                and n.input[0] == "mpnet.embeddings.position_embeddings.weight").input[1], stop=lambda n: False)
            if n.op_type != "Constant"),
        "relative-position buckets (Shape -> bias-table Gather)": bucket_ops,
        "bias expansion (Gather -> Add in each layer)": _op_counts([gather, *expansion]),
    }


def _check_albert(model: onnx.ModelProto, n_layers: int) -> Dict[str, Dict[str, int]]:
    """One shared layer group: each of its weights is one initializer, read once per layer. Its biases and
    LayerNorm parameters are read directly; its Linear weights, which constant folding transposes once per
    application, torch deduplicates to the first copy behind one Identity node per further application."""
    graph = model.graph
    initializers = {t.name for t in graph.initializer}
    alias = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity" and n.input[0] in initializers}
    assert all(producer in initializers for producer in alias.values())
    reads = collections.Counter(
        alias.get(name, name) for n in graph.node if n.op_type != "Identity" for name in n.input
    )
    group = "/albert/encoder/albert_layer_groups.0/"
    shared = [name for name in initializers if name.startswith("albert.encoder.albert_layer_groups.0.")]
    folded = {  # transposed Linear weights for MatMul: onnx::MatMul_*
        alias.get(name, name) for n in graph.node if n.op_type == "MatMul" and n.name.startswith(group)
        for name in n.input if alias.get(name, name) in initializers
    }
    assert shared and folded, "no initializers of the shared layer group"
    for name in shared + sorted(folded):
        assert reads[name] == n_layers, f"{name} is read {reads[name]} times, not once per layer"
    assert not any(name.startswith("albert.encoder.albert_layer_groups.1.") for name in initializers)
    gelu = [n for n in graph.node if n.op_type == "Tanh" and n.name.startswith(group)]
    assert len(gelu) == n_layers, "gelu_new (tanh approximation) once per layer"

    def first_application(name: str) -> bool:  # torch names the scopes of a module's later calls `<scope>_<k>`
        return name.startswith(group) and not any(re.search(r"_\d+$", scope) for scope in name.split("/")[1:-1])

    return {
        "shared weights, one initializer each, read once per layer": {
            "initializers": len(shared) + len(folded), "Identity aliases of folded MatMul weights": len(alias),
            "reads each": n_layers,
        },
        "one layer (the group's first application)": _op_counts(
            n for n in graph.node if first_application(n.name) and n.op_type != "Constant"
        ),
    }


def _check_deberta(model: onnx.ModelProto, n_layers: int, absolute: bool = False) -> Dict[str, Dict[str, int]]:
    """optimum's DeBERTa-v2 interface (DeBERTa-v3: no token types), nothing added to the word embeddings before their
    LayerNorm (with `absolute`, DeBERTa-v2 with position_biased_input and token types: token_type_ids an input, the
    position and type embeddings added to them), the relative positions (Range, Sign, Abs, Log, Ceil from the
    sequence length alone), and per layer the c2p and p2c GatherElements of the relative scores and transformers'
    XSoftmax: Where(mask, -big) -> Softmax -> Where(mask, 0) -> Reshape to [batch·heads, n, n] -> MatMul with the
    values."""
    graph = model.graph
    inputs = ["input_ids", "attention_mask"] + (["token_type_ids"] if absolute else [])
    assert [i.name for i in graph.input] == inputs, "optimum's DeBERTa-v2 inputs"
    producer = {o: n for n in graph.node for o in n.output}
    consumers = lambda name: [n for n in graph.node if name in n.input]  # noqa: E731
    (lookup,) = [n for n in graph.node if n.op_type == "Gather" and n.input[1] == "input_ids"]
    tables = {t.name for t in graph.initializer if "position_embeddings" in t.name or "token_type" in t.name}
    if absolute:  # LayerNorm(word + position + type embeddings), as BERT's
        (add,) = consumers(lookup.output[0])
        assert add.op_type == "Add" and consumers(add.output[0])[0].op_type == "Add", "word + position + type"
        assert tables == {"deberta.embeddings.position_embeddings.weight",
                          "deberta.embeddings.token_type_embeddings.weight"}, tables
        assert any(n.op_type == "Gather" and n.input[1] == "token_type_ids" for n in graph.node)
    else:
        assert {n.op_type for n in consumers(lookup.output[0])} == {"ReduceMean", "Sub"}, "LayerNorm(word embeddings)"
        assert not tables
    (rng,) = [n for n in graph.node if n.op_type == "Range"]
    positions = [n for n in graph.node if n.op_type == "Cast" and n.attribute[0].i == onnx.TensorProto.INT64
                 and any(m.op_type == "Ceil" for m in _upstream(graph, n.output[0], stop=lambda m: False))]
    bucket_ops = _op_counts(n for n in _upstream(graph, positions[0].output[0], stop=lambda m: m.op_type == "Shape")
                            if n.op_type != "Constant")
    for op in ("Shape", "Range", "Sub", "Sign", "Abs", "Less", "Greater", "And", "Where", "Log", "Ceil", "LessOrEqual"):
        assert op in bucket_ops, f"the bucket subgraph has no {op}: {bucket_ops}"
    assert rng in _upstream(graph, positions[0].output[0], stop=lambda m: False)
    gathers = [n for n in graph.node if n.op_type == "GatherElements"]
    assert len(gathers) == 2 * n_layers, f"{len(gathers)} GatherElements for {n_layers} layers"
    assert sum(n.op_type == "Tile" for n in graph.node) == 2 * n_layers, "pos query and key repeated per layer"
    casts = collections.Counter(n.attribute[0].i for n in graph.node if n.op_type == "Cast")
    assert casts[onnx.TensorProto.UINT8] >= n_layers and casts[onnx.TensorProto.BOOL] >= 2 * n_layers
    constant = lambda name: numpy_helper.to_array(producer[name].attribute[0].t)  # noqa: E731
    for softmax in (n for n in graph.node if n.op_type == "Softmax"):
        before = producer[softmax.input[0]]
        assert before.op_type == "Where" and constant(before.input[1]) == np.finfo(np.float32).min, "Where(mask, -big)"
        (after,) = consumers(softmax.output[0])
        assert after.op_type == "Where" and after.input[2] == softmax.output[0], "Where(mask, 0, p)"
        assert constant(after.input[1]) == 0 and producer[after.input[0]].op_type == "Cast"
        (reshape,) = [n for n in consumers(after.output[0]) if n.op_type == "Reshape"]
        assert any(n.op_type == "MatMul" and n.input[0] == reshape.output[0] for n in consumers(reshape.output[0]))
    layer = "/deberta/encoder/layer.0/attention/self/"
    return {
        "relative positions (Shape -> bucketed positions)": bucket_ops,
        "disentangled attention of layer 0 (constant subgraphs included)": _op_counts(
            n for n in graph.node if n.name.startswith(layer) and n.op_type != "Constant"),
        "whole graph, notable": {op: c for op, c in _op_counts(graph.node).items() if op in (
            "Range", "Sign", "Abs", "Log", "Ceil", "Clip", "Min", "Max", "Less", "Greater", "LessOrEqual", "And",
            "Tile", "GatherElements", "Where", "Softmax")},
        "Cast targets": {onnx.TensorProto.DataType.Name(k): v for k, v in sorted(casts.items())},
    }


TOKENIZED_FIXTURES = {
    "tiny-roberta": TokenizedFixture(
        "tiny-roberta", "roberta", "roberta-bpe", ROBERTA_SENTENCES, tiny_roberta_model,
        unk_in=[], mask_in=[ROBERTA_SENTENCES[5]],
        same_ids=[], different_ids=[(ROBERTA_SENTENCES[2], "The plot was boring, really.")],
    ),
    "tiny-xlmr": TokenizedFixture(
        "tiny-xlmr", "roberta", "xlmr-unigram", XLMR_SENTENCES, tiny_xlmr_model,
        unk_in=[XLMR_SENTENCES[4]], mask_in=[XLMR_SENTENCES[5]],
        same_ids=[
            (XLMR_SENTENCES[3], "The film was great, really."),
            (XLMR_SENTENCES[5], "The film was <mask> and the acting was great."),
        ],
        different_ids=[],
    ),
    "tiny-bert-cased": TokenizedFixture(
        "tiny-bert-cased", "bert", "bert-cased-wordpiece", BERT_CASED_SENTENCES, tiny_bert_cased_model,
        unk_in=[BERT_CASED_SENTENCES[4]], mask_in=[BERT_CASED_SENTENCES[6]],
        same_ids=[], different_ids=[(BERT_CASED_SENTENCES[0], "paris is not paris.")],
    ),
    # bert-base-multilingual-cased's tokenizer and token types, with sentences in ten languages and two pairs.
    "tiny-bert-multilingual": TokenizedFixture(
        "tiny-bert-multilingual", "bert", "bert-multilingual-wordpiece", BERT_MULTILINGUAL_SENTENCES,
        tiny_bert_multilingual_model, unk_in=[BERT_MULTILINGUAL_SENTENCES[9]], mask_in=[BERT_MULTILINGUAL_SENTENCES[10]],
        same_ids=[], different_ids=[(BERT_MULTILINGUAL_SENTENCES[11], "paris ist nicht paris.")],
        pairs=BERT_MULTILINGUAL_PAIRS,
    ),
    # MPNet at opset 12 (optimum's default for it): relative position bias, RoBERTa's positions and head.
    "tiny-mpnet": TokenizedFixture(
        "tiny-mpnet", "mpnet", "mpnet-wordpiece", MPNET_SENTENCES, tiny_mpnet_model,
        unk_in=[MPNET_SENTENCES[4]], mask_in=[MPNET_SENTENCES[3]],
        same_ids=[(MPNET_SENTENCES[2], "cafe creme was unbelievably good.")],
        different_ids=[(MPNET_SENTENCES[3], "The film was <MASK> and the acting was great.")],
        opset=12, check_graph=_check_mpnet,
    ),
    # ALBERT: one layer group shared by its three layers, gelu_new, a pooler; the albert-unigram tokenizer.
    "tiny-albert": TokenizedFixture(
        "tiny-albert", "albert", "albert-unigram", ALBERT_SENTENCES, tiny_albert_model,
        unk_in=[ALBERT_SENTENCES[4], ALBERT_SENTENCES[6]], mask_in=[ALBERT_SENTENCES[5]],
        same_ids=[
            (ALBERT_SENTENCES[2], "cafe creme was unbelievably good."),
            (ALBERT_SENTENCES[3], "the plot was boring, really."),
            (ALBERT_SENTENCES[7], "full width film"),
        ],
        different_ids=[],
        check_graph=_check_albert,
    ),
    # DeBERTa-v3 at opset 12 (optimum's default for DeBERTa-v2): disentangled attention over log-bucketed relative
    # positions, XSoftmax, no absolute positions or token types, ContextPooler; the deberta-unigram tokenizer.
    "tiny-deberta": TokenizedFixture(
        "tiny-deberta", "deberta", "deberta-unigram", DEBERTA_SENTENCES, tiny_deberta_model,
        unk_in=[DEBERTA_SENTENCES[5]], mask_in=[DEBERTA_SENTENCES[4]],
        same_ids=[
            (DEBERTA_SENTENCES[3], "The plot was boring, really."),
            (DEBERTA_SENTENCES[6], "Full width FILM"),
        ],
        different_ids=[(DEBERTA_SENTENCES[2], "Cafe creme in Zurich was unbelievably good.")],
        opset=12, check_graph=_check_deberta,
    ),
    # DeBERTa-v2 with absolute positions and token types (token_type_ids an input), the same tokenizer, at opset 12:
    # the word embeddings are no longer alone before the embeddings LayerNorm, so no preset is degenerate for it.
    "tiny-deberta-v2": TokenizedFixture(
        "tiny-deberta-v2", "deberta", "deberta-unigram", DEBERTA_SENTENCES, tiny_deberta_v2_model,
        unk_in=[DEBERTA_SENTENCES[5]], mask_in=[DEBERTA_SENTENCES[4]],
        same_ids=[(DEBERTA_SENTENCES[3], "The plot was boring, really.")], different_ids=[],
        opset=12, check_graph=lambda model, n_layers: _check_deberta(model, n_layers, absolute=True),
        pairs=DEBERTA_V2_PAIRS,
    ),
}


@dataclass
class TokenizerFixture:
    folder: Path
    vocab_size: int
    special_ids: Dict[str, int]  # role (bos, cls, eos, mask, pad, sep, unk) -> id, from special_tokens_map.json


def read_tokenizer(folder: Path) -> TokenizerFixture:
    spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]
    ids = {piece: i for i, (piece, _) in enumerate(vocab)} if spec["model"]["type"] == "Unigram" else dict(vocab)
    ids.update({token["content"]: token["id"] for token in spec["added_tokens"]})
    size = max(ids.values()) + 1
    assert sorted(set(ids.values())) == list(range(size)), f"{folder}: ids are not 0…{size - 1}"
    roles = json.loads((folder / "special_tokens_map.json").read_text(encoding="utf-8"))
    special_ids = {
        role.removesuffix("_token"): ids[token if isinstance(token, str) else token["content"]]
        for role, token in sorted(roles.items())
    }
    return TokenizerFixture(folder, size, special_ids)


def encode_texts(folder: Path, texts: List[str], pairs: List[tuple] = ()) -> List[dict]:
    """The binding's untruncated encodings ({ids, tokens, type_ids, sequence_ids}; the tokens as Python's
    encoding.tokens()) of the texts, then of the pairs."""
    tsx = REPO / "node_modules/.bin/tsx"
    command = [str(tsx)] if tsx.exists() else ["npx", "tsx"]
    request = {"dir": str(folder), "texts": texts}
    if pairs:
        request["pairs"] = [list(pair) for pair in pairs]
    result = subprocess.run(command + [str(ENCODE_SCRIPT)], input=json.dumps(request), capture_output=True,
                            text=True, cwd=REPO)
    if result.returncode != 0:
        raise SystemExit(f"{ENCODE_SCRIPT.name} failed (npm ci done?):\n{result.stderr}")
    records = json.loads(result.stdout)
    assert len(records) == len(texts) + len(pairs)
    for text, record in zip(list(texts) + list(pairs), records):
        assert record["transformers_js_ids"] == record["ids"], (
            f"{folder.name}: transformers.js and the tokenizers binding disagree on {text!r}: "
            f"{record['transformers_js_ids']} vs {record['ids']}; choose another golden sentence"
        )
    return records


def truncate_encoding(record: dict, max_length: int, final_id: int) -> dict:
    """As the engine truncates: the first max_length - 1 tokens and the final special token."""
    assert record["ids"][-1] == final_id, f"encoding does not end in id {final_id}: {record['ids']}"
    truncated = len(record["ids"]) > max_length
    cut = (lambda xs: xs[: max_length - 1] + xs[-1:]) if truncated else (lambda xs: xs)
    return {"ids": cut(record["ids"]), "tokens": cut(record["tokens"]), "type_ids": cut(record["type_ids"]),
            "truncated": truncated}


def check_text_roles(fixture: TokenizedFixture, golden: dict, special: Dict[str, int], extra: Dict[str, list]):
    """The sentences do what their roles say (see the sentence lists); the pairs after them are not truncated, each of
    their texts ends in the separator and the second has type id 1 where the model takes type ids."""
    sentences = [s for s in golden["sentences"] if "text_pair" not in s]
    for p in golden["sentences"][len(sentences):]:
        assert not p["truncated"] and p["ids"][0] == special["cls"] and p["ids"][-1] == special["sep"]
        second = p["sequence_ids"].index(1)
        assert p["ids"][second - 1] == special["sep"] and p["ids"].count(special["sep"]) == 2, p["tokens"]
        if "token_type_ids" in p:
            assert p["token_type_ids"] == [0] * second + [1] * (len(p["ids"]) - second), p["token_type_ids"]
    first = special["bos"] if fixture.architecture == "roberta" else special["cls"]
    last = special["eos"] if fixture.architecture == "roberta" else special["sep"]
    for s in sentences:
        assert s["ids"][0] == first and s["ids"][-1] == last, f"{s['text']!r}: {s['ids']}"
        assert len(s["ids"]) <= golden["max_length"]
        assert s["truncated"] == (s is sentences[-1]), f"only the last sentence may be truncated: {s['text']!r}"
        assert (special["unk"] in s["ids"]) == (s["text"] in fixture.unk_in), f"<unk> in {s['text']!r}?"
        assert (special["mask"] in s["ids"]) == (s["text"] in fixture.mask_in), f"mask in {s['text']!r}?"
    by_text = {s["text"]: s["ids"] for s in sentences}
    for a, b in fixture.same_ids:
        assert by_text[a] == extra[b], f"{a!r} and {b!r} should encode alike"
    for a, b in fixture.different_ids:
        assert by_text[a] != extra[b], f"{a!r} and {b!r} should encode differently"
    assert len({int(np.argmax(s["logits"])) for s in sentences}) > 1, "every sentence predicts the same label"


class _BertCalls(torch.nn.Module):
    """A model whose forward takes BERT's first arguments (input_ids, attention_mask, token_type_ids, and
    inputs_embeds by name), seen as BERT by scripts/task_goldens.py, which runs a pair with its type ids that way and
    finds the word embeddings at `model.bert`: DeBERTa-v2 with token types."""

    def __init__(self, model: torch.nn.Module, architecture: str):
        super().__init__()
        self.inner, self.config, self.architecture = model, model.config, architecture

    @property
    def bert(self):
        return getattr(self.inner, self.architecture)

    def forward(self, *args, **kwargs):
        return self.inner(*args, **kwargs)


def _with_bert_calls(model: torch.nn.Module, architecture: str) -> torch.nn.Module:
    assert architecture in ("bert", "deberta") and takes_token_types(model, architecture)
    return model if architecture == "bert" else _BertCalls(model, architecture).eval()


def build_tokenized(fixture: TokenizedFixture, gradients_only: bool = False) -> None:
    tokenizer = read_tokenizer(TOKENIZER_FIXTURES / fixture.tokenizer)
    special = tokenizer.special_ids
    model = fixture.make_model(tokenizer.vocab_size)
    config = model.config
    assert config.vocab_size == tokenizer.vocab_size and config.pad_token_id == special["pad"]
    roberta = fixture.architecture in POSITIONS_FROM_IDS  # also MPNet: <s> … </s>, positions after padding_idx
    if roberta:
        assert [config.bos_token_id, config.eos_token_id] == [special["bos"], special["eos"]]
    max_length = config.max_position_embeddings - (config.pad_token_id + 1 if roberta else 0)
    labels = [config.id2label[i] for i in range(config.num_labels)]
    extra_texts = sorted({b for _, b in fixture.same_ids + fixture.different_ids})
    texts = fixture.sentences + extra_texts
    records = encode_texts(tokenizer.folder, texts, fixture.pairs)
    final_id = special["eos"] if roberta else special["sep"]
    encodings = [truncate_encoding(r, max_length, final_id) for r in records[: len(fixture.sentences)]]
    extra = {text: r["ids"] for text, r in zip(extra_texts, records[len(fixture.sentences):len(texts)])}
    pair_encodings = records[len(texts):]
    assert all(len(r["ids"]) <= max_length for r in pair_encodings), "a golden pair must not be truncated"
    is_roberta_fixture = fixture.name == "tiny-roberta"
    if is_roberta_fixture:
        assert {k: special[k] for k in roberta_fixture.SPECIAL_IDS} == roberta_fixture.SPECIAL_IDS

    # Gradient goldens for the first sentences (tiny-roberta's id sequences first, as before).
    n = GRADIENT_GOLDEN_SENTENCES
    gradients = gradient_golden_ids(
        fixture.name, model, fixture.architecture, [e["ids"] for e in encodings[:n]], special["pad"],
        special["mask"], texts=fixture.sentences[:n],
    )
    if is_roberta_fixture:
        sequences = gradient_golden_ids(
            fixture.name, model, "roberta", roberta_fixture.GRADIENT_SEQUENCES, special["pad"], special["mask"]
        )
        gradients["sentences"] = sequences["sentences"] + gradients["sentences"]
    for (a, b), r in zip(fixture.pairs[:n], pair_encodings):
        logits, _ = _forward(model, fixture.architecture, [r["ids"]], [[1] * len(r["ids"])], [r["type_ids"]])
        gradients["sentences"] += task_goldens.gradient_records(
            _with_bert_calls(model, fixture.architecture), "bert", "single_label_classification", r["ids"],
            r["sequence_ids"], special["pad"], special["mask"], [int(logits[0].argmax())], labels, r["type_ids"],
            text=a, text_pair=b,
        )
    check_ig_convergence(fixture.name, gradients)
    gradients_path = fixture.golden.with_name(f"{fixture.name}.gradients.json")
    _write_json(gradients_path, gradients, pretty_depth=3)
    if gradients_only:
        return

    folder = fixture.folder
    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / "config.json", config.to_hf_dict())
    for path in sorted(tokenizer.folder.iterdir()):
        shutil.copyfile(path, folder / path.name)
    onnx_path = folder / "onnx/model.onnx"
    export_onnx(model, fixture.architecture, onnx_path, opset=fixture.opset)

    if is_roberta_fixture:  # its goldens on id sequences stay as they were, the sentences come after them
        golden = roberta_fixture.graph_golden(fixture.name, model)
        assert golden["max_length"] == max_length
    else:
        golden = {
            "model": fixture.name,
            "torch_version": torch.__version__,
            "max_length": max_length,
            "labels": labels,
            "special_ids": special,
        }
    golden["sentences"] = [
        golden_entry(model, fixture.architecture, text, e["tokens"], e["ids"], e["type_ids"], e["truncated"])
        for text, e in zip(fixture.sentences, encodings)
    ] + [
        golden_entry(model, fixture.architecture, a, r["tokens"], r["ids"], r["type_ids"], False, text_pair=b,
                     sequence_ids=r["sequence_ids"])
        for (a, b), r in zip(fixture.pairs, pair_encodings)
    ]
    _write_json(fixture.golden, golden, pretty_depth=3)

    check_text_roles(fixture, golden, special, extra)
    check_torch_paths(model, fixture.architecture, golden, special["pad"])
    position_ops = None
    if is_roberta_fixture:
        roberta_fixture.check_torch(model, golden)
        _, sequences_worst, position_ops = roberta_fixture.check_onnx(onnx_path, golden)
    ops, worst = check_onnx(onnx_path, fixture.architecture, config.num_hidden_layers, golden, special["pad"])
    exported = onnx.load(str(onnx_path))
    (opset,) = [o.version for o in exported.opset_import if o.domain in ("", "ai.onnx")]
    assert opset == fixture.opset
    notable = fixture.check_graph(exported, config.num_hidden_layers) if fixture.check_graph else None

    print(f"\n== {fixture.name}: {folder}" + ("" if opset == 14 else f" (opset {opset})"))
    for path in sorted({p for p in folder.rglob("*") if p.is_file()} | {fixture.golden, gradients_path}):
        print(f"  {path.stat().st_size:>11,d}  {path}")
    print("  ops: " + ", ".join(f"{op} {count}" for op, count in sorted(ops.items())))
    for part, counts in (notable or {}).items():
        print(f"  {part}: " + ", ".join(f"{op} {count}" for op, count in counts.items()))
    if position_ops is not None:
        print("  position ids: input_ids -> " + " -> ".join(position_ops) + " -> Gather(position_embeddings)")
        print(f"  id sequences: max |logit(ONNX, numpy) - logit(PyTorch)| = {sequences_worst:.2e}")
        for s in golden["sequences"]:
            probs = "/".join(f"{p:.4f}" for p in s["probabilities"])
            print(f"  {probs}  n={len(s['ids']):<3d} {s['ids']}")
    print(f"  sentences: max |logit(ONNX, numpy) - logit(PyTorch)| = {worst:.2e}")
    for s in golden["sentences"]:
        probs = "/".join(f"{p:.4f}" for p in s["probabilities"])
        print(f"  {probs}  n={len(s['ids']):<3d}{' truncated' if s['truncated'] else ''}  {s['text'][:60]}")


# ------------------------------------------------------------------------------------------ exporter variants
# The same PyTorch model (same weights, same tokenizer files, same config.json) exported another way, so the
# base model's golden files apply unchanged: tiny-bert and tiny-distilbert at opset 17 (LayerNorm as one
# LayerNormalization node), both with their attention in torch 2.x's scaled-dot-product form (Sqrt scale on Q and
# Kᵀ, additive float mask, the Where(IsNaN) guard), tiny-distilbert at opset 12 (Unsqueeze and ReduceMean with
# attribute axes, Softmax-11). No golden files of their own: each is checked against the base model's committed
# goldens (PyTorch of the variant and a numpy run of its graph).


@dataclass
class ExportVariant:
    name: str
    base: str  # a key of _targets
    opset: int
    attn_implementation: str  # "eager" or "sdpa" (scripts/modeling.py set_attn_implementation)
    check_graph: Callable[[onnx.ModelProto, int], Dict[str, int]]  # asserts its form; notable op counts

    @property
    def folder(self) -> Path:
        return REPO / "fixtures/models" / self.name


def _op_counts(nodes) -> Dict[str, int]:
    return dict(sorted(collections.Counter(n.op_type for n in nodes).items()))


def _check_layer_normalization(model: onnx.ModelProto, n_layers: int) -> Dict[str, int]:
    nodes = model.graph.node
    norms = [n for n in nodes if n.op_type == "LayerNormalization"]
    assert len(norms) == 2 * n_layers + 1, f"{len(norms)} LayerNormalization nodes"
    assert not any(n.op_type in ("ReduceMean", "Pow") for n in nodes), "a LayerNorm left decomposed"
    return {"LayerNormalization": len(norms)}


def _check_sdpa(model: onnx.ModelProto, n_layers: int, first_layer: str = "/bert/layer.0/attention/self/"):
    nodes = model.graph.node
    producer = {o: n for n in nodes for o in n.output}
    softmaxes = [n for n in nodes if n.op_type == "Softmax"]
    for softmax in softmaxes:
        (where,) = [n for n in nodes if n.op_type == "Where" and softmax.output[0] in n.input]
        assert producer[where.input[0]].op_type == "IsNaN" and where.input[2] == softmax.output[0]
        scores = producer[softmax.input[0]]
        assert scores.op_type == "Add", "Softmax(MatMul(Q·√s, Kᵀ·√s) + mask)"
        product = producer[scores.input[0]]
        assert product.op_type == "MatMul"
        for side in product.input:
            mul = producer[side]
            assert mul.op_type == "Mul" and producer[mul.input[1]].op_type == "Sqrt", "Q and Kᵀ scaled by Sqrt"
    assert sum(n.op_type == "IsNaN" for n in nodes) == n_layers
    # The first layer's attention (query/key/value projections and reshapes included), for the report.
    return _op_counts(n for n in nodes if n.name.startswith(first_layer))


def _check_distilbert_sdpa(model: onnx.ModelProto, n_layers: int) -> Dict[str, int]:
    """As BERT's; DistilBERT's float mask is the same (_prepare_4d_attention_mask_for_sdpa), and no Where of the
    eager masked_fill is left before a Softmax."""
    producer = {o: n for n in model.graph.node for o in n.output}
    for softmax in (n for n in model.graph.node if n.op_type == "Softmax"):
        assert producer[softmax.input[0]].op_type == "Add", "no masked_fill before the Softmax"
    # The first layer's attention: the projections, heads' reshapes, SDPA's nodes and out_lin.
    return _check_sdpa(model, n_layers, first_layer="/distilbert/layer.0/attention/")


def _check_opset12(model: onnx.ModelProto, n_layers: int) -> Dict[str, int]:
    nodes = model.graph.node
    unsqueezes = [n for n in nodes if n.op_type == "Unsqueeze"]
    assert unsqueezes and all(len(n.input) == 1 and n.attribute[0].name == "axes" for n in unsqueezes)
    return {"Unsqueeze (axes attribute)": len(unsqueezes), "Softmax-11": sum(n.op_type == "Softmax" for n in nodes)}


EXPORT_VARIANTS = {
    "tiny-bert-opset17": ExportVariant("tiny-bert-opset17", "tiny-bert", 17, "eager", _check_layer_normalization),
    "tiny-bert-sdpa": ExportVariant("tiny-bert-sdpa", "tiny-bert", 14, "sdpa", _check_sdpa),
    "tiny-distilbert-opset12": ExportVariant("tiny-distilbert-opset12", "tiny-distilbert", 12, "eager", _check_opset12),
    "tiny-distilbert-opset17": ExportVariant(
        "tiny-distilbert-opset17", "tiny-distilbert", 17, "eager", _check_layer_normalization
    ),
    "tiny-distilbert-sdpa": ExportVariant("tiny-distilbert-sdpa", "tiny-distilbert", 14, "sdpa", _check_distilbert_sdpa),
}


def build_variant(variant: ExportVariant, targets: dict) -> None:
    base = targets[variant.base]
    vocab = base.make_vocab()
    model = base.make_model(vocab)
    set_attn_implementation(model, variant.attn_implementation)
    config = model.config
    max_length = config.max_position_embeddings
    n_layers = getattr(config, "num_hidden_layers", None) or config.n_layers
    target = dataclasses.replace(base, name=variant.name, folder=variant.folder)
    target.folder.mkdir(parents=True, exist_ok=True)
    _write_json(target.folder / "config.json", config.to_hf_dict())
    write_tokenizer_files(target, vocab, max_length)
    onnx_path = target.folder / "onnx/model.onnx"
    export_onnx(model, base.architecture, onnx_path, opset=variant.opset)

    golden = json.loads(base.golden.read_text(encoding="utf-8"))
    torch_worst = 0.0
    for s in golden["sentences"]:  # this variant's PyTorch arithmetic against the base goldens
        logits, attentions = _forward(model, base.architecture, [s["ids"]], [[1] * len(s["ids"])])
        torch_worst = max(torch_worst, float(np.max(np.abs(logits[0].numpy() - s["logits"]))))
        for layer, expected in zip(attentions, s["attentions"]):
            torch_worst = max(torch_worst, float(np.max(np.abs(layer[0].numpy() - np.asarray(expected)))))
    assert torch_worst <= 1e-5, f"{variant.name}: PyTorch differs from {base.golden.name} by {torch_worst:.2e}"
    check_torch_paths(model, base.architecture, golden)
    ops, worst = check_onnx(onnx_path, base.architecture, n_layers, golden)
    exported = onnx.load(str(onnx_path))
    (opset,) = [o.version for o in exported.opset_import if o.domain in ("", "ai.onnx")]
    assert opset == variant.opset
    notable = variant.check_graph(exported, n_layers)

    print(f"\n== {variant.name}: {target.folder} (opset {opset}; goldens: {base.golden.name})")
    for path in sorted(p for p in target.folder.rglob("*") if p.is_file()):
        print(f"  {path.stat().st_size:>11,d}  {path}")
    print("  ops: " + ", ".join(f"{op} {count}" for op, count in sorted(ops.items())))
    print("  notable: " + ", ".join(f"{op} {count}" for op, count in notable.items()))
    print(f"  max |PyTorch ({variant.attn_implementation}) - {base.golden.name}| = {torch_worst:.2e} "
          "(logits and attention maps)")
    print(f"  max |logit(ONNX, numpy) - {base.golden.name}| = {worst:.2e}")


def write_gradient_golden(target: Target, model, tokenizer: WordPieceTokenizer, max_length: int) -> None:
    """<model>.gradients.json beside the golden file: PyTorch autograd values for the gradient explainers."""
    golden = gradient_golden(target.name, model, target.architecture, tokenizer, SENTENCES, max_length)
    if target.name != "demo-sst2":  # a trained model's IG need not converge monotonically (its ReLU head has kinks
        check_ig_convergence(target.name, golden)  # along the path); the golden test follows PyTorch's either way
    _write_json(target.golden.with_name(f"{target.name}.gradients.json"), golden, pretty_depth=3)


def gradients_only(target: Target) -> None:
    """Rebuilds the (deterministic) PyTorch model and writes only its gradient goldens, exporting nothing."""
    vocab = target.make_vocab()
    model = target.make_model(vocab)
    write_gradient_golden(target, model, WordPieceTokenizer(vocab), model.config.max_position_embeddings)


def report(target: Target, golden: dict, ops: collections.Counter, worst: float) -> None:
    print(f"\n== {target.name}: {target.folder}" + ("" if target.opset == 14 else f" (opset {target.opset})"))
    for path in sorted({p for p in target.folder.rglob("*") if p.is_file()} | {target.golden}):
        print(f"  {path.stat().st_size:>11,d}  {path}")
    print("  ops: " + ", ".join(f"{op} {count}" for op, count in sorted(ops.items())))
    print(f"  max |logit(ONNX, numpy) - logit(PyTorch)| = {worst:.2e}")
    for s in golden["sentences"]:
        probs = "/".join(f"{p:.4f}" for p in s["probabilities"])
        print(f"  {probs}  n={len(s['ids']):<3d}{' truncated' if s['truncated'] else ''}  {s['text'][:60]}")
    if "checks" in golden:
        for record in golden["checks"]["sentences"]:
            print(f"  check {record['requirement']:<28} {record['probabilities']}  {record['text']}")
        natural = golden["checks"]["natural"]
        print(f"  natural sentences: {natural['correct']}/{natural['sentences']} right ({natural['file']})")
        occlusion = golden["checks"]["occlusion"]
        pairs = zip(occlusion["words"], occlusion["probability_drop_without_word"])
        drops = ", ".join(f"{w} {d:+.3f}" for w, d in pairs)
        print(f"  occlusion P(NEGATIVE) drop: {drops}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = ["demo", "tiny-distilbert", "tiny-bert", *TOKENIZED_FIXTURES, *EXPORT_VARIANTS, "tiny-electra",
             "tiny-minilm", "full"]
    parser.add_argument("targets", nargs="*", metavar="{" + ",".join(names) + "}")
    parser.add_argument("--out", type=Path, default=DEFAULT_FULL_OUT, help="folder of the full model")
    parser.add_argument("--tokenizer-dir", type=Path, default=DEFAULT_TOKENIZER_DIR,
                        help="tokenizer files of distilbert-base-uncased(-finetuned-sst-2-english), for full")
    parser.add_argument("--gradients-only", action="store_true",
                        help="only (re)write the gradient golden files, without exporting the models")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # same reduction order on every run
    targets = _targets(args.out.resolve(), args.tokenizer_dir)
    unknown = sorted(set(args.targets) - set(names))
    if unknown:
        parser.error(f"unknown target(s) {unknown}; choose from {names}")
    for name in args.targets or names[:-1]:
        if name in TOKENIZED_FIXTURES:  # a tokenizer fixture of fixtures/tokenizers/ copied in
            build_tokenized(TOKENIZED_FIXTURES[name], args.gradients_only)
        elif name in EXPORT_VARIANTS:  # no golden files of their own
            if not args.gradients_only:
                build_variant(EXPORT_VARIANTS[name], targets)
        else:
            (gradients_only if args.gradients_only else build)(targets[name])
    import task_fixtures  # classifier heads, sentence pairs, zero-shot: scripts/task_fixtures.py
    task_fixtures.main(args.targets, args.gradients_only)


if __name__ == "__main__":
    main()
