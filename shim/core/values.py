"""Plain value classes: equality and repr from __slots__.

Why not dataclasses: the core imports no standard library (each stdlib import costs
tens of KB and start-up time under Brython).
"""


class Value:
    __slots__ = ()

    def __eq__(self, other):
        if type(other) is not type(self):
            return False
        for name in self.__slots__:
            if getattr(self, name) != getattr(other, name):
                return False
        return True

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        parts = []
        for name in self.__slots__:
            parts.append(name + "=" + repr(getattr(self, name)))
        return type(self).__name__ + "(" + ", ".join(parts) + ")"
