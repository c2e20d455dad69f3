"""synthgen.io.fast_json: json's very values, errors and bytes, whichever library does the work."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthgen.io.fast_json import dumps_line, dumps_lines, loads

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

READ = [
    b'{"a":1,"a":2}',
    b'"\\ud800"',  # a lone surrogate: orjson refuses it, json reads it
    b'"\\ud83d\\ude00"',
    b"123456789012345678901234567890",  # past 64 bits: orjson would read a float
    b"-9223372036854775809",
    b"18446744073709551615",
    b"1e400",
    b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte order mark
    b'{"k": "\xe2\x80\xa8", "n": null, "t": [true, false, 1.5, -0.0]}',
    b'{"text": "a\\u0000b\\n"}',
]


@pytest.mark.parametrize("raw", READ)
def test_loads_reads_what_json_reads(raw: bytes) -> None:
    assert repr(loads(raw)) == repr(json.loads(raw))


def test_loads_reads_nan_as_json_does() -> None:
    assert math.isnan(loads(b'{"x": NaN}')["x"])


@pytest.mark.parametrize("raw", [b'{"a": 1', b'"\xff"', b"[1,]", b'{"a":1}x', b'"\x01"', b""])
def test_loads_fails_as_json_does(raw: bytes) -> None:
    with pytest.raises(ValueError) as expected:
        json.loads(raw)
    with pytest.raises(type(expected.value)) as got:
        loads(raw)
    assert str(got.value) == str(expected.value)


@given(st.dictionaries(st.text(), st.text()))
def test_a_row_of_strings_is_written_as_json_writes_it(row: dict[str, str]) -> None:
    try:
        expected = ENCODER.encode(row) + "\n"
    except UnicodeEncodeError:  # pragma: no cover - hypothesis' text() has no lone surrogates
        return
    assert dumps_line(row) == expected


@pytest.mark.parametrize(
    "record",
    [
        {"f": 1e16, "g": 1e-7, "n": float("nan")},  # floats are written json's way
        {"i": 2**70},
        {1: "int key"},
        {"nested": {"a": ["b", 1, None, True]}},
        ["a", "b"],
        {"c": '\x00\x1f\x7f\u2028 é 😀 "\\/'},
    ],
)
def test_any_other_record_is_written_as_json_writes_it(record: object) -> None:
    assert dumps_line(record) == ENCODER.encode(record) + "\n"


@pytest.mark.parametrize(
    "records",
    [
        [
            {"instruction": "a", "input": "", "output": "é\n"},
            {"instruction": "b", "input": "c", "output": "d"},
        ],
        [{"a": "x"}, {"f": 1.5}],  # one row that is not all strings: json's way for every row
        [{1: "int key"}],
        [["a"]],
        [],
    ],
)
def test_lines_of_many_records_are_json_lines(records: list[object]) -> None:
    assert dumps_lines(records) == "".join(ENCODER.encode(r) + "\n" for r in records)
