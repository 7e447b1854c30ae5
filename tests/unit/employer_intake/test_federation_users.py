"""A new federation user, as typed in the portal's form or on the command line."""

from __future__ import annotations

from services.employer_intake.domain.federation_users import check_new_user


def test_a_complete_account_is_kept_with_its_spaces_tidied() -> None:
    user, errors = check_new_user("  Julie   Martin ", " julie.martin@btp31.fr ", "admin")
    assert errors == {}
    assert user is not None
    assert (user.name, user.email, user.role) == ("Julie Martin", "julie.martin@btp31.fr", "admin")


def test_each_missing_or_wrong_field_is_named_with_what_to_do() -> None:
    user, errors = check_new_user(" ", "julie.martin", "chef")
    assert user is None
    assert set(errors) == {"name", "email", "role"}
    assert "prenom.nom@federation.fr" in errors["email"]


def test_a_name_longer_than_the_contract_allows_is_refused() -> None:
    user, errors = check_new_user("J" * 201, "j@btp31.fr", "member")
    assert user is None and set(errors) == {"name"}
    accepted, _ = check_new_user("J" * 200, "j@btp31.fr", "member")
    assert accepted is not None and accepted.role == "member"
