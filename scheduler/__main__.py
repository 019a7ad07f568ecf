"""`python -m scheduler [TIMETABLE]`: the same as `tradewatch schedule run`."""

from scheduler import main

raise SystemExit(main())
