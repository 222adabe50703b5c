// preadv2/pwritev2 and POSIX AIO (<aio.h>) for the pvsync2 and posixaio engines. Swift's Glibc module does
// not declare preadv2 (a GNU extension) nor <aio.h>; glibc 2.34 and later have both in libc itself.
#ifndef DIOBENCH_POSIX_IO_H
#define DIOBENCH_POSIX_IO_H

#include <aio.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

// The kernel's RWF_* values (include/uapi/linux/fs.h), spelled out: older headers lack the newer ones.
#define DIOBENCH_RWF_HIPRI 0x00000001
#define DIOBENCH_RWF_NOWAIT 0x00000008
// Linux 6.14's name for what fio 3.33 calls RWF_UNCACHED (fio's 0x40 became RWF_ATOMIC in Linux 6.11).
#define DIOBENCH_RWF_DONTCACHE 0x00000080

/// preadv2(2) of one buffer: bytes read, or -1 with errno set.
ssize_t diobench_preadv2(int fd, void *buffer, size_t length, int64_t offset, int flags);
/// pwritev2(2) of one buffer: bytes written, or -1 with errno set.
ssize_t diobench_pwritev2(int fd, const void *buffer, size_t length, int64_t offset, int flags);

/// ioprio_set(IOPRIO_WHO_PROCESS, 0, value): the calling thread's I/O priority (glibc has no wrapper).
/// 0, or -1 with errno set.
int diobench_ioprio_set_self(int value);

#endif
