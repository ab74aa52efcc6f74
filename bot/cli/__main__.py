"""`python -m bot.cli ...`: the same as the `essbot` command."""
from bot.cli import main

raise SystemExit(main())
