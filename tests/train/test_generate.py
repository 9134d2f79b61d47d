"""Generation: left padding, stop at <|im_end|>, decode only the new ids, batched = one at a time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import chain_model, small_facts

from harness.errors import InputError
from harness.train.config import GenerationSettings
from harness.train.generate import Generator, cut_at_stop
from harness.train.trainer import load_tokenizer


def _chain(base: Path) -> tuple[list[int], int, Generator]:
    tok = load_tokenizer(base, "left")
    specials = {tok.convert_tokens_to_ids(t) for t in ("<|im_end|>", "<|im_start|>", "<|endoftext|>")}
    ids = [i for i in range(300, 340) if i not in specials]
    chain, after = ids[:12], ids[20]
    gen = Generator(chain_model(base, chain, after), tok, GenerationSettings(batch_size=4, max_new_tokens=30))
    return chain, after, gen


def test_cut_at_stop__first_stop_wins() -> None:
    assert cut_at_stop([5, 6, 9, 7, 8], [8, 9]) == ([5, 6], True)
    assert cut_at_stop([5, 6], [8]) == ([5, 6], False)


def test_generate__stops_at_im_end_and_drops_it(tiny_base: Path) -> None:
    chain, _, gen = _chain(tiny_base)
    facts = small_facts(3)
    facts[1]["categoryName"] = "아주 긴 이름의 카테고리 " * 5  # prompts of different lengths share a batch
    outs = list(gen.generate(facts))
    expected = gen.tokenizer.decode(chain)
    assert [o.output for o in outs] == [expected] * 3
    assert all(o.stopped and o.new_tokens == len(chain) + 1 for o in outs)
    assert all("<|im_end|>" not in o.output for o in outs)  # the stop token ends the output, unseen
    assert [o.category_id for o in outs] == [f["categoryId"] for f in facts]


def test_generate__max_new_tokens_bounds_output(tiny_base: Path) -> None:
    chain, _, gen = _chain(tiny_base)
    gen.settings = GenerationSettings(max_new_tokens=5)
    out = next(gen.generate(small_facts(1)))
    assert out.output == gen.tokenizer.decode(chain[:5]) and not out.stopped
    assert gen.stats.hit_max_new_tokens == 1


def test_generate__batched_equals_one_at_a_time(tiny_base: Path) -> None:
    _, _, gen = _chain(tiny_base)
    facts = small_facts(4)
    batched = [o.output for o in gen.generate(facts, batch_size=4)]
    single = [o.output for o in gen.generate(facts, batch_size=1)]
    assert batched == single
    assert gen.tokenizer.padding_side == "left"


def test_generate__cost_metrics_recorded(tiny_base: Path) -> None:
    _, _, gen = _chain(tiny_base)
    list(gen.generate(small_facts(2)))
    m = gen.stats.metrics()
    assert m["latency_s_per_summary"] > 0 and m["tokens_per_s"] > 0
    assert "peak_gpu_mem_gb" not in m and gen.stats.cost().peak_gpu_mem_gb is None  # CPU: not measured


def test_generate__unconstrained_path_has_no_logits_processor(tiny_base: Path) -> None:
    _, _, gen = _chain(tiny_base)
    assert gen.constraint is None and gen._constraint_kwargs() == {}


def test_generator__constrained_without_library_is_one_line_error(
    tiny_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "xgrammar", None)  # ``import xgrammar`` now raises ImportError
    with pytest.raises(InputError, match=r"needs xgrammar.*pip install -e '\.\[constrained\]'") as err:
        Generator.load(tiny_base, None, GenerationSettings(constrained=True))
    assert "\n" not in str(err.value) and str(err.value).startswith("generation.constrained: ")


@pytest.mark.parametrize(("build", "refused"), [
    ({"prompt_format": 2}, False), ({"prompt_format": 1}, True), ({"counts": {}}, True), (None, False),
], ids=["current", "format-1", "record-before-formats", "no-build-record"])  # fmt: skip
def test_generator__refuses_an_adapter_built_in_another_prompt_format(
    tiny_base: Path, tmp_path: Path, build: dict | None, refused: bool
) -> None:
    """A resumed run's restored adapter (or a configured one) trained before a prompt change is not
    silently asked with the new prompt; a build record without a format predates format 2."""
    import json

    from harness.train.generate import refuse_other_prompt_format
    from harness.train.prompt import PROMPT_FORMAT

    assert PROMPT_FORMAT == 2
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "training_metadata.json").write_text(json.dumps({"sft_build": build}), "utf-8")
    if not refused:
        refuse_other_prompt_format(adapter)
        return
    with pytest.raises(InputError, match=r"adapter trained on prompt format 1, this code writes format 2") as err:
        Generator.load(tiny_base, adapter, GenerationSettings())  # refused before any weights are read
    assert "\n" not in str(err.value) and "training_metadata.json" in str(err.value)
