"""Numbers written as JavaScript writes them (Number.prototype.toString, ECMA-262
Number::toString): beacon values must read as HubSpot's String(value) would.

Rule 1: the digits are Python's repr, which is, like JavaScript's, the shortest digit
        string that reads back as the same double; only the layout differs
        (Python '1e-07', '1e+16', '0.0001'; JavaScript '1e-7', '10000000000000000').
Rule 2: fixed notation for 1e-7 <= |x| < 1e21, else 'd.ddde+n' / 'd.ddde-n';
        NaN, Infinity, -Infinity as JavaScript spells them; -0 is '0'.
Rule 3: an int (how integral JS numbers arrive) beyond 2**53 is written from its exact
        digits: right for round values (1e21 -> '1e+21'); JavaScript writes the
        shortest digits instead (2**60 -> '1152921504606847000', here
        '1152921504606846976'), a difference only for such huge, non-round integers.
Rule 4: only idioms the trimmed runtime keeps (README, "Performance"): no string
        repetition, no float arithmetic, no unary minus on an int (0 - n instead), int()
        of plain digits only, no float(int) (all cut from the trimmed runtime).
"""

JS_FIXED_DIGITS = 21        # from 1e21 JavaScript switches to exponent notation
SAFE_INT = 9007199254740992     # 2**53: beyond it an int is a double's value
SMALL_FIXED = 0 - 6             # down to 1e-7 JavaScript writes fixed notation


def js_number_text(value):
    """String(value) in JavaScript for a Python int or float."""
    if type(value) is int:
        if value < SAFE_INT and value > 0 - SAFE_INT:
            return str(value)
        return layout(str(value))
    if value != value:
        return "NaN"
    text = repr(value)
    if text == "inf" or text == "-inf":     # not float("inf") per call: two string parses
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    return layout(text)


def layout(text):
    """Python's 'd.ddde-07' / '123.5' / '-12300' digits in JavaScript's layout."""
    sign = ""
    if text[0] == "-":
        sign = "-"
        text = text[1:]
    exponent = 0
    e = text.find("e")
    if e >= 0:
        power = text[e + 1:]
        negative = power[0] == "-"
        if power[0] == "-" or power[0] == "+":
            power = power[1:]
        exponent = 0 - int(power) if negative else int(power)
        text = text[:e]
    point = text.find(".")
    if point < 0:
        point = len(text)
    else:
        text = text[:point] + text[point + 1:]
    # value = 0.<digits> * 10 ** n, digits without leading or trailing zeros.
    n = point + exponent
    start = 0
    while start < len(text) - 1 and text[start] == "0":
        start += 1
        n -= 1
    end = len(text)
    while end > start + 1 and text[end - 1] == "0":
        end -= 1
    digits = text[start:end]
    k = len(digits)
    if k <= n <= JS_FIXED_DIGITS:
        return sign + digits + zeros(n - k)
    if 0 < n <= JS_FIXED_DIGITS:
        return sign + digits[:n] + "." + digits[n:]
    if n > SMALL_FIXED and n <= 0:
        return sign + "0." + zeros(0 - n) + digits
    power = n - 1
    mark = "e+" if power >= 0 else "e-"
    power = power if power >= 0 else 0 - power
    if k == 1:
        return sign + digits + mark + str(power)
    return sign + digits[0] + "." + digits[1:] + mark + str(power)


def zeros(count):
    out = ""
    for i in range(count):
        out += "0"
    return out
