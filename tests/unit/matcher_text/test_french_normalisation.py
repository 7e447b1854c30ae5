from services.matcher.domain.text.french import fold, keys, neutral, plain_typography, plural_head


def test_masculine_feminine_and_plural_forms_share_one_key() -> None:
    assert keys("Maçonne") == keys("Maçon") == keys("maçons") == ["macon"]
    assert keys("Directrices") == keys("directeur") == ["directeur"]
    assert keys("Vendeuse") == keys("vendeurs") == ["vendeur"]
    assert keys("Cuisinière") == keys("cuisinier") == ["cuisinier"]
    assert keys("Technicienne") == keys("technicien") == ["technicien"]
    assert keys("médicaux") == keys("médicale") == ["medical"]
    assert keys("Cheffe") == keys("chef") == ["chef"]


def test_a_gendered_label_comes_down_to_its_trade_however_it_is_written() -> None:
    expected = "chef equipe macon"
    assert neutral("Chef d'équipe maçon / maçonne") == expected
    assert neutral("cheffe d’équipe maçonne") == expected
    assert neutral("chef d'équipe maçon/chef d'équipe maçonne") == expected


def test_accents_ligatures_elisions_and_stopwords_are_dropped() -> None:
    assert fold("Œnologue d’État") == "oenologue  etat"
    assert keys("Agent de l'accueil et des services") == ["agent", "accueil", "service"]


def test_short_words_are_left_as_they_are() -> None:
    assert keys("BTP VRD") == ["btp", "vrd"]


def test_a_label_starting_with_a_plural_names_a_family_of_jobs() -> None:
    assert plural_head("Imprimeurs")
    assert plural_head("Mécaniciens et réparateurs de machines agricoles")
    assert not plural_head("Imprimeur / Imprimeuse")
    assert not plural_head("imprimeur offset")
    assert not plural_head("Gens de mer")  # too short to tell


def test_typographic_signs_become_what_a_keyboard_types() -> None:
    assert plain_typography("Concierge d’hôtel") == "Concierge d'hôtel"
    pasted = plain_typography("Chargé « entreprises » — Toulouse")
    assert pasted == 'Chargé " entreprises " - Toulouse'
    assert plain_typography("  Agent\u00a0de  sûreté ") == "Agent de sûreté"
