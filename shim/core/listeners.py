"""The page's hooks: its listeners (addIdentityListener, addUserTokenListener...) and
its trackClick bindings.

Rule 1: each add*Listener command is one row of KINDS, naming the kind of value its
        listener receives; the tracker runs them all with one handler.
Rule 2: a listener is called at once when its value exists (`listen` gets the
        arguments, or None while there is no value) and again on every change (`notify`).
Rule 3: calling a listener is a CallListener effect; the adapter calls it and records
        what it throws.
Rule 4: click bindings (BindClick effects) go out once the page has loaded, and all of
        them again when the page may have new elements (setPath, refreshPageHandlers).
"""

from shim.core.effects import CallListener

# add*Listener command -> the kind of value its listener receives.
KINDS = {"addIdentityListener": "identity", "addCookieListener": "identity",
         "addUserTokenListener": "utk", "addPageIdListener": "page_id",
         "addContentTypeListener": "content_type", "addContentMetadataListener": "metadata"}


def page_value(page, kind):
    """A page_id, content_type or metadata listener's arguments now: the PageState's
    value, or None while it is unset or empty."""
    value = (page.page_id if kind == "page_id" else page.content_type
             if kind == "content_type" else page.content_metadata)
    if not value:
        return None
    # A page id as setPageId got it: its text is set whenever it is (0 is "0").
    return [page.page_id_given if kind == "page_id" else value]


class Listeners:
    def __init__(self):
        self.by_kind = {"identity": [], "utk": [], "page_id": [], "content_type": [],
                        "metadata": []}
        self.clicks = []                    # BindClick effects

    def bind(self, binding, loaded, effects):
        self.clicks.append(binding)
        if loaded:
            effects.append(binding)

    def rebind(self, loaded, effects):
        if loaded:
            clicks = self.clicks
            for i in range(len(clicks)):
                effects.append(clicks[i])

    def listen(self, kind, function, args, effects):
        """Register; call at once when a value exists (args is None when not)."""
        self.by_kind[kind].append(function)
        if args is not None:
            effects.append(CallListener(function, args, kind))

    def notify(self, kind, args, effects):
        if args is None:
            return
        listeners = self.by_kind[kind]
        for i in range(len(listeners)):
            effects.append(CallListener(listeners[i], args, kind))
