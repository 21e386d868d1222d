"""The shim's reasons for not running an entry (hsqShim.ignored) -> problems: what the
tracking code did not run, and why, in words a marketer can act on.

Rule 1: the reasons are classified by the wording of shim.core (commands.py, tracker.py,
        privacy.py, linker.py, shim/adapter/); a reason no rule knows is still reported,
        as `ignored-entry`.
Rule 2: what a message says HubSpot does is true of HubSpot's script (build 1.398): it
        silently drops an unknown command, but checks no argument (a string given to
        identify is sent character by character; an event without a name is sent
        without one).
"""

import difflib
import re

from shim.core.commands import INTERNAL, PRIVACY_SIGNATURES, SIGNATURES
from shim.core.linker import NOT_ADOPTED

ARGUMENT = re.compile(r"^argument (\d+) must be (.+), got (.+)$")


def problem(code, message, **evidence):
    return {"code": code, "message": message, "evidence": evidence}


def _known_names(entry):
    return list(PRIVACY_SIGNATURES) if entry.startswith("_hsp ") else list(SIGNATURES)


def ignored_problems(item):
    """The problems of one hsqShim.ignored item ({entry, reason}); [] for none."""
    entry, reason = item["entry"] or "", item["reason"] or ""
    evidence = {"entry": entry, "reason": reason}
    name = entry[5:] if entry.startswith("_hsp ") else entry
    queue = "_hsp" if entry.startswith("_hsp ") else "_hsq"
    if reason.startswith("HubSpot-internal command") or entry in INTERNAL:
        return []
    if reason.startswith("exact repeat of the page view sent at load"):
        return []                           # counted from the beacons (the guard is off)
    if reason == "unknown method":
        names = _known_names(entry)
        lower = {n.lower(): n for n in names}
        guess = lower.get(name.lower()) or next(iter(difflib.get_close_matches(name, names, 1, 0.75)), None)
        message = ("`%s` is not a HubSpot tracking command, so HubSpot silently drops this "
                   "%s.push call." % (name, queue))
        if guess:
            message += " Did you mean `%s`?" % guess
            evidence["suggestion"] = guess
        return [problem("unknown-command", message, **evidence)]
    argument = ARGUMENT.match(reason)
    if argument:
        position, wanted, got = argument.groups()
        message = ("`%s` needs %s as argument %s but got %s. HubSpot's tracking code does "
                   "not check it, so what this call should record is lost or recorded wrong"
                   % (name, wanted, position, got))
        if name == "identify" and got[:1] in "'\"" and got:
            message += (" (given a string, it sends every character as a property of its own, "
                        "0=%s&1=%s..., and the contact record gets them)" % (got[1:2], got[2:3]))
        return [problem("bad-argument", message + ". Pass %s." % wanted, **evidence)]
    if reason in ("the event needs a name", "the event needs an id",
                  "the event must be an id or an object with an id"):
        what = "a name" if name == "trackCustomBehavioralEvent" else "an id"
        return [problem("event-without-name",
                        "An event (`%s`) was pushed without %s. HubSpot's tracking code does "
                        "not refuse it, but without %s it cannot show as any of your events. "
                        "Give it %s." % (name, what, what, what),
                        **evidence)]
    if reason.startswith(NOT_ADOPTED):
        return [problem("cross-domain-link-refused",
                        "This page was reached through a cross-domain link (__hstc/__hssc in "
                        "its URL) whose visitor was not carried over (%s), so the visitor "
                        "counts as a new one here. Link from a page whose cookie domain is "
                        "configured on both sites (addCookieDomain), with enableAutomaticLinker."
                        % reason[len(NOT_ADOPTED):], **evidence)]
    if reason.startswith("not sent: no portal id"):
        return [problem("no-portal-id",
                        "The tracking code has no HubSpot portal id, so nothing it sends "
                        "reaches a portal. Use your portal's embed code "
                        "(js.hs-scripts.com/<portal id>.js).", **evidence)]
    if reason.startswith("not sent: the beacon URL would be"):
        return [problem("beacon-too-long",
                        "`%s` would send more data than a tracking request can carry, so it "
                        "was not sent. Send fewer or shorter properties." % name, **evidence)]
    if reason.startswith("not sent: "):
        return [problem("tracking-suppressed",
                        "The page turns tracking off (%s), so `%s` was not sent. Remove that "
                        "call unless the visitor asked for it." % (reason[10:], name),
                        **evidence)]
    if "characters are cut" in reason:
        return [problem("value-cut",
                        "`%s` carries a value over 1000 characters; it was cut. Shorten it."
                        % name, **evidence)]
    if reason.startswith("error: "):
        if name.endswith(" listener") or name in ("function entry", "click"):
            return [problem("callback-error",
                            "Your %s threw an error when the tracking code called it: %s. "
                            "Whatever it should have done did not happen." % (name, reason[7:]),
                            **evidence)]
        return [problem("shim-error",
                        "The tracking code failed while running this (%s): %s."
                        % (name, reason[7:]), **evidence)]
    if name in SIGNATURES or name in PRIVACY_SIGNATURES:
        # A known command whose argument the command itself refused.
        return [problem("bad-argument",
                        "`%s` was called with an argument it cannot use (%s), so it does not "
                        "do what it should. Fix its argument." % (name, reason), **evidence)]
    if reason in ("not an array or a function",) or reason.startswith(
            ("empty array", "the method name", "could not be read", "push runs only",
             "functions are run")):
        return [problem("malformed-entry",
                        "A %s.push entry is not a command HubSpot can run (%s: %s); it is "
                        "dropped. Push one array per call: ['command', argument]."
                        % (queue, entry, reason), **evidence)]
    return [problem("ignored-entry", "The tracking code did not run `%s`: %s." % (entry, reason),
                    **evidence)]
