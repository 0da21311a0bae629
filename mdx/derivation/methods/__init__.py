"""The three methods: differential (the trace trick), chain (intermediate variables),
definition (index notation, reassembled)."""
