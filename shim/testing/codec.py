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
