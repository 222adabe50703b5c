// See include/posix_io.h.
#define _GNU_SOURCE
#include "posix_io.h"

#include <sys/syscall.h>
#include <unistd.h>

ssize_t diobench_preadv2(int fd, void *buffer, size_t length, int64_t offset, int flags) {
    struct iovec iov = {.iov_base = buffer, .iov_len = length};
    return preadv2(fd, &iov, 1, (off_t)offset, flags);
}

ssize_t diobench_pwritev2(int fd, const void *buffer, size_t length, int64_t offset, int flags) {
    struct iovec iov = {.iov_base = (void *)buffer, .iov_len = length};
    return pwritev2(fd, &iov, 1, (off_t)offset, flags);
}

int diobench_ioprio_set_self(int value) {
    // IOPRIO_WHO_PROCESS is 1; who 0 is the calling thread.
    return (int)syscall(SYS_ioprio_set, 1, 0, value);
}
