from aerocolor.cli import main

raise SystemExit(main())
