"""The VAT regime rule, countries and identifiers: pure rules, no ledger."""

from decimal import Decimal as D

import pytest

from koban_cli.domain import identity, vat_regimes
from koban_cli.domain.countries import country_code, stored_code
from koban_cli.domain.lines import VatPolicy
from koban_cli.errors import InvalidValue


@pytest.mark.parametrize(
    "exempt, country, individual, vat_number, goods, forced, regime",
    [
        (False, "FR", False, "", True, None, "S"),
        (False, "MC", False, "", False, None, "S"),  # Monaco is in the French VAT territory
        (True, "DE", False, "DE136695976", True, None, "E"),  # the franchise wins over everything
        (True, "FR", False, "", False, "K", "E"),
        (False, "DE", False, "DE136695976", True, None, "K"),
        (False, "DE", False, "DE136695976", False, None, "AE"),
        (False, "DE", False, "", True, None, "S"),  # an EU business without a VAT number pays French VAT
        (False, "DE", True, "", False, None, "S"),  # so does an EU consumer
        (False, "US", False, "", True, None, "G"),
        (False, "US", True, "", True, None, "G"),  # an export is exempt whoever buys
        (False, "US", False, "", False, None, "O"),
        (False, "US", True, "", False, None, "S"),  # a service to a consumer abroad is taxed in France
        (False, "FR", False, "", False, "AE", "AE"),  # forced per customer
    ],
)
def test_the_regime_follows_the_seller_the_buyer_and_what_is_sold(
    exempt, country, individual, vat_number, goods, forced, regime
):
    assert vat_regimes.regime_of(exempt, country, individual, vat_number, goods, forced) == regime


def test_the_policy_charges_the_products_rate_only_under_the_standard_regime():
    german = VatPolicy(country="DE", buyer_vat_number="DE136695976")
    assert german.rate(D(20), "goods") == 0 and german.line_regime(D(0), "goods") == "K"
    assert german.line_regime(D(0), "service") == "AE"
    american = VatPolicy(country="US", individual=True)
    assert american.rate(D(20), "goods") == 0 and american.rate(D(20), "service") == D(20)
    assert VatPolicy().line_regime(D(0)) == "Z" and VatPolicy().line_regime(D("5.5")) == "S"
    assert VatPolicy(exempt=True).rate(D(20)) == 0


def test_an_out_of_scope_line_beside_other_categories_is_declared_exempt():
    assert vat_regimes.settled(["O", "O"]) == ["O", "O"]
    assert vat_regimes.settled(["G", "O"]) == ["G", "O/E"]
    assert vat_regimes.REGIMES["O/E"].category == "E"


def test_each_exempt_regime_has_its_exemption_code_and_legal_text():
    texts = {key: (r.code, r.mention) for key, r in vat_regimes.REGIMES.items()}
    assert texts["K"] == ("VATEX-EU-IC", "Exonération de TVA, article 262 ter I du CGI")
    assert texts["G"] == ("VATEX-EU-G", "Exonération de TVA, article 262 I du CGI")
    assert texts["E"] == ("VATEX-FR-FRANCHISE", "TVA non applicable, art. 293 B du CGI")
    assert texts["AE"][0] == "VATEX-EU-AE" and texts["AE"][1].startswith("Autoliquidation")
    assert texts["O"][0] == "VATEX-EU-O" and "259-1" in texts["O"][1]
    assert vat_regimes.mentions(["K", "AE", "K", "S"]) == [texts["K"][1], texts["AE"][1]]


def test_the_operation_is_goods_services_or_mixed():
    assert vat_regimes.operation([True, True]) == "goods"
    assert vat_regimes.operation([False]) == "services"
    assert vat_regimes.operation([True, False]) == "mixed"


@pytest.mark.parametrize(
    "typed, code",
    [("Allemagne", "DE"), ("États-Unis", "US"), ("etats unis", "US"), ("de", "DE"), ("Germany", "DE"), ("", "FR")],
)
def test_countries_are_typed_as_codes_or_french_or_english_names(typed, code):
    assert country_code(typed) == code


def test_an_unknown_country_is_refused_naming_it():
    with pytest.raises(InvalidValue, match='country "Atlantide" is not a known country'):
        country_code("Atlantide")
    assert stored_code("Allemagne") == "DE"


@pytest.mark.parametrize(
    "check, good, bad, message",
    [
        (identity.siren, "552 100 554", "552100555", 'SIREN "552100555" is not a valid SIREN'),
        (identity.siren, "55210055400013", "55210055400014", 'SIRET "55210055400014" is not a valid SIRET'),
        (identity.vat_number, "FR96552100554", "FR40552100554", 'VAT number "FR40552100554" is not a valid FR'),
        (identity.vat_number, "DE136695976", "DE136695977", 'VAT number "DE136695977" is not a valid DE'),
        (identity.iban, "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890188", 'IBAN "FR763000600'),
        (identity.bic, "AGRIFRPP", "AGRI1RPP", 'BIC "AGRI1RPP" is not a valid BIC'),
    ],
)
def test_identifiers_are_checked_with_their_check_digits(check, good, bad, message):
    assert check(good)
    with pytest.raises(InvalidValue) as refused:
        check(bad)
    assert str(refused.value).startswith(message)
