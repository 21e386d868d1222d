"""Cookie domains and HubSpot's domain hash (spec §5.2, §5.3).

Rule 1: the hash input is the chosen cookie domain, else the page's host with only
        its first label dropped when it has more than two ('www.example.com' ->
        '.example.com').
Rule 2: the cookie domain is the shortest configured domain that '.' + host ends
        with; none, or setCookiesToSubdomain(true), means host-only cookies ('').
"""

from shim.core.text import DIGITS, only

DOMAIN_CHARS = "abcdefghijklmnopqrstuvwxyz" + DIGITS + ".-"


def domain_hash(text):
    """HubSpot's hash: walk the string from its last character to its first."""
    h = 0
    for i in range(len(text) - 1, -1, -1):
        c = ord(text[i])
        h = ((h << 6) & 0x0FFFFFFF) + c + (c << 14)
        g = h & 0x0FE00000
        if g != 0:
            h = h ^ (g >> 21)
    return h


def extract_domain(hostname):
    labels = hostname.split(".")
    if len(labels) > 2:
        labels = labels[1:]
    return "." + ".".join(labels)


def normalise_domain(domain):
    """'Example.com' / '.example.com' -> '.example.com'; None for nonsense."""
    if type(domain) is not str:
        return None
    domain = domain.strip().lower()
    if not domain.startswith("."):
        domain = "." + domain
    if len(domain) < 3 or len(domain) > 253 or not only(domain, DOMAIN_CHARS):
        return None
    return domain


def cookie_domain(hostname, domains, to_subdomain):
    """The Domain attribute for the visitor cookies, or '' for host-only."""
    if to_subdomain:
        return ""
    host = "." + hostname.lower()
    best = ""
    for i in range(len(domains)):
        d = domains[i]
        if host.endswith(d) and (not best or len(d) < len(best)):
            best = d
    return best


def on_cookie_domain(hostname, domains):
    """setLimitTrackingToCookieDomains: whether the host is inside a configured cookie
    domain, whatever setCookiesToSubdomain says about where the cookies are stored."""
    return cookie_domain(hostname, domains, False) != ""


def hash_input(hostname, chosen_domain):
    return chosen_domain if chosen_domain else extract_domain(hostname)
