#define _GNU_SOURCE
#include "CLinux.h"
#include <pthread.h>
#include <stdlib.h>
#include <errno.h>

const uint32_t CLinux_EPOLLIN = EPOLLIN;
const uint32_t CLinux_EPOLLOUT = EPOLLOUT;
const uint32_t CLinux_EPOLLERR = EPOLLERR;
const uint32_t CLinux_EPOLLHUP = EPOLLHUP;
const uint32_t CLinux_EPOLLRDHUP = EPOLLRDHUP;
const uint32_t CLinux_EPOLLET = EPOLLET;

int CLinux_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int CLinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int CLinux_epoll_wait(int epfd, uint32_t *events, uint64_t *data, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n;
    do {
        n = epoll_wait(epfd, evs, max, timeout_ms);
    } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) {
        events[i] = evs[i].events;
        data[i] = evs[i].data.u64;
    }
    return n;
}

int CLinux_sun_path_capacity(void) {
    struct sockaddr_un a;
    return (int)sizeof(a.sun_path);
}

int CLinux_peer_uid(int fd, unsigned int *uid) {
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *uid = (unsigned int)credentials.uid;
    return 0;
}

int CLinux_set_thread_name(const char *name) { return pthread_setname_np(pthread_self(), name); }
int CLinux_get_thread_name(char *buffer, int size) { return pthread_getname_np(pthread_self(), buffer, (size_t)size); }
