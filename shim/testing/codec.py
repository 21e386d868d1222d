"""Host tool: the decoding side of the beacon codec (shim.core.codec encodes).

Rule 1: the exact inverse of shim.core.codec's encoding: '+' is a space, %XX are
        UTF-8 bytes; the tests check the round trip.
Rule 2: nothing here raises on odd input: bad percent escapes decode as themselves,
        invalid UTF-8 as U+FFFD.
"""

from shim.core.codec import HEX


def _hex_value(ch):
    return HEX.find(ch.upper())


def decode_component(text):
    """Inverse of shim.core.codec.encode_component: '+' is a space, %XX are UTF-8 bytes."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    data = bytearray()
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n:
            hi = _hex_value(text[i + 1])
            lo = _hex_value(text[i + 2])
            if hi >= 0 and lo >= 0:
                data.append(hi * 16 + lo)
                i += 3
                continue
        data.extend(ch.encode("utf-8", "surrogatepass"))
        i += 1
    return data.decode("utf-8", "replace")


def decode_query(query):
    """'k=v&k=v' (with or without a leading '?') -> [(key, value), ...] in order."""
    if query.startswith("?"):
        query = query[1:]
    pairs = []
    if not query:
        return pairs
    for part in query.split("&"):
        if not part:
            continue
        eq = part.find("=")
        if eq < 0:
            pairs.append((decode_component(part), ""))
        else:
            pairs.append((decode_component(part[:eq]), decode_component(part[eq + 1:])))
    return pairs


def split_url(url):
    """'https://h/p?q' -> ('https://h/p', 'q'); the query is '' when absent."""
    q = url.find("?")
    if q < 0:
        return url, ""
    return url[:q], url[q + 1:]


def _utf8_or_none(text):
    """decodeURIComponent: None where it throws (a bad escape, bytes that are not UTF-8)."""
    data = bytearray()
    i = 0
    n = len(text)
    while i < n:
        if text[i] == "%":
            pair = text[i + 1:i + 3]
            if len(pair) < 2 or _hex_value(pair[0]) < 0 or _hex_value(pair[1]) < 0:
                return None
            data.append(int(pair, 16))
            i += 3
        else:
            data.extend(text[i].encode("utf-8", "surrogatepass"))
            i += 1
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unescape(text):
    """JavaScript's unescape: %uXXXX and %XX as code units, anything else as it is."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        wide, short = text[i + 2:i + 6], text[i + 1:i + 3]
        if text[i] == "%" and text[i + 1:i + 2] == "u" and len(wide) == 4 and all(_hex_value(c) >= 0 for c in wide):
            out.append(chr(int(wide, 16)))
            i += 6
        elif text[i] == "%" and len(short) == 2 and all(_hex_value(c) >= 0 for c in short):
            out.append(chr(int(short, 16)))
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def decode_param(text):
    """HubSpot's decoder for its own URL parameters (`__hs_email`), as the browser adapter
    runs it (shim.adapter.page.decode_param): '+' is a space, then decodeURIComponent, or
    unescape where that throws. The core gets it injected (Tracker's `decode`)."""
    text = text.replace("+", " ")
    decoded = _utf8_or_none(text)
    return decoded if decoded is not None else _unescape(text)
