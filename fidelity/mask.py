"""Masking: what varies by nature between two runs, replaced by placeholders.

  clock        a 13-digit epoch-ms time inside the run (`cts`, the times in `u`, `b` and
               the visitor cookies) -> <now>; a time the scenario wrote (an earlier
               visit) is data: it gets its name (<first visit>), else stays
  random ids   a 32-hex visitor token the scenario did not write -> <visitor 1>,
               <visitor 2> ... in order of first appearance: the same token is always the
               same placeholder within a run, two tokens never share one, so "same
               visitor" and "new visitor" still show
  screen       `sd`: the screen's width and height -> <width>, <height> (their order stays)
  fingerprint  `bfp`, and the same number anywhere else (a cookie listener's argument, a
               link's __hsfp): a hash of the browser's user agent, language, time zone...
               -> <fingerprint>

Rule 1: nothing else changes: names, order and every other character of a value stay,
        so masking never hides a difference in what is not random.
Rule 2: one Masker per run (a side's outcome); beacons first, in order, then cookies by
        name, so both sides number their visitors the same way.
"""

import re

TOKEN = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
TIME = re.compile(r"(?<![0-9])1[0-9]{12}(?![0-9])")
NOW = "<now>"
FINGERPRINT = "<fingerprint>"


class Masker:
    def __init__(self, window, keep=(), screen=None, named=None, fingerprint=None):
        """window: (first, last) epoch ms of the run; keep: tokens the scenario wrote;
        screen: (width, height); named: {epoch ms: name} of the scenario's own times;
        fingerprint: HubSpot's `bfp` in this browser (a digit string), if known."""
        self.first, self.last = window
        self.keep = set(keep)
        self.screen = screen
        self.named = dict(named or {})
        self.fingerprint = None
        if fingerprint:
            self.fingerprint = re.compile(r"(?<![0-9])%s(?![0-9])" % re.escape(fingerprint))
        self.visitors = {}

    def visitor(self, token):
        if token in self.keep:
            return token
        if token not in self.visitors:
            self.visitors[token] = "<visitor %d>" % (len(self.visitors) + 1)
        return self.visitors[token]

    def time(self, text):
        ms = int(text)
        if ms in self.named:
            return self.named[ms]
        return NOW if self.first <= ms <= self.last else text

    def text(self, value):
        value = TOKEN.sub(lambda m: self.visitor(m.group(0)), value)
        if self.fingerprint is not None:
            value = self.fingerprint.sub(FINGERPRINT, value)
        return TIME.sub(lambda m: self.time(m.group(0)), value)

    def param(self, key, value):
        if key == "bfp":
            return FINGERPRINT
        if key == "sd" and self.screen:
            width, height = self.screen
            sizes = {str(width): "<width>", str(height): "<height>"}
            return re.sub(r"[0-9]+", lambda m: sizes.get(m.group(0), m.group(0)), value)
        return self.text(value)


def tokens_in(*texts):
    """The visitor tokens written in the scenario's own text (kept as they are)."""
    found = set()
    for text in texts:
        found.update(TOKEN.findall(text))
    return found
