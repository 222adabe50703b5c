#ifndef DIOBENCH_CLIBURING_SHIM_H
#define DIOBENCH_CLIBURING_SHIM_H
// liburing.h defines _GNU_SOURCE and _XOPEN_SOURCE before its system includes. In this module
// that would give glibc types (fd_set, …) other field names than the Glibc and Foundation
// modules see, and Swift refuses to import both ("fds_bits ... is not present in definition of
// fd_set"). Processing <features.h> first, with the defaults every other module uses, makes
// liburing's later #defines inert. liburing needs nothing from them on glibc.
#include <features.h>
#include <liburing.h>
#endif
