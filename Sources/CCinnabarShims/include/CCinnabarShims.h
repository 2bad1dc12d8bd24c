// Thin C shims for glibc facilities Swift's Glibc module does not export: malloc statistics (INFO memory,
// MEMORY STATS), malloc_usable_size (the keyspace's cells) and malloc_trim (MEMORY PURGE), per-thread CPU usage
// (INFO cpu), and the epoll/eventfd API the epoll transport uses.
#ifndef CCINNABAR_SHIMS_H
#define CCINNABAR_SHIMS_H
#include <stddef.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/tcp.h>
#endif

/// A cycle counter for timing commands (INFO commandstats, SLOWLOG): the TSC on x86-64, where the kernel's own
/// clocksource is the TSC; elsewhere the monotonic clock in nanoseconds.
#include <stdint.h>
#include <time.h>
static inline uint64_t cinnabar_cycles(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

/// Bytes currently allocated by malloc (in-use chunks of all arenas plus mmapped blocks).
size_t cinnabar_malloc_used(void);
/// Bytes the arenas obtained from the system (allocated plus free chunks) plus mmapped blocks.
size_t cinnabar_malloc_active(void);
/// The bytes usable in the block `p` (malloc_usable_size): a key's cell grows in place while its chunk has room.
size_t cinnabar_malloc_usable_size(void *p);
/// Returns free memory at the top of the heap and in arenas to the system; 1 if any was released.
int cinnabar_malloc_trim(void);
struct sockaddr;
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC (declared by glibc only under _GNU_SOURCE).
int cinnabar_accept_nonblocking(int fd, struct sockaddr *address, unsigned int *length);
/// CPU time of the calling thread, in microseconds (user and system).
void cinnabar_thread_cpu(long long *user_us, long long *sys_us);
#endif
