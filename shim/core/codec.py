"""Beacon query strings: the encoding side of the codec.

The browser builds beacon URLs with `encode_query`; the tests, the pytest plugin and
the local collector read them back with shim.testing.codec.decode_query (host-only,
so the browser bundle does not carry it).

Rule 1: encoding is HubSpot's: every key and every value goes through
        encodeURIComponent, then each "%20" becomes "+", pairs are joined with "&".
Rule 2: `encode_component` here is the pure-Python twin of encodeURIComponent; the
        browser adapter injects the native one (faster) and the tests check both agree.
Rule 3: nothing here raises on odd input: lone surrogates encode as U+FFFD.
Rule 4: `decode_param` is HubSpot's decoder for its own URL parameters (`__hs_email`):
        '+' is a space, then decodeURIComponent, or `unescape` where that would throw.
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


_HEX_VALUES = {}
for _i in range(16):
    _HEX_VALUES[HEX[_i]] = _i
    _HEX_VALUES[HEX[_i].lower()] = _i


def _hex_value(text, at, count):
    """The number the `count` hex digits at `at` spell, or -1."""
    if at + count > len(text):
        return -1
    value = 0
    for i in range(at, at + count):
        digit = text[i]
        if digit not in _HEX_VALUES:
            return -1
        value = value * 16 + _HEX_VALUES[digit]
    return value


def _utf8(data):
    """Bytes (a list of ints) as UTF-8 text, or None where decodeURIComponent would throw
    (a stray byte, a short, overlong or surrogate sequence). Bit by bit: no bytes type."""
    out = ""
    i = 0
    n = len(data)
    while i < n:
        lead = data[i]
        if lead < 0x80:
            out += chr(lead)
            i += 1
            continue
        if 0xC2 <= lead <= 0xDF:
            need, point, least = 1, lead & 0x1F, 0x80
        elif 0xE0 <= lead <= 0xEF:
            need, point, least = 2, lead & 0x0F, 0x800
        elif 0xF0 <= lead <= 0xF4:
            need, point, least = 3, lead & 0x07, 0x10000
        else:
            return None
        if i + need >= n:
            return None
        for j in range(i + 1, i + need + 1):
            if data[j] & 0xC0 != 0x80:
                return None
            point = (point << 6) | (data[j] & 0x3F)
        if point < least or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
            return None
        out += chr(point)
        i += need + 1
    return out


def _decode_utf8(text):
    """decodeURIComponent, or None where it would throw (a bad escape, bad UTF-8)."""
    out = ""
    i = 0
    n = len(text)
    while i < n:
        if text[i] != "%":
            out += text[i]
            i += 1
            continue
        data = []
        while i < n and text[i] == "%":
            byte = _hex_value(text, i + 1, 2)
            if byte < 0:
                return None
            data.append(byte)
            i += 3
        run = _utf8(data)
        if run is None:
            return None
        out += run
    return out


def _unescape(text):
    """JavaScript's unescape: %uXXXX and %XX as code units, anything else as it is."""
    out = ""
    i = 0
    n = len(text)
    while i < n:
        if text[i] == "%":
            wide = _hex_value(text, i + 2, 4) if i + 1 < n and text[i + 1] == "u" else -1
            if wide >= 0:
                out += chr(wide)
                i += 6
                continue
            byte = _hex_value(text, i + 1, 2)
            if byte >= 0:
                out += chr(byte)
                i += 3
                continue
        out += text[i]
        i += 1
    return out


def decode_param(text):
    """HubSpot's decodeParam (Rule 4)."""
    text = text.replace("+", " ")
    decoded = _decode_utf8(text)
    return decoded if decoded is not None else _unescape(text)
