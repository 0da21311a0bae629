"""The command line: the fast path for a plain `mdx derive`, the typer app, reading files
and pipes, streams, and worksheets.  Imports: everything below."""
