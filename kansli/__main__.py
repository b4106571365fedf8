from kansli.cli import main

main()
