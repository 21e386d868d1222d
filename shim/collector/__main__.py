import sys

from shim.collector.server import main

sys.exit(main())
