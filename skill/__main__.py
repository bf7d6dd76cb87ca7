"""Lets `python -m skill` run the same command line as `massage-coach`."""

from skill.cli import main

raise SystemExit(main())
