from harness.writers.contract import (
    is_valid_summary,
    sentence_count_ok,
    split_sentences,
    states_proxy_premise,
    summary_errors,
)


def test_contract__valid_pair():
    assert is_valid_summary({"marketOverviewSummary": "시장입니다.", "growthSummary": "성장입니다."})


def test_contract__extra_key_and_empty_value_rejected():
    assert summary_errors({"marketOverviewSummary": "가", "growthSummary": "나", "x": 1})
    assert summary_errors({"marketOverviewSummary": "", "growthSummary": "나"})
    assert summary_errors({"marketOverviewSummary": "abc", "growthSummary": "나"})
    assert summary_errors(["not", "an", "object"])


def test_split_sentences__keeps_decimals_whole():
    text = "평균 평점은 4.7점입니다. 리뷰는 64,518건입니다! 성장했습니까? 네."
    assert split_sentences(text) == ["평균 평점은 4.7점입니다.", "리뷰는 64,518건입니다!", "성장했습니까?", "네."]


def test_proxy_premise__detected_and_rejected():
    assert states_proxy_premise("본 분석의 판매·점유·성장 수치는 리뷰 수를 대리 지표로 추정한 값입니다.")
    assert states_proxy_premise("리뷰 건수 기준 추정치로, 실제 거래 데이터가 아닙니다.")
    assert not states_proxy_premise("이 시장은 레고가 14.2%로 1위입니다.")


def test_sentence_count_ok__ranges():
    assert sentence_count_ok("marketOverviewSummary", "가. 나. 다. 라.")
    assert not sentence_count_ok("marketOverviewSummary", "가. 나. 다.")
    assert not sentence_count_ok("growthSummary", "가. 나. 다. 라. 마. 바. 사. 아. 자.")
