"""Reading what people type: German amounts strictly, dates in both spellings, percentages, free text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.money import Money
from web.forms import FieldError, FormReader, format_amount, parse_amount, parse_date, parse_decimal, parse_percent


class TestAmounts:
    @pytest.mark.parametrize(
        ("typed", "euros"),
        [
            ("1.234,56", "1234.56"),
            ("1234,56", "1234.56"),
            ("1234", "1234.00"),
            ("1.234", "1234.00"),
            ("0,5", "0.50"),
            ("12.345.678,90", "12345678.90"),
            (" 250,00 € ", "250.00"),
            ("1 000,00", "1000.00"),
        ],
    )
    def test_german_amounts_are_read_exactly(self, typed: str, euros: str) -> None:
        assert parse_amount(typed) == Money(euros)

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("1.000,5x", "ist kein Betrag"),
            ("-250,00", "negative Beträge sind nicht zulässig"),
            ("−250,00", "negative Beträge sind nicht zulässig"),
            ("1,234", "höchstens zwei Nachkommastellen"),
            ("12,345", "höchstens zwei Nachkommastellen"),
            ("1.23,45", "ist kein Betrag"),
            ("1,234.56", "ist kein Betrag"),
            ("12.5", "ist kein Betrag"),
            ("1e3", "ist kein Betrag"),
            ("", "Bitte einen Betrag angeben"),
            ("0,00", "größer als 0,00"),
            ("1.000.000.000,00", "unplausibel groß"),
        ],
    )
    def test_anything_else_is_refused_with_the_reason(self, typed: str, message: str) -> None:
        with pytest.raises(FieldError, match=message) as refused:
            parse_amount(typed, "amount")

        assert refused.value.field == "amount"

    def test_zero_is_allowed_where_the_form_says_so(self) -> None:
        assert parse_amount("0,00", allow_zero=True) == Money("0")

    def test_amounts_are_written_back_the_way_people_type_them(self) -> None:
        assert format_amount(Money("1234567.5")) == "1.234.567,50"
        assert format_amount(Money("0")) == "0,00"


class TestDatesAndNumbers:
    def test_a_date_field_and_a_typed_german_date_mean_the_same_day(self) -> None:
        assert parse_date("2026-03-31", "on") == parse_date("31.03.2026", "on") == date(2026, 3, 31)

    @pytest.mark.parametrize("typed", ["31.02.2026", "2026-13-01", "morgen", "31/03/2026"])
    def test_impossible_or_foreign_dates_are_refused(self, typed: str) -> None:
        with pytest.raises(FieldError):
            parse_date(typed, "on")

    def test_percentages_become_fractions(self) -> None:
        assert parse_percent("90", "rate") == Decimal("0.9")
        assert parse_percent("87,5 %", "rate") == Decimal("0.875")
        with pytest.raises(FieldError):
            parse_percent("120", "rate")

    def test_exchange_rates_take_more_places_than_cents(self) -> None:
        assert parse_decimal("16,8512", "rate") == Decimal("16.8512")
        assert parse_decimal("1.250,00", "original", 4) == Decimal("1250.00")
        with pytest.raises(FieldError):
            parse_decimal("16,8.5", "rate")


class TestTheReader:
    def test_it_collects_every_problem_of_a_form_at_once(self) -> None:
        reader = FormReader({"amount": "1.000,5x", "on": "gestern", "reason": "ok", "csrf_token": "t"})

        reader.amount("amount")
        reader.day("on")

        assert set(reader.errors) == {"amount", "on"}
        assert "csrf_token" not in reader.values

    def test_text_areas_lose_the_carriage_returns_browsers_send(self) -> None:
        reader = FormReader({"notes": "Zeile eins\r\nZeile zwei"})

        assert reader.text("notes") == "Zeile eins\nZeile zwei"
