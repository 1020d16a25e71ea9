from koban_cli.cli.app import main

main()
