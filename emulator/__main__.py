"""``python -m emulator``: the same as the ``eventbus-emulator`` command."""

from emulator.cli import main

raise SystemExit(main())
