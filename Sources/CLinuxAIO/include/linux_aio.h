// Linux native AIO (io_setup, io_submit, io_getevents) through the kernel's own ABI (<linux/aio_abi.h>), as
// fio's libaio engine uses it, without libaio: Swift cannot call the variadic syscall(2) itself.
#ifndef DIOBENCH_LINUX_AIO_H
#define DIOBENCH_LINUX_AIO_H

#include <linux/aio_abi.h>
#include <stdint.h>
#include <time.h>

/// io_setup(2): 0, or -errno.
int diobench_aio_setup(unsigned nr_events, aio_context_t *context);
/// io_destroy(2): 0, or -errno.
int diobench_aio_destroy(aio_context_t context);
/// io_submit(2): the number submitted, or -errno.
long diobench_aio_submit(aio_context_t context, long count, struct iocb **iocbs);
/// io_getevents(2) without a timeout: the number reaped, or -errno.
long diobench_aio_getevents(aio_context_t context, long min, long max, struct io_event *events);
/// fio's userspace_reap: takes up to `max` completions straight from the ring the kernel maps at `context`,
/// without a system call. -1 when the ring is not one this code knows (then use diobench_aio_getevents).
long diobench_aio_user_reap(aio_context_t context, long max, struct io_event *events);

#endif
