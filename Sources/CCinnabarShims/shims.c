#define _GNU_SOURCE
#include "CCinnabarShims.h"
#include <malloc.h>
#include <sys/resource.h>
#include <sys/socket.h>

size_t cinnabar_malloc_used(void) {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

size_t cinnabar_malloc_active(void) {
    struct mallinfo2 mi = mallinfo2();
    return mi.arena + mi.hblkhd;
}

int cinnabar_malloc_trim(void) { return malloc_trim(0); }

size_t cinnabar_malloc_usable_size(void *p) { return malloc_usable_size(p); }

void cinnabar_thread_cpu(long long *user_us, long long *sys_us) {
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    *user_us = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    *sys_us = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

int cinnabar_accept_nonblocking(int fd, struct sockaddr *address, unsigned int *length) {
    socklen_t len = *length;
    int r = accept4(fd, address, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *length = len;
    return r;
}
