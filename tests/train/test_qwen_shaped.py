"""Decoding on the real vocabulary: the Qwen2.5-shaped tiny model (151,936 logits, the hub's generation config).

Its ``generation_config.json`` asks for sampling and a repetition penalty of 1.05, as Qwen2.5-Instruct's
does; greedy must still mean greedy. Constrained decoding must keep every added token out of the
output, even when the model prefers them above everything else.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import small_facts

from harness.chat_markup import MARKUP_RE, QWEN2_5_ADDED_TOKENS, QWEN2_5_FIRST_ADDED_ID
from harness.train.config import GenerationSettings
from harness.train.constrained import worst_case_tokens
from harness.train.generate import Generator
from harness.train.qwen_shaped import HUB_GENERATION_CONFIG, VOCAB_SIZE
from harness.writers.contract import SUMMARY_KEYS

REPO = Path(__file__).resolve().parents[2]
ADDED_IDS = list(range(QWEN2_5_FIRST_ADDED_ID, QWEN2_5_FIRST_ADDED_ID + len(QWEN2_5_ADDED_TOKENS)))


def _golden_facts(n: int) -> list[dict]:
    lines = (REPO / "golden" / "facts.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:n]]


@pytest.fixture(scope="module")
def shaped(qwen_shaped_dir: Path):
    from transformers import AutoModelForCausalLM

    from harness.train.trainer import load_tokenizer

    model = AutoModelForCausalLM.from_pretrained(str(qwen_shaped_dir), local_files_only=True)
    return model, load_tokenizer(qwen_shaped_dir, "left")


def test_shaped_model__real_vocabulary_and_hub_generation_config(shaped, qwen_shaped_dir: Path) -> None:
    model, tok = shaped
    assert model.config.vocab_size == VOCAB_SIZE == 151_936 and len(tok) == 151_665
    assert model.config.eos_token_id == 151645 == tok.eos_token_id
    file_config = json.loads((qwen_shaped_dir / "generation_config.json").read_text("utf-8"))
    assert {k: file_config[k] for k in HUB_GENERATION_CONFIG} == HUB_GENERATION_CONFIG


def test_greedy__ignores_the_model_files_sampling_and_penalties(shaped) -> None:
    """Greedy output equals a hand-written argmax loop, although the model's file asks for sampling
    and (made hostile here) for penalties that would forbid any repeated token."""
    import copy

    import torch
    from transformers import GenerationConfig

    model, tok = shaped
    model = copy.deepcopy(model)  # its generation config is replaced below; the others keep theirs
    model.generation_config = GenerationConfig(**HUB_GENERATION_CONFIG)
    hostile = model.generation_config
    hostile.update(repetition_penalty=1e6, no_repeat_ngram_size=1, top_k=1)
    gen = Generator(model, tok, GenerationSettings(max_new_tokens=16, use_review_text=False))
    facts = small_facts(1)
    out = next(gen.generate(facts))
    ids = tok(gen.prompt(facts[0]), return_tensors="pt", add_special_tokens=False)["input_ids"]
    expected = []
    with torch.inference_mode():
        for _ in range(out.new_tokens):
            nxt = int(model(ids, logits_to_keep=1).logits[0, -1].argmax())
            expected.append(nxt)
            ids = torch.cat([ids, torch.tensor([[nxt]])], dim=1)
    kept = [i for i in expected if i not in gen.stops]
    assert tok.decode(kept) == out.output and len(set(kept)) < len(kept)  # it repeats: no penalty applied
    params = gen.effective_params()
    assert params["generation.do_sample"] is False and params["generation.repetition_penalty"] == 1.0
    assert params["generation.no_repeat_ngram_size"] == 0 and params["generation.top_k"] is None
    assert '"repetition_penalty": 1000000.0' in params["generation.ignored_model_file"]
    assert '"do_sample": true' in params["generation.ignored_model_file"]


def test_sampling__only_when_the_experiment_asks_and_seeded(shaped) -> None:
    model, tok = shaped
    settings = GenerationSettings(max_new_tokens=12, use_review_text=False, do_sample=True, temperature=0.7,
                                  top_p=0.8, top_k=20, seed=3)  # fmt: skip
    first = [g.output for g in Generator(model, tok, settings).generate(small_facts(2))]
    again = [g.output for g in Generator(model, tok, settings).generate(small_facts(2))]
    assert first == again
    with pytest.raises(ValueError, match="only with do_sample"):
        GenerationSettings(temperature=0.7)


def _boost_added_tokens(gen: Generator) -> None:
    """A hostile model: every added token scores far above any text token (before the schema mask)."""
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList

    class Boost(LogitsProcessor):
        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
            scores[:, ADDED_IDS] += 1e4
            return scores

    plain = gen._constraint_kwargs

    def kwargs() -> dict:
        processors = plain().get("logits_processor", LogitsProcessorList())
        return {"logits_processor": LogitsProcessorList([Boost(), *processors])}

    gen._constraint_kwargs = kwargs


def test_constrained__outputs_parse_and_hold_no_added_token(shaped) -> None:
    """Batches of 4 and 2 left-padded prompts of different lengths (review text on, as in the presets)."""
    model, tok = shaped
    cap = 4
    settings = GenerationSettings(batch_size=4, max_new_tokens=worst_case_tokens(cap), constrained=True,
                                  constrained_max_chars=cap, use_review_text=True)  # fmt: skip
    gen = Generator(model, tok, settings)
    _boost_added_tokens(gen)
    outs = list(gen.generate(_golden_facts(6)))
    assert len(outs) == 6
    for out in outs:
        assert sorted(json.loads(out.output)) == sorted(SUMMARY_KEYS), out.output
        assert not MARKUP_RE.search(out.output), out.output
        assert out.stop == "end_of_turn"
    unconstrained = Generator(model, tok, settings.model_copy(update={"constrained": False, "max_new_tokens": 4}))
    _boost_added_tokens(unconstrained)
    assert all(MARKUP_RE.search(g.output) or g.stop != "length" for g in unconstrained.generate(_golden_facts(2)))


def test_constrained__mask_allows_no_added_token_inside_a_string_and_only_im_end_at_the_end(shaped) -> None:
    import xgrammar as xgr

    from harness.train.constrained import SchemaConstraint

    _, tok = shaped
    constraint = SchemaConstraint(tok, VOCAB_SIZE, [151645])
    matcher = xgr.GrammarMatcher(constraint.compiled)
    bitmask = xgr.allocate_token_bitmask(1, VOCAB_SIZE)

    def allowed() -> set[int]:
        matcher.fill_next_token_bitmask(bitmask, 0)
        words = bitmask[0].tolist()
        return {i for i in range(VOCAB_SIZE) if (words[i // 32] >> (i % 32)) & 1}

    assert matcher.accept_string('{"marketOverviewSummary": "시장')
    inside = allowed()
    assert len(inside) > 100_000 and not inside & set(ADDED_IDS)
    assert matcher.accept_string('", "growthSummary": "성장"}')
    assert allowed() == {151645}
