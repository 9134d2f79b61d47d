"""Credentials never reach MLflow: tokens in paths, URLs and query strings are masked."""

from __future__ import annotations

import pytest

from harness.tracking.masking import mask_mapping, mask_text, mask_value


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("/models/hf_AbCdEfGhIjKl1234/qwen", "/models/hf_***/qwen"),
        ("https://user:s3cret@hub.example.com/org/m", "https://user:***@hub.example.com/org/m"),
        ("https://ghp_abcdefghijklmnopqrstuvwxyz12@github.com/x", "https://***@github.com/x"),
        ("https://host/m?token=abc123&rev=main", "https://host/m?token=***&rev=main"),
        ("s3://b/k?X-Amz-Signature=deadbeef", "s3://b/k?X-Amz-Signature=***"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x", "Authorization: Bearer ***"),
        ("api_key=sk-abcdefghijklmnop1234", "api_key=***"),
        ("OPENAI sk-abcdefghijklmnopqrstu", "OPENAI sk-***"),
    ],
)
def test_mask_text__hides_token(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


@pytest.mark.parametrize(
    "clean",
    [
        "Qwen/Qwen2.5-7B-Instruct",
        "models/tiny-small",
        "https://hub.example.com/org/m",
        "category_key=4",
        "리뷰 64,518건",
    ],
)
def test_mask_text__leaves_clean_text_alone(clean: str) -> None:
    assert mask_text(clean) == clean


def test_mask_value__nested_and_mapping() -> None:
    value = {"a": ["x hf_AbCdEfGhIjKl1234"], "b": {"c": "https://u:p4ss@h/"}, "n": 3}
    assert mask_value(value) == {"a": ["x hf_***"], "b": {"c": "https://u:***@h/"}, "n": 3}
    assert mask_mapping({"k": None, "t": "token=abc"}) == {"k": "", "t": "token=***"}
