"""python -m sinchvoice"""

from sinchvoice.cli import main

raise SystemExit(main())
