"""Price requirements: hour and month caps, currencies and exchange rates, historic and missing prices."""

from __future__ import annotations

from tests.resolution.example_data import verdicts


def price_cap(value: str, currency: str = "currency:EUR", unit: str = "mpli:PerHour", rates: str = "") -> str:
    return f"""
ex:consumer mpli:requirement ex:r {rates and "; mpli:exchangeRate ex:rate"} .
ex:r a mpli:PriceRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:value {value} ; mpli:currency {currency} ; mpli:priceUnit {unit} .
{rates}
"""


USD_TO_EUR = """
ex:rate a mpli:ExchangeRate ; mpli:sourceCurrency currency:USD ; mpli:targetCurrency currency:EUR ; mpli:rate 0.9 .
"""


def test_hourly_cap(vocabulary_store):
    table = verdicts(vocabulary_store, price_cap("0.06"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["alpha-small"]["r"].actual == "0.05 EUR per hour"
    assert table["alpha-large"]["r"].verdict == "violated"


def test_monthly_price_against_hourly_cap(vocabulary_store):
    # 146 EUR per month of 730 hours is 0.2 EUR per hour.
    assert verdicts(vocabulary_store, price_cap("0.2"))["alpha-large"]["r"].verdict == "satisfied"
    assert verdicts(vocabulary_store, price_cap("0.19"))["alpha-large"]["r"].verdict == "violated"


def test_monthly_cap_against_hourly_price(vocabulary_store):
    # 0.05 EUR per hour is 36.5 EUR per month.
    assert verdicts(vocabulary_store, price_cap("36.5", unit="mpli:PerMonth"))["alpha-small"]["r"].verdict == "satisfied"
    assert verdicts(vocabulary_store, price_cap("36.4", unit="mpli:PerMonth"))["alpha-small"]["r"].verdict == "violated"


def test_per_minute_price(vocabulary_store):
    # 0.0005 EUR per minute is 0.03 EUR per hour.
    table = verdicts(vocabulary_store, price_cap("0.031"))
    assert table["gamma-tiny"]["r"].verdict == "satisfied"
    assert verdicts(vocabulary_store, price_cap("0.029"))["gamma-tiny"]["r"].verdict == "violated"


def test_other_currency_without_rate_unknown(vocabulary_store):
    verdict = verdicts(vocabulary_store, price_cap("1.0"))["beta-medium"]["r"]
    assert verdict.verdict == "unknown"
    assert verdict.actual == "0.1 USD per hour"
    assert verdict.note == "the price is in USD and the consumer gives no exchange rate to EUR"


def test_other_currency_with_rate_converted(vocabulary_store):
    # 0.10 USD at 0.9 is 0.09 EUR.
    table = verdicts(vocabulary_store, price_cap("0.09", rates=USD_TO_EUR))
    assert table["beta-medium"]["r"].verdict == "satisfied"
    assert "converted from USD" in table["beta-medium"]["r"].note
    table = verdicts(vocabulary_store, price_cap("0.089", rates=USD_TO_EUR))
    assert table["beta-medium"]["r"].verdict == "violated"


def test_rate_in_wrong_direction_unused(vocabulary_store):
    rate = """
ex:rate a mpli:ExchangeRate ; mpli:sourceCurrency currency:EUR ; mpli:targetCurrency currency:USD ; mpli:rate 1.1 .
"""
    table = verdicts(vocabulary_store, price_cap("1.0", rates=rate))
    assert table["beta-medium"]["r"].verdict == "unknown"


def test_missing_currency_unknown(vocabulary_store):
    verdict = verdicts(vocabulary_store, price_cap("1.0", rates=USD_TO_EUR))["beta-k8s"]["r"]
    assert verdict.verdict == "unknown"
    assert verdict.note == "the price states no currency"


def test_historic_price_unknown(vocabulary_store):
    verdict = verdicts(vocabulary_store, price_cap("1.0"))["beta-old"]["r"]
    assert verdict.verdict == "unknown"
    assert "historic" in verdict.note


def test_missing_price_unknown(vocabulary_store):
    verdict = verdicts(vocabulary_store, price_cap("1.0"))["alpha-nowhere"]["r"]
    assert verdict.verdict == "unknown"
    assert verdict.actual is None
    assert verdict.note == "no price is stated"


def test_cap_in_usd(vocabulary_store):
    table = verdicts(vocabulary_store, price_cap("0.1", currency="currency:USD"))
    assert table["beta-medium"]["r"].verdict == "satisfied"
    assert table["alpha-small"]["r"].verdict == "unknown"
