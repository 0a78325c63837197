"""The one JSON input reader: paths, text and files; clear errors; exact numbers."""

import io

import pytest

from coherence._jsonio import by_label, check_numbers, json_object, label_from_json, load_json
from coherence.errors import InputError


def test_sources(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text('{"a": [1, "1/2"]}', encoding="utf-8")
    want = {"a": [1, "1/2"]}
    assert load_json(path) == want
    assert load_json(path.read_text()) == want
    assert load_json(path.read_bytes()) == want
    assert load_json(io.StringIO('{"a": [1, "1/2"]}')) == want
    assert load_json(io.BytesIO(b'{"a": [1, "1/2"]}')) == want
    assert load_json(want) is want


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "invalid JSON: Expecting property name"), ('{"a": NaN}', "NaN"),
     ('[Infinity]', "Infinity"), ('{"a": -Infinity}', "-Infinity"), (b"\xff", "UTF-8")],
)
def test_bad_json_is_one_clear_input_error(text, message):
    with pytest.raises(InputError, match=message):
        load_json(text)


def test_path_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_json(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[1,", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json: invalid JSON"):
        load_json(bad)
    with pytest.raises(InputError):
        load_json(42)  # type: ignore[arg-type]  # not a source, refused with InputError


def test_json_object_checks_keys():
    assert json_object('{"a": 1}', required=("a",), allowed=("a", "b")) == {"a": 1}
    with pytest.raises(InputError, match="game JSON must be an object"):
        json_object("[1]", what="game")
    with pytest.raises(InputError, match="unknown key 'c' in game JSON"):
        json_object('{"a": 1, "c": 2}', what="game", allowed=("a",))
    with pytest.raises(InputError, match="needs 'a' and 'b'"):
        json_object("{}", required=("a", "b"))


@pytest.mark.parametrize("bad", [[None, 1], [[True]], [{"x": 1}], [float("nan")], ["1/0"]])
def test_check_numbers_refuses_non_numbers(bad):
    with pytest.raises(InputError, match=r"payoffs\[0\]"):
        check_numbers(bad, what="payoffs")


def test_check_numbers_accepts_exact_forms():
    check_numbers([[1, "1/3"], [0.5, "-2.5e1"]], what="payoffs")
    check_numbers(7)


def test_labels_and_values_by_label():
    assert label_from_json([1, ["a", None]]) == (1, ("a", None))
    with pytest.raises(InputError):
        label_from_json({"a": 1})
    assert by_label({"[1, 2]": "1/2"}, [(1, 2)]) == [0.5]
    with pytest.raises(InputError):
        by_label({"a": "1", "b": "0"}, ["a"])

