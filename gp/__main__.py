from gp.cli.main import entry

entry()
