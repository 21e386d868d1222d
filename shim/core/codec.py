"""Beacon query strings: the encoding side of the codec.

The browser builds beacon URLs with `encode_query`; the tests, the pytest plugin and
the local collector read them back with shim.testing.codec.decode_query (host-only,
so the browser bundle does not carry it).

Rule 1: encoding is HubSpot's: every key and every value goes through
        encodeURIComponent, then each "%20" becomes "+", pairs are joined with "&".
Rule 2: `encode_component` here is the pure-Python twin of encodeURIComponent; the
        browser adapter injects the native one (faster) and the tests check both agree.
Rule 3: nothing here raises on odd input: lone surrogates encode as U+FFFD.
"""

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()"
HEX = "0123456789ABCDEF"
_SAFE = {}
for _c in UNRESERVED:
    _SAFE[_c] = True


def _byte(b):
    return "%" + HEX[b >> 4] + HEX[b & 15]


def encode_component(text):
    """encodeURIComponent in pure Python (UTF-8, same unreserved set)."""
    out = ""
    for ch in text:
        if ch in _SAFE:
            out += ch
            continue
        cp = ord(ch)
        if cp < 0x80:
            out += _byte(cp)
        elif cp < 0x800:
            out += _byte(0xC0 | (cp >> 6)) + _byte(0x80 | (cp & 63))
        elif cp < 0x10000:
            if 0xD800 <= cp <= 0xDFFF:
                cp = 0xFFFD                     # lone surrogate: JS would throw
            out += (_byte(0xE0 | (cp >> 12)) + _byte(0x80 | ((cp >> 6) & 63))
                    + _byte(0x80 | (cp & 63)))
        else:
            out += (_byte(0xF0 | (cp >> 18)) + _byte(0x80 | ((cp >> 12) & 63))
                    + _byte(0x80 | ((cp >> 6) & 63)) + _byte(0x80 | (cp & 63)))
    return out


def encode_query(pairs, encode=encode_component):
    """[(key, value), ...] -> 'k=v&k=v' in HubSpot's encoding. Values must be str."""
    out = ""
    for i in range(len(pairs)):
        pair = pairs[i]
        if i:
            out += "&"
        out += encode(pair[0]) + "=" + encode(pair[1])
    # '%' itself is always escaped, so '%20' can only come from a space.
    return out.replace("%20", "+")
