"""Small text checks shared by the parsers. ASCII only, on purpose: str.isdigit()
accepts '²' and other Unicode digits that int() then refuses."""

DIGITS = "0123456789"
HEX_DIGITS = "0123456789abcdef"


def only(text, alphabet):
    for ch in text:
        if ch not in alphabet:
            return False
    return True


def is_digits(text, max_len=16):
    return type(text) is str and 0 < len(text) <= max_len and only(text, DIGITS)


def is_hex32(text):
    """A visitor token: exactly 32 lowercase hex characters."""
    return type(text) is str and len(text) == 32 and only(text, HEX_DIGITS)
