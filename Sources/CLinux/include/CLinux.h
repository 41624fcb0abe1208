#ifndef C_LINUX_H
#define C_LINUX_H
// Linux system calls and constants that Glibc's Swift module does not export:
// epoll, eventfd, timerfd and accept4 (which needs _GNU_SOURCE).
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC.
int CLinux_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);

/// The EPOLL* flags as plain integers (Swift imports them as an enum).
extern const uint32_t CLinux_EPOLLIN;
extern const uint32_t CLinux_EPOLLOUT;
extern const uint32_t CLinux_EPOLLERR;
extern const uint32_t CLinux_EPOLLHUP;
extern const uint32_t CLinux_EPOLLRDHUP;
extern const uint32_t CLinux_EPOLLET;

/// epoll_event is packed on x86-64; these helpers keep Swift away from its layout.
int CLinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Waits for events, writing up to `max` (events, data) pairs into the two arrays.
int CLinux_epoll_wait(int epfd, uint32_t *events, uint64_t *data, int max, int timeout_ms);

/// The user id of a connected Unix socket's peer (SO_PEERCRED): 0 on success, -1 on failure.
int CLinux_peer_uid(int fd, unsigned int *uid);

/// Names the calling thread (the kernel keeps 15 bytes); 0 on success.
int CLinux_set_thread_name(const char *name);
/// Copies the calling thread's name into `buffer` (at least 16 bytes); 0 on success.
int CLinux_get_thread_name(char *buffer, int size);

/// Length of a sockaddr_un path buffer.
int CLinux_sun_path_capacity(void);
#endif
