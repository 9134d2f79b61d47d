"""LoRA training on the tiny stand-in: masking, stopping target, loss, resume, adapter round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from helpers import FAST_LORA, FAST_TRAIN, TEST_SYSTEM, small_facts

from harness.errors import InputError
from harness.train.config import GenerationSettings, TrainerSettings
from harness.train.generate import Generator
from harness.train.trainer import METADATA_FILE, TrainResult, build_trainer, refuse_golden_overlap

Trained = tuple[TrainResult, TrainResult]


def test_labels__prompt_tokens_masked_and_target_ends_with_im_end(tiny_base: Path, sft_file: Path, tmp_path: Path) -> None:
    prepared = build_trainer(sft_file, tiny_base, tmp_path, FAST_LORA, FAST_TRAIN)
    tok = prepared.tokenizer
    im_end = tok.convert_tokens_to_ids("<|im_end|>")
    assistant_start = tok("<|im_start|>assistant\n", add_special_tokens=False)["input_ids"]
    for row in prepared.trainer.train_dataset:
        ids, labels = row["input_ids"], row["labels"]
        # the prompt ends with "<|im_start|>assistant\n": everything up to there is masked
        for start in range(len(ids) - len(assistant_start), -1, -1):
            if ids[start : start + len(assistant_start)] == assistant_start:
                break
        prompt_len = start + len(assistant_start)
        assert all(label == -100 for label in labels[:prompt_len])
        assert all(label == tid for label, tid in zip(labels[prompt_len:], ids[prompt_len:], strict=True))
        assert ids[-1] == im_end and labels[-1] == im_end  # the target ends with the end-of-turn token
        assert tok.decode(ids[prompt_len:]).startswith('{"marketOverviewSummary"')


def test_collator__dynamic_right_padding(tiny_base: Path, sft_file: Path, tmp_path: Path) -> None:
    prepared = build_trainer(sft_file, tiny_base, tmp_path, FAST_LORA, FAST_TRAIN)
    rows = [prepared.trainer.train_dataset[i] for i in range(4)]
    batch = prepared.trainer.data_collator([{"input_ids": r["input_ids"], "labels": r["labels"]} for r in rows])
    lengths = [len(r["input_ids"]) for r in rows]
    assert batch["input_ids"].shape[1] == max(lengths) < FAST_TRAIN.max_length  # padded to the batch, not max
    shortest = lengths.index(min(lengths))
    assert batch["attention_mask"][shortest, : min(lengths)].all()  # real tokens first: right padding
    assert (batch["labels"][shortest, min(lengths) :] == -100).all()


def test_train__loss_falls(trained: Trained) -> None:
    first, second = trained
    losses = [loss for _, loss in first.losses + second.losses]
    assert len(losses) == 6
    assert losses[-1] < losses[0]


def test_train__resume_continues_step_count(trained: Trained) -> None:
    first, second = trained
    assert first.global_step == 3 and first.metadata["resumed_from"] is None
    assert second.global_step == 6 and second.metadata["resumed_from"].endswith("checkpoint-3")
    assert [step for step, _ in second.losses] == [4, 5, 6]


def test_train__metadata_records_base_data_and_categories(trained: Trained, sft_file: Path) -> None:
    _, second = trained
    meta = json.loads((second.adapter_dir / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["training_category_ids"] == sorted(str(f["categoryId"]) for f in small_facts(8))
    assert len(meta["data_sha256"]) == 64 and meta["examples"] == 8 and meta["dropped_examples_fully_truncated"] == 0
    assert meta["lora"]["r"] == FAST_LORA.r and meta["hardware"]["cuda"] is False
    assert not (second.adapter_dir / "tokenizer.json").exists()  # the tokenizer always comes from the base


def test_adapter__weights_change_base_does_not(trained: Trained, tiny_base: Path) -> None:
    from transformers import AutoModelForCausalLM

    _, second = trained
    base = AutoModelForCausalLM.from_pretrained(tiny_base).state_dict()
    lora_b = [p for n, p in second.model.named_parameters() if "lora_B" in n]
    assert lora_b and any(p.abs().sum() > 0 for p in lora_b)  # B starts at zero; training moved it
    for name, param in second.model.named_parameters():
        if "lora_" in name:
            continue
        key = name.replace("base_model.model.", "").replace(".base_layer", "")
        assert torch.equal(param.detach().cpu(), base[key]), name


def test_adapter__reload_reproduces_greedy_generations(trained: Trained, tiny_base: Path) -> None:
    _, second = trained
    settings = GenerationSettings(batch_size=4, max_new_tokens=20, use_review_text=False, system_prompt=TEST_SYSTEM)
    facts = small_facts(4)
    in_memory = [g.output for g in Generator(second.model, second.tokenizer, settings).generate(facts)]
    reloaded = [g.output for g in Generator.load(tiny_base, second.adapter_dir, settings).generate(facts)]
    assert reloaded == in_memory and any(in_memory)


def test_refuse_golden_overlap__one_line(trained: Trained) -> None:
    _, second = trained
    refuse_golden_overlap(second.adapter_dir, ["999999"])
    with pytest.raises(InputError, match="trained on 1 golden category") as err:
        refuse_golden_overlap(second.adapter_dir, ["1003", "999999"])
    assert "\n" not in str(err.value)


def test_qlora_on_cpu__clear_message(tiny_base: Path, sft_file: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="needs a CUDA GPU"):
        build_trainer(sft_file, tiny_base, tmp_path, FAST_LORA, TrainerSettings(qlora_4bit=True))


def test_bf16_on_cpu__refused(tiny_base: Path, sft_file: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bf16"):
        build_trainer(sft_file, tiny_base, tmp_path, FAST_LORA, TrainerSettings(bf16="on"))


def test_build_dataset__refuses_an_example_over_max_length(tiny_base: Path, sft_file: Path) -> None:
    """TRL would cut the target's tail and <|im_end|> without a word; training stops with one line instead."""
    from harness.train.trainer import build_dataset, load_tokenizer

    tok = load_tokenizer(tiny_base, "right")
    data = build_dataset(sft_file, tok)
    longest = max(p + t for p, t in zip(data.prompt_tokens, data.target_tokens, strict=True))
    assert build_dataset(sft_file, tok, longest).categories == data.categories
    with pytest.raises(InputError, match=f"exceed max_length {longest - 1}.*harness sft build --tokenizer"):
        build_dataset(sft_file, tok, longest - 1)
