#define _GNU_SOURCE
#include "linux_aio.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int diobench_aio_setup(unsigned nr_events, aio_context_t *context) {
    return syscall(SYS_io_setup, nr_events, context) < 0 ? -errno : 0;
}

int diobench_aio_destroy(aio_context_t context) {
    return syscall(SYS_io_destroy, context) < 0 ? -errno : 0;
}

long diobench_aio_submit(aio_context_t context, long count, struct iocb **iocbs) {
    long rc = syscall(SYS_io_submit, context, count, iocbs);
    return rc < 0 ? -errno : rc;
}

long diobench_aio_getevents(aio_context_t context, long min, long max, struct io_event *events) {
    long rc = syscall(SYS_io_getevents, context, min, max, events, NULL);
    return rc < 0 ? -errno : rc;
}

/// The completion ring's header as the kernel lays it out (fs/aio.c, struct aio_ring).
struct aio_ring_header {
    unsigned id, nr, head, tail, magic, compat_features, incompat_features, header_length;
    struct io_event events[];
};
#define AIO_RING_MAGIC 0xa10a10a1

long diobench_aio_user_reap(aio_context_t context, long max, struct io_event *events) {
    struct aio_ring_header *ring = (struct aio_ring_header *)context;
    if (ring->magic != AIO_RING_MAGIC || ring->incompat_features != 0) return -1;
    long taken = 0;
    while (taken < max) {
        unsigned head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
        unsigned tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
        if (head == tail) break;
        events[taken++] = ring->events[head];
        __atomic_store_n(&ring->head, (head + 1) % ring->nr, __ATOMIC_RELEASE);
    }
    return taken;
}
