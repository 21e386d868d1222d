"""Subresource Integrity for the built file, and the README block that shows it.

    integrity(data)            'sha384-<base64>' of the file's bytes, as browsers check it
    readme_block(text)         the README's CDN example: (version, integrity) or None
    with_readme_block(text, version, value)   README text with that example refreshed

    python -m buildtools.sri [--check]   refresh (or check) README.md from the committed
                                         static/hsq-shim.js without building it

Rule 1: the README's CDN example lives between START and END and is written only from
        here (build.py rewrites it on every build of static/hsq-shim.js), so the value
        a reader copies is the committed file's.
Rule 2: the example pins the npm version (the package's version, pyproject's), because
        an integrity value only holds for the exact file it was computed from.
"""
import base64
import hashlib
import re

START = "<!-- sri:start (written by build.py) -->"
END = "<!-- sri:end -->"
CDN_URL = "https://cdn.jsdelivr.net/npm/hsq-shim@%s/static/hsq-shim.js"
BLOCK = START + """
```html
<script async src="%s"
        integrity="%s" crossorigin="anonymous"
        data-portal-id="123"></script>
```
""" + END
_BLOCK_RE = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
_VALUES_RE = re.compile(r'hsq-shim@([^/"]+)/static/hsq-shim\.js".*?integrity="([^"]*)"', re.DOTALL)


def integrity(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def readme_block(text):
    """(version, integrity) shown between the markers, or None when there is no block."""
    found = _BLOCK_RE.search(text)
    if not found:
        return None
    values = _VALUES_RE.search(found.group(0))
    return (values.group(1), values.group(2)) if values else None


def with_readme_block(text, version, value):
    """The README with its CDN example showing this version and integrity value."""
    if not _BLOCK_RE.search(text):
        raise ValueError("README.md has no %s ... %s block" % (START, END))
    block = BLOCK % (CDN_URL % version, value)
    return _BLOCK_RE.sub(lambda _: block, text, count=1)


def project_version(root):
    """The version in pyproject.toml (the npm package's too: tests/test_package.py)."""
    import tomllib
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def sync_readme(root, data, write):
    """(ok, message) about README.md's CDN example for the file `data`.

    write=True refreshes the example (ok is then always True); write=False only checks."""
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    version, value = project_version(root), integrity(data)
    if readme_block(text) == (version, value):
        return True, "integrity %s (README.md's CDN example is up to date)" % value
    if not write:
        return False, ("README.md's CDN example does not show %s for hsq-shim@%s; "
                       "run `python build.py`" % (value, version))
    readme.write_text(with_readme_block(text, version, value), encoding="utf-8")
    return True, "integrity %s (written to README.md's CDN example)" % value


def main(argv=None):
    import sys
    from pathlib import Path
    argv = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parent.parent
    ok, message = sync_readme(root, (root / "static" / "hsq-shim.js").read_bytes(),
                                       write="--check" not in argv)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
