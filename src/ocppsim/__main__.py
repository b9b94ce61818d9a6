import sys

from ocppsim.cli import main

sys.exit(main())
