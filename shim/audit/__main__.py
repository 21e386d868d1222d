"""`python -m shim.audit URL ...`: the same as `hsq-shim check URL ...`."""

import sys

from shim.audit import main

sys.exit(main())
