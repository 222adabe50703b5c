#ifndef DIOBENCH_CLIBURING_SHIM_H
#define DIOBENCH_CLIBURING_SHIM_H
#include <liburing.h>
#endif
