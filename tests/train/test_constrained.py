"""JSON-schema-constrained decoding (xgrammar): a random model's batched outputs close, parse and pass the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from helpers import small_facts

from harness.errors import InputError
from harness.train.config import GenerationSettings
from harness.train.constrained import generation_schema, worst_case_tokens
from harness.train.generate import Generator
from harness.train.trainer import load_tokenizer
from harness.writers.contract import SUMMARY_KEYS, summary_errors, summary_schema

CAP = 4


def _random_generator(base: Path, settings: GenerationSettings, seed: int = 0) -> Generator:
    """An untrained Qwen2 of the tiny base's shape: left alone it never writes JSON, let alone closes it."""
    import torch
    from transformers import AutoConfig, Qwen2ForCausalLM

    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(AutoConfig.from_pretrained(base)).eval()
    return Generator(model, load_tokenizer(base, "left"), settings)


def _facts() -> list[dict]:
    facts = small_facts(3)
    facts[1]["categoryName"] = "아주 긴 이름의 카테고리 " * 5  # prompts of different lengths share a batch
    return facts


def test_generation_schema__same_keys_and_closure_as_the_shipped_schema() -> None:
    shipped, gen = summary_schema(), generation_schema(CAP)
    assert list(gen["properties"]) == list(shipped["properties"]) and gen["required"] == shipped["required"]
    assert gen["additionalProperties"] is False
    ok = {"marketOverviewSummary": "리뷰 기반"[:CAP], "growthSummary": "성장"}
    jsonschema.validate(ok, gen)
    for bad in ({**ok, "growthSummary": "성장 추정이다"}, {**ok, "growthSummary": "x성장"},
                {**ok, "growthSummary": ""}, {**ok, "growthSummary": '성"장'}, {**ok, "extra": "가"}):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, gen)
    assert not summary_errors(ok)  # what the grammar allows, the shipped schema accepts
    with pytest.raises(InputError, match="at least 1"):
        generation_schema(0)


def test_worst_case_tokens__skeleton_plus_four_bytes_per_character() -> None:
    skeleton = '{"marketOverviewSummary": "", "growthSummary": ""}'
    assert worst_case_tokens(CAP) == len(skeleton) + 2 * CAP * 4 + 1


def test_constrained__random_model_batch_closes_parses_and_passes_schema(tiny_base: Path) -> None:
    settings = GenerationSettings(batch_size=3, max_new_tokens=worst_case_tokens(CAP), constrained=True,
                                  constrained_max_chars=CAP)  # fmt: skip
    gen = _random_generator(tiny_base, settings)
    outs = list(gen.generate(_facts()))
    assert len(outs) == 3 and all(o.stopped for o in outs), [o.output for o in outs]
    for o in outs:
        obj = json.loads(o.output)  # the raw output, untrimmed and unrepaired
        assert list(obj) == list(SUMMARY_KEYS) and all(1 <= len(v) <= CAP for v in obj.values())
        assert not summary_errors(obj)
        assert o.output.startswith('{"marketOverviewSummary": "') and "<|" not in o.output


def test_constrained__batched_equals_one_at_a_time(tiny_base: Path) -> None:
    """One matcher per row: left padding and finished neighbours do not disturb a row's constraint."""
    settings = GenerationSettings(max_new_tokens=worst_case_tokens(CAP), constrained=True, constrained_max_chars=CAP)
    gen = _random_generator(tiny_base, settings, seed=1)
    facts = _facts()[:2]
    batched = [o.output for o in gen.generate(facts, batch_size=2)]
    single = [o.output for o in gen.generate(facts, batch_size=1)]
    assert batched == single


def test_unconstrained__the_same_random_model_writes_no_json(tiny_base: Path) -> None:
    """Without the flag the generator is unchanged: the random model's own tokens, whatever they are."""
    gen = _random_generator(tiny_base, GenerationSettings(max_new_tokens=8))
    assert gen.constraint is None
    assert not any(o.output.startswith('{"marketOverviewSummary"') for o in gen.generate(_facts()[:2]))
