// libFuzzer's driver, for a fuzz target that has its own `main` (SwiftPM executables do). Only a
// declaration: the definition comes from the runtime `-sanitize=fuzzer` links in.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
