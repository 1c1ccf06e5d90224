"""Graph-level goldens and export checks of the tiny RoBERTa fixture, on fixed id sequences.

Its tokenizer (GPT-2's byte-level BPE laid out as RoBERTa's: `<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3, GPT-2
token i at i + 4, `<mask>` 50264) is made with the tokenizer fixtures (npm run tokenizers:make) and copied in;
its text goldens are export_models.py's, beside these. These goldens take ids, not text: single sequences,
and one batch with right- and left-padding (`<pad>` ids with attention mask 0), where RoBERTa's position ids,
computed from the ids, decide the result: `<pad>` gets position 1 (a zero row), real tokens count from 2
wherever they start. So a padded row's real tokens attend exactly as in the unpadded sequence, left-padded
too; a left-padded row's logits still differ, since the head reads index 0 (`<pad>` there, not `<s>`), as in
transformers.
"""

import collections
from typing import Dict, List, Tuple

import numpy as np
import onnx
import torch

import onnx_numpy
from modeling import create_position_ids_from_input_ids

BOS, PAD, EOS, UNK, MASK = 0, 1, 2, 3, 50264
SPECIAL_IDS = {"bos": BOS, "pad": PAD, "eos": EOS, "unk": UNK, "mask": MASK}

# Lengths 5 to 12. The first two (single segments) also get gradient goldens. Roles: plain ids, the first and
# last GPT-2 tokens (4, 50263) and `<unk>`, the shortest, a pair as RoBERTa joins one (`</s></s>`, no token
# types) with `<mask>` inside, and one to pad.
SEQUENCES = [
    [BOS, 1000 + 4, 7, 88, 4, 15, 4001, 12, EOS],
    [BOS, 50263, 31, UNK, 1004, 640, 77, 19, 9, 260, 5, EOS],
    [BOS, 1000 + 4, 7, 13, EOS],
    [BOS, 1004, 7, 13, EOS, EOS, 250, MASK, 16, 9, EOS],
    [BOS, 42, 8, 1004, 2000, 6, EOS],
]
GRADIENT_SEQUENCES = SEQUENCES[:2]
# (index into SEQUENCES, where its `<pad>` ids go) for the padded batch, padded to the longest.
PADDED_BATCH = [(1, "none"), (4, "right"), (2, "left")]

TOLERANCE = 1e-5  # logits and attention maps, PyTorch paths and the ONNX graph against the goldens


def _forward(model, ids: List[List[int]], mask: List[List[int]]):
    with torch.no_grad():
        return model(torch.tensor(ids), torch.tensor(mask), output_attentions=True)


def padded_batch_rows() -> Tuple[List[List[int]], List[List[int]]]:
    width = max(len(SEQUENCES[i]) for i, _ in PADDED_BATCH)
    ids, mask = [], []
    for index, side in PADDED_BATCH:
        row = SEQUENCES[index]
        pad = width - len(row)
        assert (pad == 0) == (side == "none")
        ids.append(row + [PAD] * pad if side == "right" else [PAD] * pad + row)
        mask.append([1] * len(row) + [0] * pad if side == "right" else [0] * pad + [1] * len(row))
    return ids, mask


def graph_golden(name: str, model) -> Dict:
    config = model.config
    labels = [config.id2label[i] for i in range(config.num_labels)]
    sequences = []
    for ids in SEQUENCES:
        logits, attentions = _forward(model, [ids], [[1] * len(ids)])
        sequences.append({
            "ids": ids,
            "attention_mask": [1] * len(ids),
            "position_ids": create_position_ids_from_input_ids(torch.tensor([ids]), PAD)[0].tolist(),
            "logits": logits[0].tolist(),
            "probabilities": torch.softmax(logits[0], dim=-1).tolist(),
            "attentions": [layer[0].tolist() for layer in attentions],
        })
    ids, mask = padded_batch_rows()
    logits, attentions = _forward(model, ids, mask)
    batch = {
        "sequences": [index for index, _ in PADDED_BATCH],
        "padding": [side for _, side in PADDED_BATCH],
        "ids": ids,
        "attention_mask": mask,
        "position_ids": create_position_ids_from_input_ids(torch.tensor(ids), PAD).tolist(),
        "logits": logits.tolist(),
        "probabilities": torch.softmax(logits, dim=-1).tolist(),
        # Per row, per layer: [heads, seq, seq], padded query rows included.
        "attentions": [[layer[row].tolist() for layer in attentions] for row in range(len(ids))],
    }
    return {
        "model": name,
        "torch_version": torch.__version__,
        "max_length": config.max_position_embeddings - config.pad_token_id - 1,
        "labels": labels,
        "special_ids": SPECIAL_IDS,
        "sequences": sequences,
        "padded_batch": batch,
    }


def _max_difference(actual, expected) -> float:
    return float(np.max(np.abs(np.asarray(actual, dtype=np.float64) - np.asarray(expected, dtype=np.float64))))


def check_torch(model, golden: Dict) -> None:
    """Other PyTorch paths agree with the goldens: padding (either side) changes no real token's attention
    and right padding no logit, sequential
    positions from inputs_embeds equal the id-derived ones of an unpadded sequence, and the golden's way of
    differentiating w.r.t. word embeddings (given position_ids) is captum's (a hook on the embedding layer)."""
    sequences, batch = golden["sequences"], golden["padded_batch"]
    for row, (index, side) in enumerate(PADDED_BATCH):
        expected = sequences[index]
        if side != "left":
            assert _max_difference(batch["logits"][row], expected["logits"]) <= TOLERANCE, f"{side}-padded logits"
        n = len(expected["ids"])
        real = slice(0, n) if side != "left" else slice(len(batch["ids"][row]) - n, None)
        expected_positions = expected["position_ids"]
        assert batch["position_ids"][row][real] == expected_positions, f"{side}-padded position ids"
        assert all(p == PAD for i, p in enumerate(batch["position_ids"][row]) if batch["attention_mask"][row][i] == 0)
        for layer, maps in enumerate(batch["attentions"][row]):
            real_maps = np.asarray(maps)[:, real, real]
            assert _max_difference(real_maps, expected["attentions"][layer]) <= TOLERANCE, f"{side}-padded maps"

    word_embeddings = model.roberta.embeddings.word_embeddings
    for s in sequences:
        ids = torch.tensor([s["ids"]])
        with torch.no_grad():
            logits = model(inputs_embeds=word_embeddings(ids), attention_mask=torch.ones_like(ids))
        assert _max_difference(logits[0], s["logits"]) <= TOLERANCE, "inputs_embeds path disagrees"

    for ids in GRADIENT_SEQUENCES:
        ids_t = torch.tensor([ids])
        with torch.no_grad():
            x = word_embeddings(ids_t)
            baseline = word_embeddings(torch.tensor([[ids[0]] + [PAD] * (len(ids) - 2) + [ids[-1]]]))
        point = baseline + 0.5 * (x - baseline)  # a point on the IG path, where the two could differ
        hook = word_embeddings.register_forward_hook(lambda module, inputs, output: point)
        try:
            with torch.no_grad():
                hooked = model(ids_t, torch.ones_like(ids_t))
        finally:
            hook.remove()
        positions = create_position_ids_from_input_ids(ids_t, PAD)
        with torch.no_grad():
            given = model(None, torch.ones_like(ids_t), None, positions, inputs_embeds=point)
        assert _max_difference(given, hooked) == 0.0, "position_ids path differs from captum's hook"


def position_ids_ops(graph, prefix: str = "roberta") -> List[str]:
    """Op types between input_ids and the position-embedding Gather, in graph order (MPNet: prefix "mpnet")."""
    producers = {output: node for node in graph.node for output in node.output}
    gather = next(
        n for n in graph.node
        if n.op_type == "Gather" and n.input[0] == f"{prefix}.embeddings.position_embeddings.weight"
    )
    seen, stack, reached = set(), [gather.input[1]], set()
    while stack:
        name = stack.pop()
        node = producers.get(name)
        if node is None:
            reached.add(name)
            continue
        if node.name in seen:
            continue
        seen.add(node.name)
        stack.extend(node.input)
    inputs = {i.name for i in graph.input}
    assert reached & inputs == {"input_ids"}, f"position ids computed from {reached & inputs}"
    return [n.op_type for n in graph.node if n.name in seen and n.op_type != "Constant"]


def check_onnx_interface(model, n_layers: int = 2) -> List[str]:
    """A RoBERTa-family graph as optimum exports it: its inputs and output, opset, the embedding initializers,
    RoBERTa's position ids computed from input_ids, one Softmax per layer. Returns the position-id ops."""
    graph = model.graph
    assert [i.name for i in graph.input] == ["input_ids", "attention_mask"], "optimum's inputs, no token types"
    assert [o.name for o in graph.output] == ["logits"]
    assert model.opset_import[0].version == 14
    initializers = {t.name for t in graph.initializer}
    for name in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
        assert f"roberta.embeddings.{name}.weight" in initializers, f"no {name} initializer"
    assert any(
        n.op_type == "Gather" and n.input == ["roberta.embeddings.word_embeddings.weight", "input_ids"]
        for n in graph.node
    ), "no Gather(word embeddings, input_ids)"
    ops = position_ids_ops(graph)
    for op in ("Equal", "Not", "Cast", "CumSum", "Mul", "Add"):
        assert op in ops, f"position ids without {op}: {ops}"
    assert sum(n.op_type == "Softmax" for n in graph.node) == n_layers
    return ops


def check_onnx(path, golden: Dict) -> Tuple[collections.Counter, float, List[str]]:
    """The exported graph: optimum's interface and RoBERTa's position ids from input_ids; run by the numpy
    interpreter on every sequence and on the padded batch. Returns op counts, max |Δlogit|, position-id ops."""
    onnx.checker.check_model(str(path))
    model = onnx.load(str(path))
    ops = check_onnx_interface(model)

    worst = 0.0
    for s in golden["sequences"]:
        feeds = {"input_ids": np.array([s["ids"]]), "attention_mask": np.array([s["attention_mask"]])}
        (logits,) = onnx_numpy.run(model, feeds)
        worst = max(worst, _max_difference(logits[0], s["logits"]))
    batch = golden["padded_batch"]
    (logits,) = onnx_numpy.run(
        model, {"input_ids": np.array(batch["ids"]), "attention_mask": np.array(batch["attention_mask"])}
    )
    worst = max(worst, _max_difference(logits, batch["logits"]))
    assert worst <= TOLERANCE, f"ONNX graph (numpy) differs from PyTorch by {worst}"
    return collections.Counter(n.op_type for n in model.graph.node), worst, ops
