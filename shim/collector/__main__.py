from shim.collector.server import main

main()
