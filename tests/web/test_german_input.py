"""One reading of German numbers and dates (``web.german``) for forms and the import.

Format → parse is the identity for every amount, decimal, percentage and date; the ambiguous inputs
``1.250`` and ``1,005`` mean the same everywhere (a thousand two hundred and fifty; one and five
thousandths, which no amount can be), and a dot that cannot group thousands is refused, never guessed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import Money
from foerderbuch import importing
from foerderbuch.importing import CellError
from web.forms import FieldError, format_amount, parse_amount, parse_date, parse_decimal, parse_percent
from web.german import (
    GermanInputError,
    read_amount,
    read_date,
    read_decimal,
    read_percent,
    write_amount,
    write_date,
    write_decimal,
)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2).map(Money)
decimals = st.integers(0, 6).flatmap(
    lambda places: st.decimals(min_value=Decimal(0), max_value=Decimal("10") ** 12, places=places)
)
fractions = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(1), places=6)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


class TestFormatThenParseIsTheIdentity:
    @given(amounts)
    def test_amounts(self, amount: Money) -> None:
        typed = write_amount(amount)

        assert read_amount(typed) == amount
        assert parse_amount(typed) == amount  # a form field
        assert importing.parse_money(typed) == amount  # a text cell of the import
        assert format_amount(amount) == typed

    @given(decimals)
    def test_decimals_keep_every_place(self, number: Decimal) -> None:
        typed = write_decimal(number)
        read = read_decimal(typed)

        assert read == number and read.as_tuple().exponent == number.as_tuple().exponent
        assert importing.parse_decimal(typed) == number

    @given(fractions)
    def test_percentages(self, fraction: Decimal) -> None:
        typed = write_decimal((fraction * 100).normalize()) + " %"

        assert read_percent(typed) == fraction
        assert parse_percent(typed, "rate") == fraction
        assert importing.parse_rate(typed) == fraction

    @given(days)
    def test_dates_typed_and_from_a_date_field(self, day: date) -> None:
        assert read_date(write_date(day)) == day
        assert read_date(day.isoformat()) == day
        assert parse_date(write_date(day), "on") == importing.parse_date(write_date(day)) == day


class TestAmbiguousInputsHaveOneReading:
    """1.250 and 1,005 are read by one rule in every entry point, or refused in every one."""

    def test_a_dot_groups_thousands(self) -> None:
        assert read_amount("1.250") == parse_amount("1.250") == importing.parse_money("1.250") == Money("1250")
        assert read_decimal("1.250") == parse_decimal("1.250", "x") == importing.parse_decimal("1.250") == 1250

    def test_a_comma_separates_decimals_so_1_005_is_no_amount(self) -> None:
        assert read_decimal("1,005") == parse_decimal("1,005", "rate") == importing.parse_decimal("1,005")
        assert read_decimal("1,005") == Decimal("1.005")
        with pytest.raises(GermanInputError, match="höchstens zwei Nachkommastellen"):
            read_amount("1,005")
        with pytest.raises(FieldError, match="höchstens zwei Nachkommastellen"):
            parse_amount("1,005")
        with pytest.raises(CellError, match="höchstens zwei Nachkommastellen"):
            importing.parse_money("1,005")

    @pytest.mark.parametrize(("typed", "meant"), [("1.25", "1,25"), ("1234.56", "1.234,56"), ("12.5", "12,5")])
    def test_a_dot_that_cannot_group_thousands_is_refused_with_what_was_meant(self, typed: str, meant: str) -> None:
        for read in (read_amount, read_decimal):
            with pytest.raises(GermanInputError, match=f"Gemeint: .*{meant}") as refused:
                read(typed)
            assert "deutscher Schreibweise" in refused.value.message
        with pytest.raises(FieldError, match=meant):
            parse_amount(typed)
        with pytest.raises(CellError, match=meant):
            importing.parse_money(typed)

    @pytest.mark.parametrize("typed", ["1.23,45", "1.2345", "1e3", "١٢", "1,2,3", "12,5.0", "0x10", "1_000"])
    def test_anything_else_is_refused_everywhere(self, typed: str) -> None:
        with pytest.raises(GermanInputError):
            read_decimal(typed)
        with pytest.raises(FieldError):
            parse_decimal(typed, "x")
        with pytest.raises(CellError):
            importing.parse_decimal(typed)

    def test_spaces_euro_signs_and_percent_signs_are_ignored(self) -> None:
        assert read_amount(" 1 234,56\xa0€ ") == read_amount("EUR 1.234,56") == Money("1234.56")
        assert read_percent("87,5 %") == read_percent("87,5") == Decimal("0.875")
