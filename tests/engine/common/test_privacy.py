"""The masks for phone numbers and addresses, and who reads them whole."""

from __future__ import annotations

import pytest

from engine.common.privacy import (
    mask_address,
    mask_email,
    mask_phone,
    mask_phones_in,
    masked_data,
    sees_personal_data,
)


@pytest.mark.parametrize(("phone", "shown"), [
    ("13912345678", "139****5678"), ("139 1234 5678", "139****5678"),
    ("+86 139-1234-5678", "861******5678"), ("2345678", "*****78"), ("", ""),
    ("unknown", "unknown"),
])
def test_a_phone_number_keeps_its_first_three_and_last_four_digits(phone: str,
                                                                  shown: str) -> None:
    assert mask_phone(phone) == shown


@pytest.mark.parametrize(("address", "shown"), [
    ("和諧花園 A座 1203", "和諧花園 A座"), ("和諧花園A座12樓03室", "和諧花園A座12樓"),
    ("Harmony Gardens Block B, Flat 1203", "Harmony Gardens Block"),
    ("1 Harbour Road 1203", "1 Harbour Road"), ("Flat1203", "…"), ("", ""),
])
def test_an_address_is_cut_to_its_building(address: str, shown: str) -> None:
    assert mask_address(address) == shown


def test_phone_numbers_typed_into_free_text_are_masked_and_other_numbers_kept() -> None:
    said = "Call me on 13912345678 or 139-1234-5678 about the 3 lifts in block 12"

    assert mask_phones_in(said) == ("Call me on 139****5678 or 139****5678 "
                                     "about the 3 lifts in block 12")


def test_data_is_masked_by_key_at_any_depth_and_left_whole_elsewhere() -> None:
    data = {"complainant_phone": "13912345678", "complainant_address": "和諧花園 A座 1203",
            "case_number": "C-2026-000001", "data": {"phone": "13800000000", "units": 3},
            "owners": [{"address": "和諧花園 B座 801"}]}

    assert masked_data(data) == {
        "complainant_phone": "139****5678", "complainant_address": "和諧花園 A座",
        "case_number": "C-2026-000001", "data": {"phone": "138****0000", "units": 3},
        "owners": [{"address": "和諧花園 B座"}]}


@pytest.mark.parametrize(("email", "shown"), [
    ("chan@example.com", "c***@example.com"), (" x@y.hk ", "x***@y.hk"), ("", ""),
    ("no-at-sign", "***"),
])
def test_an_email_address_keeps_its_first_letter_and_its_domain(email: str, shown: str) -> None:
    assert mask_email(email) == shown
    assert masked_data({"complainant_email": email}) == {"complainant_email": shown}


@pytest.mark.parametrize(("roles", "whole"), [
    ({"customer_service"}, True), ({"supervisor"}, True), ({"superior"}, True),
    ({"equipment_operations"}, False), ({"security", "cleaning"}, False), (set(), False),
    ({"process_owner"}, False), ({"administrator"}, False),
])
def test_only_customer_service_supervisors_and_superiors_read_personal_data_whole(
        roles: set[str], whole: bool) -> None:
    assert sees_personal_data(roles) is whole
