"""Numbers typed as text: ASCII digits only (model/decimal_text.py)."""

from __future__ import annotations

import pytest

from ocppsim.cli.arguments import host_port
from ocppsim.model.decimal_text import parse_decimal, parse_whole_number


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("7", 7), ("0042", 42), ("9" * 30, int("9" * 30))])
def test_whole_numbers_in_ascii_digits(text: str, number: int) -> None:
    assert parse_whole_number(text) == number


@pytest.mark.parametrize("text", ["", "¹", "٣", "３", "⑦", "-1", "+1", " 1", "1_0", "1.0", "x"])  # noqa: RUF001
def test_anything_else_is_no_whole_number(text: str) -> None:
    assert "٣".isdigit() and int("٣") == 3  # what the bare isdigit() / int() pair would let through
    assert parse_whole_number(text) is None


@pytest.mark.parametrize(
    ("text", "number"), [("16", 16.0), ("-3600", -3600.0), ("7.5", 7.5), ("1e3", 1000.0)]
)
def test_decimals(text: str, number: float) -> None:
    assert parse_decimal(text) == number


@pytest.mark.parametrize("text", ["٣", "٣.٥", "３", "1_0", "nan", "-inf", "Infinity", "1e309", "", "x"])  # noqa: RUF001
def test_non_ascii_separated_or_endless_is_no_decimal(text: str) -> None:
    assert parse_decimal(text) is None


def test_a_cli_port_in_other_digits_is_refused_not_a_crash() -> None:
    import argparse

    assert host_port("127.0.0.1:9000") == ("127.0.0.1", 9000)
    for text in ("127.0.0.1:¹", "127.0.0.1:٩٠٠٠"):
        with pytest.raises(argparse.ArgumentTypeError):
            host_port(text)
