"""Loading the two exports into the canonical frames, with every odd row counted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from harness.data.load import PRODUCT_COLUMNS, REVIEW_COLUMNS, load_exports, load_products, load_reviews
from harness.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
PRODUCTS = FIXTURES / "products.csv"
REVIEWS = FIXTURES / "reviews.csv"


@pytest.fixture(scope="module")
def exports():
    return load_exports(PRODUCTS, REVIEWS)


def test_load_exports__canonical_columns_and_dtypes(exports):
    products, reviews = exports.products, exports.reviews
    assert list(products.columns) == list(PRODUCT_COLUMNS)
    assert list(reviews.columns) == list(REVIEW_COLUMNS)
    assert str(products["review_count"].dtype) == "Int64"
    assert str(products["average_rating"].dtype) == "Float64"
    assert str(products["min_price"].dtype) == "Float64"
    assert str(reviews["rating"].dtype) == "Float64"
    assert str(reviews["review_date"].dtype).startswith("datetime64")
    for column in ("id", "category_id", "category", "manufacturer"):
        assert pd.api.types.is_string_dtype(products[column])
    assert pd.api.types.is_string_dtype(reviews["product_id"])


def test_load_exports__ids_as_numbers_or_strings(exports):
    assert list(exports.products["id"]) == ["1001", "1002", "1003", "1004"]
    assert exports.products.loc[0, "category_id"] == "12"


def test_load_exports__literals_json_or_python_repr(exports):
    products = exports.products.set_index("id")
    assert products.loc["1001", "review_rating_distribution"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 2}
    assert products.loc["1002", "review_rating_distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    assert products.loc["1001", "review_tags"] == ["흡수력 좋아요", "배송 빨라요"]
    # Arrow-typed columns: a map cell reads as (key, value) pairs, an absent distribution as NA.
    assert dict(products.loc["1002", "specifications"]) == {"연령": "18개월이상", "용량": "대형"}
    assert products.loc["1001", "price_trend"][1] == {"period": "3개월", "price": 33500.0}
    assert products.loc["1003", "review_rating_distribution"] is pd.NA
    assert products.loc["1003", "review_tags"] == []


def test_load_exports__numbers_with_separators_and_units(exports):
    products = exports.products.set_index("id")
    assert products.loc["1001", "min_price"] == 32900.0
    assert products.loc["1002", "min_price"] == 28900.0
    assert pd.isna(products.loc["1003", "min_price"])
    assert exports.quality.products.coerce_failures == {"min_price": 1}


def test_load_exports__category_path_normalised(exports):
    assert exports.products.set_index("id").loc["1003", "category"] == "출산/유아동>기저귀/물티슈>물티슈"


def test_load_exports__quality_counts(exports):
    q = exports.quality
    assert q.products.rows_read == 6 and q.products.rows_kept == 4
    assert q.products.dropped == {"missing id": 1, "duplicate id (kept first)": 1}
    assert q.duplicate_product_ids == 1
    assert q.products_without_brand == 1
    assert q.products_without_category == 1
    assert q.products.bad_literals == {"review_rating_distribution": 1}
    assert q.reviews.rows_read == 10 and q.reviews.rows_kept == 7
    assert q.reviews.dropped == {"missing product_id": 1, "rating outside 1..5": 2}
    assert q.ratings_out_of_range == 2
    assert q.ratings_missing == 1
    assert q.reviews_unknown_product == 1
    assert q.dates_missing == 1 and q.dates_unparseable == 1
    assert q.text_column == "review_text"
    assert q.reviews_without_text == 1
    assert q.review_join_rate == pytest.approx(6 / 7)


def test_load_exports__duplicate_id_keeps_first(exports):
    assert exports.products.set_index("id").loc["1001", "name"] == "하기스 네이처메이드 밴드형 4단계"


def test_load_exports__dates_in_several_formats(exports):
    dates = exports.reviews["review_date"]
    assert list(dates[:4].dt.strftime("%Y-%m-%d")) == ["2024-03-05", "2025-01-17", "2023-07-09", "2024-11-30"]
    assert exports.reviews.loc[1, "review_text"] == "배송이 빨라요\n두 줄 리뷰"


def test_load_exports__report_json_and_table(exports):
    as_dict = exports.quality.to_dict()
    assert as_dict["reviews"]["dropped"]["rating outside 1..5"] == 2
    assert as_dict["text_column"] == "review_text"
    table = exports.quality.render()
    assert "ratings outside 1..5 (dropped)" in table and "review join rate" in table


@pytest.mark.parametrize("encoding", ["cp949", "utf-8-sig"])
def test_load_exports__cp949_and_bom_copies_load_the_same(tmp_path, exports, encoding):
    products = tmp_path / "products.csv"
    reviews = tmp_path / "reviews.csv"
    products.write_bytes(PRODUCTS.read_text(encoding="utf-8").encode(encoding))
    reviews.write_bytes(REVIEWS.read_text(encoding="utf-8").encode(encoding))
    copy = load_exports(products, reviews)
    pd.testing.assert_frame_equal(copy.products, exports.products)
    pd.testing.assert_frame_equal(copy.reviews, exports.reviews)
    assert copy.quality.products.encoding == encoding
    assert copy.quality.reviews.encoding == encoding


def test_load_products__windows_cp949_with_crlf_loads_the_same(tmp_path, exports):
    path = tmp_path / "products.csv"
    path.write_bytes(PRODUCTS.read_text(encoding="utf-8").replace("\n", "\r\n").encode("cp949"))
    products, report = load_products(path)
    pd.testing.assert_frame_equal(products, exports.products)
    assert report.products.encoding == "cp949"


@pytest.mark.parametrize("alias", ["review_content", "content", "text", "body"])
def test_load_reviews__text_alias_found(tmp_path, alias):
    path = tmp_path / "reviews.csv"
    path.write_text(REVIEWS.read_text(encoding="utf-8").replace("review_text", alias, 1), encoding="utf-8")
    loaded = load_reviews(path)
    assert loaded.text_column == alias
    assert loaded.frame.loc[0, "review_text"].startswith("흡수력이 좋아서")


def test_load_reviews__no_text_column_gives_all_missing(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("product_id,review_date,rating\n1,2024-01-01,5\n2,2024-01-02,4\n", encoding="utf-8")
    loaded = load_reviews(path)
    assert loaded.text_column is None
    assert loaded.frame["review_text"].isna().all()
    assert loaded.without_text == 2
    assert loaded.frame["platform"].isna().all()


def test_load_products__header_names_trimmed(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(" id , name ,category_id,category\n7,a,1,x>y\n", encoding="utf-8")
    products, report = load_products(path)
    assert products.loc[0, "id"] == "7"
    assert "manufacturer" in report.products.missing_optional_columns
    assert products["manufacturer"].isna().all()


def test_load_exports__missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_exports(tmp_path / "nope.csv", REVIEWS)


def test_load_exports__synthetic_sample_loads_cleanly():
    sample = Path(__file__).parents[2] / "data" / "sample"
    if not (sample / "products_all.csv").exists():
        pytest.skip("data/sample not generated")
    exports = load_exports(sample / "products_all.csv", sample / "reviews_all.csv")
    q = exports.quality
    assert q.products.rows_kept > 1000
    assert q.reviews.rows_kept > 10000
    assert 0.9 < q.review_join_rate < 1.0
    assert q.text_column == "review_text"
    assert not q.products.bad_literals



def test_load_exports__without_text_keeps_presence_and_every_count(exports):
    slim = load_exports(PRODUCTS, REVIEWS, review_text=False)
    assert "review_text" not in slim.reviews.columns
    pd.testing.assert_frame_equal(slim.reviews, exports.reviews.drop(columns=["review_text"]))
    assert slim.reviews["has_text"].tolist() == exports.reviews["review_text"].notna().tolist()
    assert slim.quality.to_dict() == exports.quality.to_dict()


def test_load_exports__without_text_gives_the_same_market_facts(exports):
    from harness.facts import compute_facts

    slim = load_exports(PRODUCTS, REVIEWS, review_text=False)
    assert compute_facts(slim.products, slim.reviews, insights=False) == compute_facts(
        exports.products, exports.reviews, insights=False)
    with pytest.raises(ValueError, match="without their text"):
        compute_facts(slim.products, slim.reviews, insights=True)


def test_load_reviews__cp949_found_past_an_ascii_first_megabyte(tmp_path):
    """The encoding is guessed from the first megabyte; a CP949 byte after it is found by the reader."""
    path = tmp_path / "reviews.csv"
    ascii_rows = "".join(f"{i},2024-01-01,5,fine,web\n" for i in range(60_000))  # > 1 MB of ASCII
    path.write_bytes(("product_id,review_date,rating,review_text,platform\n" + ascii_rows
                      + "7,2024-01-02,4,좋아요,다나와\n").encode("cp949"))
    loaded = load_reviews(path)
    assert loaded.file.encoding == "cp949"
    assert loaded.frame["review_text"].iloc[-1] == "좋아요" and loaded.frame["platform"].iloc[-1] == "다나와"


def test_load_reviews__undecodable_text_past_the_sniff_needs_decoding_only_when_kept(tmp_path):
    """The first megabyte decides the encoding and must decode; after it, only the columns the
    loader converts are decoded (text read for presence only is not)."""
    path = tmp_path / "reviews.csv"
    ascii_rows = "".join(f"{i},2024-01-01,5,fine\n" for i in range(80_000)).encode()
    path.write_bytes(b"product_id,review_date,rating,review_text\n" + ascii_rows + b"2,2024-01-02,4,\xff\xfe\n")
    assert load_reviews(path, review_text=False).frame["has_text"].all()
    with pytest.raises(InputError, match="not text in UTF-8 or CP949"):
        load_reviews(path)
    path.write_bytes(b"product_id,review_date,rating,review_text\n2,2024-01-02,4,\xff\xfe\n" + ascii_rows)
    with pytest.raises(InputError, match="not text in UTF-8 or CP949"):
        load_reviews(path, review_text=False)
