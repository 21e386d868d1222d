"""What the bench measures: each variant is the set of files a page loads for it.

Rule 1: every variant is loaded by the same page (bench/serving.py) from a folder of its own,
        through one <script> tag whose src is the variant's entry file; what that file loads
        next, by relative path, is served from the same folder.
Rule 2: the bench never changes a variant's code, except the floors (FLOORS), which are the
        shim's own file with its start-up cut short on purpose.
Rule 3: HubSpot's files are never part of this repository: `--hubspot DIR` names them, they
        are minified into a temporary folder at bench time (with the build's own terser, as
        HubSpot serves them minified), and without them the variant is skipped with one line.

The variants: "reference" (bench/reference.js, the plain-JS yardstick), "shim" (the build),
"baseline" (an older build, --baseline), "floor" and "runtime" (--floor) and "hubspot"
(HubSpot's loader, which loads its cookie banner and its tracking code).
"""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "bench" / "reference.js"
SHIM = ROOT / "static" / "hsq-shim.js"
SHIM_NAME = "hsq-shim.js"                # every build is served under this name (own-script lookup)

LABELS = {"hubspot": "HubSpot's chain", "shim": "hsq-shim", "reference": "plain-JS yardstick",
          "baseline": "baseline build", "floor": "the file alone", "runtime": "Brython's runtime alone"}

# HubSpot's files as the public copies name them (BuilderIO/partytown,
# tests/integrations/hubspot/): the loader first; it inserts the others by relative path.
HUBSPOT_FILES = ("20632911.js", "banner-20632911.js", "analytics-20632911.js")


class Variant:
    """A variant: its name, the files of its folder ({name: bytes}) and the one the page loads."""
    __slots__ = ("name", "files", "entry", "source")

    def __init__(self, name, files, entry, source):
        self.name, self.files, self.entry, self.source = name, files, entry, source

    @property
    def label(self):
        return LABELS.get(self.name, self.name)


def build_variant(name, path):
    """A single-file variant (the shim, a baseline build, the reference) from `path`."""
    return Variant(name, {SHIM_NAME: Path(path).read_bytes()}, SHIM_NAME, str(path))


# ---------------------------------------------------------------- floors (--floor)

# The shim's own file with its start-up scheduler (RUNNER in build.py) sending one beacon early
# instead of going on, so the difference to the shim is the work it skipped. "floor" beacons
# from the first step: it costs what the file itself costs a page (transfer, compile or code
# cache, the runtime's first segment in the script's task, one task hop). "runtime" beacons
# when the runtime's set-up steps are done, before the first module: Brython's runtime with no
# line of the shim's Python. Both set `hsqShim.ready` and use the page's tracking URL, as the
# other variants do, so every variant is measured the same way.
FLOOR_SEND = ("var u=script&&script.getAttribute('data-tracking-url');"
              "new Image().src=(u||location.origin+'/t')+'/__ptq.gif?floor=1';"
              "window.hsqShim={ready:true};")
FLOORS = {
    "floor": ("function tick(){", "function tick(){" + FLOOR_SEND + "return;"),
    "runtime": ("while(i<steps.length){var k=i++\n",
                "while(i<steps.length){var k=i++\nif(k==n){" + FLOOR_SEND + "done();return}\n"),
}


def floor_file(shim, variant):
    """The bytes of a floor variant (FLOORS) of the build at path shim."""
    text = Path(shim).read_text(encoding="utf-8")
    at, new = FLOORS[variant]
    if text.count(at) != 1:
        raise SystemExit("--floor: %s has not exactly one %r (the start-up scheduler)" % (shim, at))
    return text.replace(at, new).encode("utf-8")


def floor_variant(shim, name):
    return Variant(name, {SHIM_NAME: floor_file(shim, name)}, SHIM_NAME, "%s of %s" % (name, shim))


# ---------------------------------------------------------------- HubSpot's chain (--hubspot)

def hubspot_missing(folder):
    """Why `folder` cannot give the HubSpot variant (one line), or None when it can."""
    if not folder:
        return "hubspot: skipped (no --hubspot DIR; HubSpot's public copies: BuilderIO/partytown, " \
               "tests/integrations/hubspot/)"
    missing = [name for name in HUBSPOT_FILES if not (Path(folder) / name).is_file()]
    if missing:
        return "hubspot: skipped (%s has no %s)" % (folder, ", ".join(missing))
    if shutil.which("openssl") is None:
        return "hubspot: skipped (no openssl command: it makes the certificate of the local HTTPS " \
               "host that answers HubSpot's beacons)"
    return None


def hubspot_variant(folder, scratch):
    """HubSpot's loader, banner and tracking code from `folder`, minified into `scratch` with
    the build's terser (compress + mangle), as HubSpot serves them."""
    files = {}
    for name in HUBSPOT_FILES:
        files[name] = minify(Path(folder) / name, Path(scratch) / name)
    return Variant("hubspot", files, HUBSPOT_FILES[0], str(folder))


def minify(src, out):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from build import NODE_MODULES, find_node   # the build's Node and its pinned terser
    terser = NODE_MODULES / "terser" / "bin" / "terser"
    if not terser.is_file():
        raise SystemExit("--hubspot: %s is missing: run ./dev setup (npm ci --prefix buildtools)" % terser)
    proc = subprocess.run([find_node(), str(terser), str(src), "--compress", "--mangle", "-o", str(out)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("--hubspot: terser failed on %s: %s" % (src, proc.stderr.strip()[-500:]))
    return Path(out).read_bytes()
