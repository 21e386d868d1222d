"""Cookie strings: reading document.cookie, writing HubSpot's cookie headers.

Rule 1: a written cookie is 'name=value;expires=<GMT>;path=/;domain=<d>;SameSite=Lax'
        plus ';secure' after enableSecureCookie; no expires means a session cookie;
        no domain means host-only (spec §5.3).
Rule 2: values the shim writes are validated first (tokens, digits and dots only),
        so a hostile value can never add attributes or other cookies.
Rule 3: no datetime module: `http_date` is the civil-from-days algorithm.
"""

DAY_MS = 86400000
MINUTE_MS = 60000
VISITOR_MS = 180 * DAY_MS              # hubspotutk, __hstc, __hs_do_not_track
SESSION_MS = 30 * MINUTE_MS            # __hssc
DELETED_MS = 1000                      # 1970-01-01 00:00:01 GMT
MAX_COOKIE_VALUE = 200                 # longer values of ours are tampered with
DO_NOT_TRACK_COOKIE = "__hs_do_not_track"   # value "yes": the visitor opted out
DEBUG_COOKIE = "hs_dbg"                 # value "1": debug mode, also on the next loads

DAYS = ("Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed")   # 1970-01-01 was a Thursday
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_cookies(header):
    """'a=1; b=2' -> {'a': '1', 'b': '2'}; the first of duplicate names wins."""
    out = {}
    if type(header) is not str or not header:
        return out
    parts = header.split(";")
    for i in range(len(parts)):
        part = parts[i].strip()
        eq = part.find("=")
        if eq <= 0:
            continue
        name = part[:eq].strip()
        if name not in out:
            out[name] = part[eq + 1:].strip()
    return out


def two(n):
    return ("0" if n < 10 else "") + str(n)


def http_date(ms):
    """Epoch milliseconds -> 'Thu, 01 Jan 1970 00:00:01 GMT'."""
    seconds = ms // 1000
    days = seconds // 86400
    rest = seconds - days * 86400
    # Howard Hinnant's civil_from_days.
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    year = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    if month <= 2:
        year += 1
    return (DAYS[days % 7] + ", " + two(day) + " " + MONTHS[month - 1] + " " + str(year) + " "
            + two(rest // 3600) + ":" + two((rest // 60) % 60) + ":" + two(rest % 60) + " GMT")


def cookie_header(name, value, expires_ms=None, domain="", secure=False):
    header = name + "=" + value
    if expires_ms is not None:
        header += ";expires=" + http_date(expires_ms)
    header += ";path=/"
    if domain:
        header += ";domain=" + domain
    header += ";SameSite=Lax"
    if secure:
        header += ";secure"
    return header
