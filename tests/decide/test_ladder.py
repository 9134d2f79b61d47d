"""The ladder of candidates: the walk alone, today's two-candidate verdicts kept, and a four-rung ladder."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from decide_runs import RunSpec, make_rules, suite_of
from hypothesis import given
from hypothesis import strategies as st

from harness.decide.ladder import Rung, choose
from harness.decide.report import build_report, report_inputs
from harness.decide.rules import RULE_BUDGET, RULE_STEP_UP, decide

PINNED = Path(__file__).parent / "fixtures" / "two_candidate_verdicts.json"
NOISE = [0.05, -0.05, 0.04, -0.04, 0.06, -0.06, 0.05, -0.05, 0.03, -0.03]
SPREAD = (1.0, 0.8, 1.2, 0.9, 1.1, 1.0, 0.7, 1.3, 1.0, 0.95)
# The runs the pinned verdicts were decided on (names in the fixture; None: the role did not run).
SMALL: dict[str, dict[str, Any] | None] = {
    "absent": None,
    "beats": {"shift": 0.5},
    "beats_over_budget": {"shift": 0.5, "cost": {"latency_s_per_summary": 30.0}},
    "no_beat": {"shift": NOISE},
    "floor_fail": {"shift": 1.0, "bad_rows": {"json_valid": 3}},
    "beats_big": {"shift": 1.0},
}
LARGE: dict[str, dict[str, Any] | None] = {
    "absent": None,
    "beats": {"shift": 2.0},
    "noise_of_small": {"shift": [s + n for s, n in zip(SPREAD, NOISE, strict=True)]},
    "over_budget": {"shift": 2.0, "cost": {"latency_s_per_summary": 30.0}},
    "gpu_over_budget": {"shift": 2.0, "cost": {"peak_gpu_mem_gb": 80.0}},
    "no_beat": {"shift": [-x for x in NOISE]},
    "floor_fail": {"shift": 2.0, "bad_rows": {"cjk_leak": 1}},
    "majority_lost": {"shift": [4.0, 4.0, 4.0, 4.0, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1]},
}


def _pinned_cases() -> list[dict[str, str]]:
    return list(json.loads(PINNED.read_text(encoding="utf-8"))["cases"])


@pytest.mark.parametrize("case", _pinned_cases(), ids=lambda c: f"{c['small']}-{c['large']}")
def test_two_candidates__verdicts_equal_the_pre_ladder_engine_on_the_same_runs(case: dict[str, str]) -> None:
    specs = [RunSpec("template")]
    for role, table in (("small", SMALL), ("large", LARGE)):
        spec = table[case[role]]
        if spec is not None:
            specs.append(RunSpec(role, **spec))
    quality = {"metrics": ["insight_specificity", "rougeL_f"], "win_share": 0.5, "tie_tolerance": 0.0, "min_categories": 5}
    rules = make_rules(ladder=[("small", "Qwen2.5-3B"), ("large", "Qwen2.5-7B")], quality=quality)  # as pinned
    decision = decide(suite_of(*specs), rules)
    assert (decision.verdict, decision.reason, decision.headline) == (case["verdict"], case["reason"], case["headline"])


def _old_verdict(states: Mapping[str, tuple[bool, bool] | None], over: Sequence[str], large_better: bool) -> tuple[str, str]:
    """The two-candidate verdict as harness/decide/rules.py::_verdict wrote it before the ladder (verbatim logic)."""

    def why_not(role: str) -> str:
        state = states.get(role)
        if state is None:
            return f"the {role} model did not run"
        return f"the {role} model misses the operational floor" if not state[0] else f"the {role} model does not beat the template clearly"

    ran = {role: s for role, s in states.items() if s is not None}
    if not ran:
        return "template_only", "Only the template ran; there is no model evidence."
    ok = {role: floor and beats for role, (floor, beats) in ran.items()}
    if ok.get("large"):
        if over:
            if ok.get("small"):
                return "fall_back_small", f"The large model is over the cost budget ({', '.join(over)})."
            return "template_only", f"The large model is over the cost budget ({', '.join(over)}) and {why_not('small')}."
        if ok.get("small") and not large_better:
            return "fall_back_small", "Large minus small is within noise on the quality metrics."
        return "keep_large", "The large model clears the floor and beats the template on every quality rule."
    if ok.get("small"):
        return "fall_back_small", f"The small model clears the floor and beats the template; {why_not('large')}."
    if not any(floor for floor, _ in ran.values()):
        return "template_only", "No model variant clears the operational floor; model output stays research-only."
    return "template_only", "No model variant that clears the floor beats the template clearly; model output stays research-only."


_STATE = st.one_of(st.none(), st.tuples(st.booleans(), st.booleans()))


@given(_STATE, _STATE, st.lists(st.sampled_from(["latency_s_per_summary", "peak_gpu_mem_gb"]), unique=True), st.booleans())
def test_choose__two_rungs_is_the_old_verdict_word_for_word(
    small: tuple[bool, bool] | None, large: tuple[bool, bool] | None, over: list[str], large_better: bool
) -> None:
    def rung(role: str, state: tuple[bool, bool] | None, budget: tuple[str, ...]) -> Rung:
        return Rung(role, ran=False) if state is None else Rung(role, True, state[0], state[1], budget)

    choice = choose([rung("small", small, ()), rung("large", large, tuple(over))], lambda upper, lower: large_better)
    code = "template_only" if choice.role is None else f"{'keep' if choice.role == 'large' else 'fall_back'}_{choice.role}"
    assert (code, choice.reason) == _old_verdict({"small": small, "large": large}, over, large_better)


LADDER = [("xs", "Qwen2.5-0.5B"), ("s", "Qwen2.5-1.5B"), ("m", "Qwen2.5-3B"), ("l", "Qwen2.5-7B")]
SLOW = {"latency_s_per_summary": 30.0}


@pytest.mark.parametrize(
    ("specs", "verdict", "reason", "stepped"),
    [
        # xs misses the floor; l is within noise of m; m is clearly ahead of s: keep m.
        ((RunSpec("xs", shift=1.0, bad_rows={"json_valid": 3}), RunSpec("s", shift=0.5), RunSpec("m", shift=3.0),
          RunSpec("l", shift=[3.0 * s + n for s, n in zip(SPREAD, NOISE, strict=True)])),
         "fall_back_m", "L minus m is within noise on the quality metrics.", ("l",)),
        # l and m over the budget: step down twice, to s.
        ((RunSpec("xs", shift=0.2), RunSpec("s", shift=1.0), RunSpec("m", shift=2.0, cost=SLOW),
          RunSpec("l", shift=3.0, cost=SLOW)),
         "fall_back_s", "The l model is over the cost budget (latency_s_per_summary). "
                        "The m model is over the cost budget (latency_s_per_summary).", ("l", "m")),
        # m misses the floor: l is compared with s, the next cheaper qualifying rung, and kept.
        ((RunSpec("s", shift=0.5), RunSpec("m", shift=2.0, bad_rows={"cjk_leak": 1}), RunSpec("l", shift=2.0)),
         "keep_l", "The l model clears the floor and beats the template on every quality rule.", ()),
        # Only xs qualifies below an over-budget l; s and m did not run.
        ((RunSpec("xs", shift=1.0), RunSpec("l", shift=2.0, cost=SLOW)),
         "fall_back_xs", "The l model is over the cost budget (latency_s_per_summary).", ("l",)),
        # The cheapest qualifying rung over the budget: template-only, saying why nothing cheaper stands.
        ((RunSpec("xs", shift=1.0, bad_rows={"cjk_leak": 1}), RunSpec("m", shift=2.0, cost=SLOW)),
         "template_only", "The m model is over the cost budget (latency_s_per_summary) and the xs model misses "
                          "the operational floor and the s model did not run.", ("m",)),
    ],
)  # fmt: skip
def test_decide__four_rung_ladder(specs: tuple[RunSpec, ...], verdict: str, reason: str, stepped: tuple[str, ...]) -> None:
    decision = decide(suite_of(RunSpec("template"), *specs), make_rules(ladder=LADDER))
    assert (decision.verdict, decision.reason, decision.stepped_down) == (verdict, reason, stepped)
    assert decision.ladder == ["xs", "s", "m", "l"]
    assert all(c.subject != "xs" for c in decision.checks if c.rule == RULE_BUDGET)  # the cheapest rung


def test_decide__step_up_compares_with_the_next_cheaper_qualifying_rung() -> None:
    specs = (RunSpec("s", shift=0.5), RunSpec("m", shift=2.0, bad_rows={"cjk_leak": 1}), RunSpec("l", shift=2.0))
    decision = decide(suite_of(RunSpec("template"), *specs), make_rules(ladder=LADDER))
    assert [s.subject for s in decision.step_ups] == ["m - s", "l - s"]
    assert {c.subject for c in decision.checks if c.rule == RULE_STEP_UP} == {"m - s", "l - s"}


def test_report__four_rung_ladder_table_and_colours() -> None:
    specs = (RunSpec("xs", shift=1.0, bad_rows={"json_valid": 3}), RunSpec("s", shift=0.5), RunSpec("m", shift=3.0),
             RunSpec("l", shift=[3.0 * s + n for s, n in zip(SPREAD, NOISE, strict=True)]))  # fmt: skip
    suite = suite_of(RunSpec("template"), *specs)
    rules = make_rules(ladder=LADDER)
    decision = decide(suite, rules)
    inputs = report_inputs(decision, suite, {}, rules)
    content, _ = build_report(inputs)
    ladder = next(t for t in content.tables if t.title.startswith("The ladder"))
    assert [row[0] for row in ladder.rows] == ["xs", "s", "m", "l"]
    assert [row[-1] for row in ladder.rows] == ["does not qualify", "qualifies", "CHOSEN", "stepped down from"]
    assert ladder.rows[0][4] == "not checked (cheapest)" and ladder.rows[3][5] == "within noise over m"
    assert len({inputs.colors[r] for r in ("template", "xs", "s", "m", "l")}) == 5
    assert content.outcome == "fall_back" and content.headline.startswith("Verdict: fall back to the m model")
