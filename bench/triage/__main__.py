from bench.triage import main

main()
