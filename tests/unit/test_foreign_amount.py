"""ForeignAmount: receipts from Kumasi or Novi Sad keep currency, amount, rate and rate date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import InvalidInputError
from domain.foreign import ForeignAmount
from domain.money import Money

RATE_DAY = date(2026, 2, 27)


class TestConvertingToEuro:
    def test_cedi_are_converted_at_units_per_euro_and_rounded_half_up(self):
        # act: 1,500 GHS at 16.5 GHS per euro = 90.9090… €
        amount = ForeignAmount.convert("GHS", "1500", Decimal("16.5"), RATE_DAY)

        # assert
        assert amount.euro == Money("90.91")
        assert (amount.currency, amount.original, amount.rate, amount.rate_date) == (
            "GHS",
            Decimal("1500"),
            Decimal("16.5"),
            RATE_DAY,
        )

    def test_an_exact_half_cent_is_rounded_up(self):
        # 1 RSD at 8 RSD per euro = 0.125 € -> 0.13 € (not 0.12 as banker's rounding would)
        assert ForeignAmount.convert("RSD", 1, 8, RATE_DAY).euro == Money("0.13")

    def test_the_currency_code_is_normalised_to_upper_case(self):
        assert ForeignAmount.convert(" uah ", "1000", "45.20", RATE_DAY).currency == "UAH"

    def test_an_original_amount_with_four_decimals_is_kept_as_given(self):
        amount = ForeignAmount.convert("CNY", "123.4567", "7.8", RATE_DAY)

        assert amount.original == Decimal("123.4567")
        assert amount.euro == Money("15.83")


class TestRefusedConversions:
    def test_euro_is_not_converted(self):
        with pytest.raises(InvalidInputError, match="Euro-Beträge werden nicht umgerechnet") as refusal:
            ForeignAmount.convert("EUR", "100", "1", RATE_DAY)

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "currency"

    @pytest.mark.parametrize("code", ["GH", "CEDI", "G1S", "", None, "€"])
    def test_a_code_that_is_not_three_letters_is_refused(self, code):
        with pytest.raises(InvalidInputError, match="kein ISO-Währungscode") as refusal:
            ForeignAmount.convert(code, "100", "16.5", RATE_DAY)

        assert refusal.value.field == "currency"

    @pytest.mark.parametrize("rate", ["0", 0, "-16.5", Decimal("-1")])
    def test_a_zero_or_negative_rate_is_refused(self, rate):
        with pytest.raises(InvalidInputError, match="Wechselkurs muss größer als 0 sein") as refusal:
            ForeignAmount.convert("GHS", "1500", rate, RATE_DAY)

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "rate"

    def test_a_float_rate_is_refused(self):
        with pytest.raises(InvalidInputError, match="Gleitkommazahlen") as refusal:
            ForeignAmount.convert("GHS", "1500", 16.5, RATE_DAY)

        assert refusal.value.field == "rate"

    def test_a_float_original_amount_is_refused(self):
        with pytest.raises(InvalidInputError, match="Gleitkommazahlen") as refusal:
            ForeignAmount.convert("GHS", 1500.0, "16.5", RATE_DAY)

        assert refusal.value.field == "original"

    @pytest.mark.parametrize("original", ["0", "-10"])
    def test_a_zero_or_negative_original_amount_is_refused(self, original):
        with pytest.raises(InvalidInputError, match="Originalbetrag muss größer als 0 sein"):
            ForeignAmount.convert("GHS", original, "16.5", RATE_DAY)

    def test_an_original_amount_with_more_than_four_decimals_is_refused(self):
        with pytest.raises(InvalidInputError, match="zu viele Nachkommastellen"):
            ForeignAmount.convert("GHS", "1.23456", "16.5", RATE_DAY)

    def test_a_missing_rate_date_is_refused(self):
        with pytest.raises(InvalidInputError, match="Das Kursdatum fehlt") as refusal:
            ForeignAmount.convert("GHS", "1500", "16.5", "2026-02-27")  # type: ignore[arg-type]

        assert refusal.value.field == "rate_date"

    def test_a_garbage_rate_is_refused(self):
        with pytest.raises(InvalidInputError, match="ist kein Betrag"):
            ForeignAmount.convert("GHS", "1500", "sechzehn", RATE_DAY)
