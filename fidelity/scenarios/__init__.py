"""Every scenario the harness runs, grouped by what they exercise (one module each).

Each is one declaration (fidelity.scenario.Scenario): read them as the list of what was
compared. Names are unique; `python -m fidelity --list` prints them with their sentence.
"""

from fidelity.scenarios.bad import BAD
from fidelity.scenarios.consent import CHANGES, DO_NOT_TRACK, POLICIES
from fidelity.scenarios.load import COMMANDS, LOAD
from fidelity.scenarios.visitors import ADDRESSES, COOKIES

SCENARIOS = LOAD + COMMANDS + COOKIES + ADDRESSES + POLICIES + CHANGES + DO_NOT_TRACK + BAD
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
assert len(BY_NAME) == len(SCENARIOS), "scenario names must be unique"
