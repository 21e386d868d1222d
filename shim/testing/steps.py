"""Host tool: the step protocol under HubSpotTracking and AsyncHubSpotTracking.

Every method of the tracking is written once, as a generator of steps: it yields what it
needs done, `Call(fn, ...)` (a Playwright call, whose result or exception is sent back)
or `Wait(ms)`, and returns its result. A driver runs the steps: `drive` calls (sync
Playwright), `adrive` awaits (async Playwright). `sync_method` and `async_method` turn
one step generator into the public method of each API, with its name, signature and
docstring.

Rule: CPython host code that imports no Playwright (nor asyncio until a step awaits):
      it only calls what it is handed.
"""

import functools


class Call:
    """A step's request: call fn(*args, **kwargs) (awaited by the async driver)."""
    __slots__ = ("fn", "args", "kwargs")

    def __init__(self, fn, *args, **kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs


class Wait:
    """A step's request: let `ms` pass while Playwright runs the route handlers."""
    __slots__ = ("ms",)

    def __init__(self, ms):
        self.ms = ms


def drive(steps, sleep):
    """Run `steps` with sync Playwright; `sleep(ms)` answers a Wait."""
    __tracebackhide__ = True
    reply = error = None
    while True:
        try:
            request = steps.send(reply) if error is None else steps.throw(error)
        except StopIteration as stop:
            return stop.value
        reply = error = None
        try:
            if type(request) is Wait:
                sleep(request.ms)
            else:
                reply = request.fn(*request.args, **request.kwargs)
        except Exception as exc:            # handed to the step, which decides
            error = exc


async def adrive(steps):
    """Run `steps` with async Playwright: every Call is awaited.

    drive's twin, line for line: a loop cannot await in one API and not in the other, so
    the two drivers are the only code written twice; every step is written once."""
    __tracebackhide__ = True
    import asyncio                          # here: the plugin's import stays cheap
    reply = error = None
    while True:
        try:
            request = steps.send(reply) if error is None else steps.throw(error)
        except StopIteration as stop:
            return stop.value
        reply = error = None
        try:
            if type(request) is Wait:
                await asyncio.sleep(request.ms / 1000)
            else:
                reply = await request.fn(*request.args, **request.kwargs)
        except Exception as exc:            # handed to the step, which decides
            error = exc


def _public(method, steps):
    """`method` with the name, docstring and signature of the steps it runs."""
    method = functools.update_wrapper(method, steps)
    method.__name__ = method.__qualname__ = steps.__name__.lstrip("_")
    return method


def sync_method(steps):
    """The sync API's method running `steps`; the class gives `_sleep(ms)`."""
    def method(self, *args, **kwargs):
        __tracebackhide__ = True
        return drive(steps(self, *args, **kwargs), self._sleep)
    return _public(method, steps)


def async_method(steps):
    """The async API's method running `steps`, to be awaited."""
    async def method(self, *args, **kwargs):
        __tracebackhide__ = True
        return await adrive(steps(self, *args, **kwargs))
    return _public(method, steps)
