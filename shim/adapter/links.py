"""enableAutomaticLinker in the page: the <a> a visitor follows gets the URL the core gives.

Decisions live in shim.core.linker (which links, which parameters) and Tracker.link
(whether: the switch, consent, doNotTrack); this module only finds the link and sets it.
"""

from browser import document, window

from shim.adapter.values import NULL, UNDEFINED

_reflect_get = window.Reflect.get


class LinkDecorator:
    """enableAutomaticLinker in the page: just before a link is followed, its <a> gets the
    URL the core gives (Tracker.link: the visitor carried to another cookie domain).

    Listens on the document in the capture phase, so links added at any time count and a
    page handler that stops the event cannot hide it: mousedown (also the middle button
    and the context menu's "open in new tab"), Enter, touchstart, and click (activations
    that skip the others: assistive technology, element.click()). Nothing is created; an
    error is recorded, never thrown. Before enableAutomaticLinker each event costs one
    attribute read."""

    EVENTS = ("mousedown", "keydown", "touchstart", "click")
    MAX_DEPTH = 64                          # ancestors searched for the <a>

    def __init__(self, tracker, runner):
        self.tracker = tracker
        self.runner = runner

    def install(self):
        try:
            # Capture phase. Browsers already treat a touchstart listener on the document
            # as passive: it never delays scrolling.
            for i in range(len(self.EVENTS)):
                document.addEventListener(self.EVENTS[i], self.handle, True)
        except Exception as error:
            self.runner.note_error("enableAutomaticLinker", error)

    def handle(self, event=None):
        try:
            if not self.tracker.automatic_linker or event is None:
                return
            # Fields through Reflect.get: Brython's own event and element wrappers (DOMEvent
            # attributes, DOMNode.closest) are not part of the trimmed runtime.
            if _reflect_get(event, "type") == "keydown" and _reflect_get(event, "key") != "Enter":
                return
            link = _reflect_get(event, "target")
            depth = 0
            while _reflect_get(link, "localName") != "a":   # the <a> around the target
                link = _reflect_get(link, "parentElement")
                depth += 1
                if link is None or link is NULL or link is UNDEFINED or depth > self.MAX_DEPTH:
                    return
            href = _reflect_get(link, "href")
            if type(href) is not str or not href:             # no href; an SVG <a>
                return
            url = self.tracker.link(href, window.location.href)
            if url is not None and url != href:
                window.Reflect.set(link, "href", url)
        except Exception as error:
            self.runner.note_error("enableAutomaticLinker", error)
