from benchmarks.corpus.generate import main

raise SystemExit(main())
