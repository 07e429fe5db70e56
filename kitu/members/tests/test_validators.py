import pytest
from django.core.exceptions import ValidationError

from kitu.members.validators import is_valid_leitweg_id, leitweg_check_digits, validate_leitweg_id


@pytest.mark.parametrize("value", ["04011000-1234512345-06", "991-33333TEST-33", "992-90009-96", "04011000-900X999-08"])
def test_published_valid_leitweg_ids(value: str) -> None:
    assert is_valid_leitweg_id(value)
    validate_leitweg_id(value)


def test_lowercase_letters_count_like_uppercase() -> None:
    assert is_valid_leitweg_id("991-33333test-33")


def test_wrong_check_digits_are_refused_with_the_expected_ones() -> None:
    assert not is_valid_leitweg_id("04011000-12345-34")
    with pytest.raises(ValidationError) as exc:
        validate_leitweg_id("04011000-12345-34")
    assert exc.value.code == "leitweg_check"
    assert exc.value.params == {"expected": leitweg_check_digits("0401100012345")}


@pytest.mark.parametrize(
    "value", ["", "1-12", "15-ABC", "1234567890123-00", "15-ÄÖÜ-12", "15--12", "15-" + "A" * 31 + "-12"]
)
def test_malformed_leitweg_ids(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_leitweg_id(value)
    assert exc.value.code == "leitweg_format"


@pytest.mark.parametrize(
    ("address", "digits"),
    [("040110001234512345", "06"), ("99133333TEST", "33"), ("99290009", "96"), ("04011000900X999", "08")],
)
def test_check_digits_computed(address: str, digits: str) -> None:
    assert leitweg_check_digits(address) == digits
