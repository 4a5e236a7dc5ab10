from book.cli import entry

entry()
