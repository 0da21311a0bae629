"""What keeps every problem bounded: the limits on input, nesting, work, time and memory
(limits), and the watchdog that stops SymPy's work.  Imports: mdx.errors only."""
