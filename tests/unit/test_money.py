"""Money: exact euro amounts, one rounding rule, German notation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInputError
from domain.money import Money

cents = st.integers(min_value=-(10**11), max_value=10**11).map(lambda c: Money(Decimal(c) / 100))


class TestCreatingAnAmount:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1234.50", Decimal("1234.50")),
            (7000, Decimal("7000.00")),
            (Decimal("0.10"), Decimal("0.10")),
            (" 12 ", Decimal("12.00")),
            ("-5.5", Decimal("-5.50")),
            ("1.000", Decimal("1.00")),
        ],
    )
    def test_decimals_ints_and_decimal_strings_are_accepted_as_euros_and_cents(self, value, expected):
        # act
        money = Money(value)

        # assert
        assert money.amount == expected
        assert money.amount.as_tuple().exponent == -2

    @pytest.mark.parametrize("value", [0.1, 7000.0, 1e3])
    def test_a_float_is_refused_because_binary_fractions_cannot_hold_cents(self, value):
        with pytest.raises(InvalidInputError, match="Gleitkommazahlen sind für Geld nicht zulässig") as refusal:
            Money(value)

        assert refusal.value.code == "invalid_input"

    @pytest.mark.parametrize("value", [True, False])
    def test_a_bool_is_refused_although_python_counts_it_as_an_int(self, value):
        with pytest.raises(InvalidInputError, match="Gleitkommazahlen sind für Geld nicht zulässig") as refusal:
            Money(value)

        assert refusal.value.code == "invalid_input"

    @pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", Decimal("NaN"), Decimal("Infinity"), "sNaN"])
    def test_not_a_number_and_infinity_are_refused(self, value):
        with pytest.raises(InvalidInputError, match="kein endlicher Betrag") as refusal:
            Money(value)

        assert refusal.value.code == "invalid_input"

    @pytest.mark.parametrize("value", ["1.005", Decimal("0.001"), "2.675"])
    def test_more_than_two_decimal_places_are_refused_instead_of_silently_rounded(self, value):
        with pytest.raises(InvalidInputError, match="höchstens zwei Nachkommastellen") as refusal:
            Money(value, field="amount")

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "amount"

    @pytest.mark.parametrize("value", ["zwölf Euro", "1,50", "", "12 €", "1.2.3"])
    def test_garbage_strings_are_refused_with_the_text_quoted(self, value):
        with pytest.raises(InvalidInputError, match="ist kein Betrag") as refusal:
            Money(value, field="grant")

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "grant"

    @pytest.mark.parametrize("value", [None, [1], object()])
    def test_other_types_are_refused(self, value):
        with pytest.raises(InvalidInputError, match="ist kein Betrag"):
            Money(value)

    def test_a_trillion_euros_is_refused_as_a_typing_error(self):
        with pytest.raises(InvalidInputError, match="unplausibel groß"):
            Money("1000000000000")

    def test_an_amount_is_immutable(self):
        money = Money("10.00")

        with pytest.raises(AttributeError):
            money.amount = Decimal("20.00")  # type: ignore[misc]

        assert money == Money("10.00")

    def test_equal_amounts_written_differently_are_equal_and_hash_alike(self):
        assert Money("7000") == Money("7000.00") == Money(7000)
        assert len({Money("7000"), Money(Decimal("7000.0"))}) == 1


class TestRoundingHalfUp:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0.005", "0.01"),
            ("0.004", "0.00"),
            ("2.675", "2.68"),  # a float 2.675 would round to 2.67
            ("2.665", "2.67"),  # banker's rounding would give 2.66
            ("1.125", "1.13"),
            ("-0.005", "-0.01"),  # half away from zero, as Decimal's ROUND_HALF_UP does
            ("-2.675", "-2.68"),
            ("-2.674", "-2.67"),
            (Decimal("7.0049999"), "7.00"),
            (3, "3.00"),
        ],
    )
    def test_rounded_rounds_half_up_to_whole_cents(self, value, expected):
        assert Money.rounded(value) == Money(expected)

    def test_rounded_refuses_floats_too(self):
        with pytest.raises(InvalidInputError, match="Gleitkommazahlen"):
            Money.rounded(2.675)

    @pytest.mark.parametrize(
        ("amount", "rate", "expected"),
        [
            ("10000.00", Decimal("0.7"), "7000.00"),
            ("0.15", Decimal("0.5"), "0.08"),  # 0.075 -> 0.08
            ("0.25", Decimal("0.5"), "0.13"),  # 0.125 -> 0.13, not 0.12
            ("333.33", Decimal("0.333"), "111.00"),  # 110.99889 -> 111.00
            ("-0.15", Decimal("0.5"), "-0.08"),
            ("12.34", 3, "37.02"),
        ],
    )
    def test_multiplying_by_a_rate_rounds_half_up(self, amount, rate, expected):
        assert Money(amount) * rate == Money(expected)
        assert rate * Money(amount) == Money(expected)

    @pytest.mark.parametrize("factor", [0.7, True, "0.7"])
    def test_multiplying_by_a_float_bool_or_string_is_refused(self, factor):
        with pytest.raises(TypeError):
            Money("100.00") * factor


class TestArithmetic:
    def test_adding_cents_stays_exact(self):
        assert Money("0.10") + Money("0.20") == Money("0.30")
        assert Money.sum([Money("0.01")] * 100) == Money("1.00")

    def test_subtracting_and_negating(self):
        assert Money("7000.00") - Money("7000.01") == Money("-0.01")
        assert -Money("12.50") == Money("-12.50")

    def test_the_sum_of_nothing_is_zero(self):
        assert Money.sum([]) == Money.zero() == Money("0.00")

    def test_adding_a_plain_number_is_refused(self):
        with pytest.raises(TypeError):
            Money("1.00") + 1  # type: ignore[operator]
        with pytest.raises(TypeError):
            Money("1.00") - Decimal("1")  # type: ignore[operator]

    def test_comparisons_and_truthiness(self):
        assert Money("0.01") > Money.zero()
        assert Money("-0.01") < Money.zero()
        assert Money("5.00") >= Money("5") and Money("5.00") <= Money("5")
        assert not Money.zero()
        assert Money("0.01")

    def test_require_positive_refuses_zero_and_names_the_field(self):
        with pytest.raises(InvalidInputError, match="Der Rückfluss muss größer als 0,00 € sein") as refusal:
            Money.zero().require_positive("amount", "Der Rückfluss")

        assert refusal.value.field == "amount"

    def test_require_not_negative_refuses_a_negative_amount(self):
        with pytest.raises(InvalidInputError, match="Eigenmittel darf nicht negativ sein"):
            Money("-0.01").require_not_negative("own_funds", "Eigenmittel")

        assert Money.zero().require_not_negative() == Money.zero()

    @settings(max_examples=200, deadline=None)
    @given(a=cents, b=cents)
    def test_addition_and_subtraction_are_exact_inverses(self, a, b):
        assert (a + b) - b == a

    @settings(max_examples=200, deadline=None)
    @given(value=st.decimals(min_value=-(10**9), max_value=10**9, places=5))
    def test_rounding_never_moves_more_than_half_a_cent(self, value):
        rounded = Money.rounded(value)
        assert abs(rounded.amount - value) <= Decimal("0.005")


class TestGermanNotation:
    @pytest.mark.parametrize(
        ("amount", "text"),
        [
            ("1234.5", "1.234,50 €"),
            ("-1234.5", "-1.234,50 €"),
            ("0", "0,00 €"),
            ("999.99", "999,99 €"),
            ("1000", "1.000,00 €"),
            ("1234567.89", "1.234.567,89 €"),
            ("-0.05", "-0,05 €"),
            ("-0.00", "0,00 €"),
        ],
    )
    def test_de_groups_thousands_with_dots_and_uses_a_decimal_comma(self, amount, text):
        assert Money(amount).de() == text

    def test_str_names_the_currency_code_for_logs(self):
        assert str(Money("1234.5")) == "1234.50 EUR"
