"""Tiny Qwen2-architecture stand-ins that run the whole train -> generate path on 2 CPU cores.

No weights are downloaded: the tokenizer is a byte-level BPE trained on the project's own corpus
with Qwen2's pre-tokenizer regex (digits split one by one, as in Qwen), Qwen's special tokens and
the real Qwen2.5 chat template; the model is ``Qwen2ForCausalLM`` from a config. A short seeded
causal-LM pretraining on the corpus gives LoRA something to adapt (DESIGN.md: an adapter on a
random base learns little). Everything is saved with ``save_pretrained`` so ``AutoTokenizer`` and
``AutoModelForCausalLM`` load it offline, exactly like a hub checkpoint.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from harness.train.prompt import PROMPT_FORMAT

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
END_OF_TURN = "<|im_end|>"
PAD_TOKEN = "<|endoftext|>"
QWEN_PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


@dataclass(frozen=True)
class TinySpec:
    """Shape of a stand-in and its pretraining budget (steps of ``batch`` x ``seq_len`` tokens)."""

    layers: int
    hidden: int
    intermediate: int
    heads: int
    kv_heads: int
    vocab: int
    pretrain_steps: int
    seq_len: int = 256
    batch: int = 8
    lr: float = 1e-3
    seed: int = 0


RECIPE = 3
"""Bumped when the build changes beyond the spec (2: pretraining on chat pairs and summaries only;
3: the pairs' summaries are written from the facts their prompts show), so a cached stand-in built
the old way is rebuilt rather than silently reused. A change of the pairs' prompt format is caught
apart from it: ``tiny_model.json`` records :data:`~harness.train.prompt.PROMPT_FORMAT` too."""

SIZES: dict[str, TinySpec] = {
    # DESIGN.md's measured stand-in: ~3.6M parameters. 300 steps of 4 x 256 tokens at lr 2e-3 cost the
    # same tokens as the first preset's 150 x 8 at 1e-3 and reach a far lower loss (1.28 vs 1.87 on
    # the sample corpus): at this budget more, smaller steps beat larger batches.
    "small": TinySpec(layers=4, hidden=256, intermediate=704, heads=4, kv_heads=2, vocab=2000, pretrain_steps=300,
                      batch=4, lr=2e-3),
    # About twice the small one's compute per token: what the CPU suite's 10 minutes on 2 cores allow.
    # The deeper model wants the lower rate: 300 steps at 1e-3 reach 0.81, at 2e-3 (240 steps) 1.91.
    "large": TinySpec(layers=6, hidden=320, intermediate=864, heads=5, kv_heads=1, vocab=2000, pretrain_steps=300,
                      batch=4, lr=1e-3),
}


@dataclass(frozen=True)
class TinyBuild:
    """What ``build_tiny_model`` made: where, how big, and how pretraining went."""

    path: Path
    size: str
    parameters: int
    pretrain_losses: list[float]
    seconds: float


def chat_template() -> str:
    """The Qwen2.5 chat template (Jinja), copied verbatim into the package."""
    return resources.files("harness.train").joinpath("qwen2_5_chat_template.jinja").read_text(encoding="utf-8")


def train_tokenizer(texts: Sequence[str], vocab_size: int) -> Any:
    """Trains a byte-level BPE on ``texts`` and wraps it as a transformers fast tokenizer.

    eos is ``<|im_end|>`` and pad is ``<|endoftext|>``, as in Qwen2.5-Instruct, so generation and
    TRL's end-of-sequence handling behave the same on the stand-in as on the real model.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    if not texts:
        raise ValueError("cannot train a tokenizer on an empty corpus")
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN_PRETOKENIZE_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=END_OF_TURN,
        pad_token=PAD_TOKEN,
        unk_token=None,
        additional_special_tokens=[t for t in SPECIAL_TOKENS if t not in (END_OF_TURN, PAD_TOKEN)],
        model_max_length=32768,
        padding_side="right",
    )
    fast.chat_template = chat_template()
    return fast


def build_model(spec: TinySpec, tokenizer: Any) -> Any:
    """A randomly initialised ``Qwen2ForCausalLM`` of ``spec``'s shape (seeded)."""
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(spec.seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden,
        intermediate_size=spec.intermediate,
        num_hidden_layers=spec.layers,
        num_attention_heads=spec.heads,
        num_key_value_heads=spec.kv_heads,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tokenizer.convert_tokens_to_ids(END_OF_TURN),
        pad_token_id=tokenizer.pad_token_id,
    )
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(
        eos_token_id=[tokenizer.convert_tokens_to_ids(END_OF_TURN), tokenizer.pad_token_id],
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
    )
    return model


def pretrain(model: Any, tokenizer: Any, texts: Sequence[str], spec: TinySpec) -> list[float]:
    """Short causal-LM pretraining on the corpus, packed into ``seq_len`` blocks; returns the losses.

    Each text ends with ``<|endoftext|>`` so documents stay separated; blocks are drawn with a
    seeded RNG so the same corpus and spec give the same base weights.
    """
    import torch

    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        ids.append(tokenizer.pad_token_id)
    block = spec.seq_len
    n_blocks = max(1, len(ids) // block)
    if len(ids) < block + 1:
        ids = ids + [tokenizer.pad_token_id] * (block + 1 - len(ids))
    device = next(model.parameters()).device
    data = torch.tensor(ids[: max(n_blocks * block, block + 1)], dtype=torch.long)
    rng = random.Random(spec.seed)
    torch.manual_seed(spec.seed)
    optim = torch.optim.AdamW(model.parameters(), lr=spec.lr, weight_decay=0.01)
    warmup = max(1, spec.pretrain_steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim,
        lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / spec.pretrain_steps))),
    )
    model.train()
    losses: list[float] = []
    max_start = max(0, len(data) - block)
    for _ in range(spec.pretrain_steps):
        starts = [rng.randint(0, max_start) for _ in range(spec.batch)]
        batch = torch.stack([data[s : s + block] for s in starts]).to(device)
        out = model(input_ids=batch, labels=batch)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        sched.step()
        optim.zero_grad(set_to_none=True)
        losses.append(float(out.loss.detach()))
    model.eval()
    return losses


def build_tiny_model(
    texts: Sequence[str],
    out: str | Path,
    size: str = "small",
    spec: TinySpec | None = None,
    extra_meta: dict[str, Any] | None = None,
    pretrain_texts: Sequence[str] | None = None,
) -> TinyBuild:
    """Trains the tokenizer, builds and pretrains the model, and saves both to ``out``.

    Args:
        texts: the corpus (facts JSON, template summaries, review texts; never golden categories).
        out: target folder, loadable afterwards with ``from_pretrained(out)``.
        size: a key of :data:`SIZES` (names the stand-in in its metadata).
        spec: overrides the size's shape (tests build a far smaller one).
        extra_meta: recorded in ``tiny_model.json`` (e.g. the golden ids kept out of the corpus).
        pretrain_texts: what pretraining reads (default ``texts``); the tokenizer always learns
            from all of ``texts``, so it covers review text the pretraining skips.
    """
    import torch

    start = time.perf_counter()
    spec = spec or SIZES[size]
    torch.manual_seed(spec.seed)
    tokenizer = train_tokenizer(texts, spec.vocab)
    model = build_model(spec, tokenizer)
    if torch.cuda.is_available():  # same seeded init; pretraining on the GPU where there is one
        model = model.cuda()
    pretrain_on = list(pretrain_texts) if pretrain_texts else list(texts)
    losses = pretrain(model, tokenizer, pretrain_on, spec) if spec.pretrain_steps > 0 else []
    model = model.cpu()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    params = sum(p.numel() for p in model.parameters())
    seconds = time.perf_counter() - start
    meta = {
        "stand_in": True,
        "size": size,
        "recipe": RECIPE,
        "prompt_format": PROMPT_FORMAT,  # it pretrains on chat pairs in this format
        "parameters": params,
        "spec": asdict(spec),
        "corpus_texts": len(texts),
        "pretrain_texts": len(pretrain_on),
        "pretrain_loss_first": losses[0] if losses else None,
        "pretrain_loss_last": losses[-1] if losses else None,
        "build_seconds": round(seconds, 2),
        **(extra_meta or {}),
    }
    (out / "tiny_model.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return TinyBuild(path=out, size=size, parameters=params, pretrain_losses=losses, seconds=seconds)


def is_current_build(meta: dict[str, Any], spec: TinySpec) -> bool:
    """Whether a saved stand-in's ``tiny_model.json`` matches ``spec``, the current recipe and the
    current prompt format (its pretraining pairs are prompts; a format change rebuilds it)."""
    current = (RECIPE, PROMPT_FORMAT, asdict(spec))
    return (meta.get("recipe"), meta.get("prompt_format"), meta.get("spec")) == current


def spec_for(size: str, **overrides: Any) -> TinySpec:
    """The spec of ``size`` with a few fields replaced (e.g. ``pretrain_steps`` from a preset).

    A ``None`` override keeps the size's value, so callers pass optional CLI or preset keys as is.
    """
    return replace(SIZES[size], **{k: v for k, v in overrides.items() if v is not None})
