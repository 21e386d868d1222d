"""The visitor token (hubspotutk): 32 lowercase hex characters.

Randomness is injected: `rand32()` returns an int in [0, 2**32). The browser adapter
backs it with crypto.getRandomValues; tests pass a counter.
"""

HEX_DIGITS = "0123456789abcdef"


def hex32(n):
    """An unsigned 32-bit int as 8 lowercase hex digits."""
    out = ""
    for shift in (28, 24, 20, 16, 12, 8, 4, 0):
        out += HEX_DIGITS[(n >> shift) & 15]
    return out


def new_visitor_token(rand32):
    """16 random bytes as 32 lowercase hex characters."""
    return hex32(rand32()) + hex32(rand32()) + hex32(rand32()) + hex32(rand32())


def is_visitor_token(text):
    if type(text) is not str or len(text) != 32:
        return False
    for ch in text:
        if ch not in HEX_DIGITS:
            return False
    return True
