// Vocabulary: the value types more than one module speaks of, declared once. It depends on nothing, so
// every module may import it (docs/ARCHITECTURE.md, "Modules"). Only plain data lives here: no I/O.
