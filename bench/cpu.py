"""CPU time of a page's main thread (Linux): what a push costs, whatever else the machine runs.

Wall time per push grows when the renderer waits for a core (a 2-core VM running tests, a
second benchmark); the CPU time its main thread spends does not, and still grows with the
work the script does. The renderer is found as a new `--type=renderer` process under this
one; its main thread's CPU time is the first field of /proc/<pid>/task/<pid>/schedstat (ns).
Elsewhere (no /proc) every function here returns None and the bench reports wall time only.
"""
import os

ME = os.getpid()


def _parent(pid):
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def _is_mine(pid):
    try:
        while pid > 1:
            pid = _parent(pid)
            if pid == ME:
                return True
    except (OSError, ValueError, IndexError):
        pass
    return False


def renderers():
    """The pids of the Chromium renderer processes started by this process (a set), or None."""
    if not os.path.isdir("/proc/self/task"):
        return None
    found = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if b"--type=renderer" in cmd and _is_mine(int(name)):
            found.add(int(name))
    return found


def main_thread_ns(pid):
    """CPU time (ns) the process's main thread has run, or None once it is gone."""
    try:
        with open("/proc/%d/task/%d/schedstat" % (pid, pid)) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def busiest(pids, since):
    """Of `pids`, the one whose main thread ran most since `since` ({pid: ns}): the page's
    (the caller ran the page's work in between). None when there is none."""
    best, most = None, -1
    for pid in pids:
        now = main_thread_ns(pid)
        if now is not None and pid in since and now - since[pid] > most:
            best, most = pid, now - since[pid]
    return best
