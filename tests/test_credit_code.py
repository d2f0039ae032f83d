from enforcement import credit_code as cc


def test_real_credit_codes_pass():
    for code in ("91110000600037341L", "91350100M000100Y43"):
        assert cc.validate(code) is None


def test_a_wrong_check_character_is_named():
    assert "check character" in cc.validate("911100006000373410")


def test_length_and_forbidden_letters_are_explained():
    assert "18 characters" in cc.validate("9111000060003734")
    assert "not allowed" in cc.validate("91110000600037341I")  # I is not in the alphabet


def test_make_completes_a_valid_code():
    assert cc.validate(cc.make("91131082MA0ABCDE1")) is None
