"""Bad input through the real CLI entry point: exit status 2, one stderr line, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_PRODUCTS = FIXTURES / "products.csv"
GOOD_REVIEWS = FIXTURES / "reviews.csv"
HEADER = "id,name,category_id,category,manufacturer\n"


def check_products(run_cli, path: Path) -> str:
    status, _, err = run_cli("data", "check", "--products", str(path),
                             "--reviews", str(GOOD_REVIEWS))
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith(f"error: {path}")
    return lines[0]


def write(tmp_path: Path, content: bytes | str, name: str = "products.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def test_check__empty_file(tmp_path, run_cli):
    line = check_products(run_cli, write(tmp_path, b""))
    assert "empty file" in line


def test_check__header_only(tmp_path, run_cli):
    line = check_products(run_cli, write(tmp_path, HEADER))
    assert "line 2: header only, no data rows" in line


def test_check__missing_required_column(tmp_path, run_cli):
    line = check_products(run_cli, write(tmp_path, "id,name,category\n1,a,b\n"))
    assert "line 1: missing required column 'category_id'" in line


@pytest.mark.parametrize(("delimiter", "label"), [(";", "';'"), ("\t", "tab")])
def test_check__wrong_delimiter(tmp_path, delimiter, label, run_cli):
    text = HEADER.replace(",", delimiter) + delimiter.join(["1", "a", "2", "b>c", "x"]) + "\n"
    line = check_products(run_cli, write(tmp_path, text))
    assert f"wrong delimiter: the header is separated by {label}" in line


@pytest.mark.parametrize(("row", "count"), [("3,c,2,x>y\n", 4), ("3,c,2,x>y,m,extra\n", 6)])
def test_check__ragged_row_named_by_line(tmp_path, row, count, run_cli):
    text = HEADER + '1,"두 줄\n이름",2,x>y,m\n' + "2,b,2,x>y,m\n" + row
    line = check_products(run_cli, write(tmp_path, text))
    assert f"line 5: ragged row: {count} fields, the header has 5" in line


def test_check__unterminated_quote(tmp_path, run_cli):
    text = HEADER + "1,a,2,x>y,m\n" + '2,"never closed,2,x>y,m\n'
    line = check_products(run_cli, write(tmp_path, text))
    assert "line 3: unterminated quoted field" in line


def test_check__binary_garbage(tmp_path, run_cli):
    garbage = bytes(range(256)) * 8
    line = check_products(run_cli, write(tmp_path, garbage))
    assert "binary data" in line


def test_check__undecodable_bytes_without_nul(tmp_path, run_cli):
    garbage = HEADER.encode() + b"1,\xff\xfe\xfd\xfc,2,x,y\n"
    line = check_products(run_cli, write(tmp_path, garbage))
    assert "not text in UTF-8 or CP949" in line and "byte " in line


def test_check__missing_path(tmp_path, run_cli):
    line = check_products(run_cli, tmp_path / "absent.csv")
    assert "file not found" in line


def test_check__directory_instead_of_file(tmp_path, run_cli):
    line = check_products(run_cli, tmp_path)
    assert "is a directory" in line


def test_check__unreadable_file(tmp_path, monkeypatch, run_cli):
    path = write(tmp_path, HEADER + "1,a,2,b,c\n")
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    # chmod cannot be relied on (tests may run as root), so the OS refusal is simulated.
    monkeypatch.setattr(Path, "open", deny)
    line = check_products(run_cli, path)
    assert line.endswith("cannot read: Permission denied")


def test_check__bad_reviews_file_named(tmp_path, run_cli):
    reviews = write(tmp_path, "product_id,rating\n1,5\n", "reviews.csv")
    status, _, err = run_cli("data", "check", "--products", str(GOOD_PRODUCTS),
                             "--reviews", str(reviews))
    assert status == 2
    assert err.strip() == f"error: {reviews}: line 1: missing required column 'review_date' (found 'product_id', 'rating')"


def test_check__prints_table_and_writes_json(tmp_path, run_cli):
    out = tmp_path / "q" / "quality.json"
    status, stdout, _ = run_cli("data", "check", "--products", str(GOOD_PRODUCTS), "--reviews", str(GOOD_REVIEWS),
                                "--json", str(out))
    assert status == 0
    assert "Data quality" in stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["products"]["rows_kept"] == 4
    assert report["reviews_unknown_product"] == 1


def test_check__subprocess_has_no_traceback(tmp_path):
    bad = write(tmp_path, HEADER)
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "data", "check", "--products", str(bad), "--reviews", str(GOOD_REVIEWS)],
        check=False, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
