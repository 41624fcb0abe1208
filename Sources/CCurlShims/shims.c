#include "CCurlShims.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

CURLcode CCurl_setopt_long(CURL *handle, CURLoption option, long value) { return curl_easy_setopt(handle, option, value); }
CURLcode CCurl_setopt_string(CURL *handle, CURLoption option, const char *value) { return curl_easy_setopt(handle, option, value); }
CURLcode CCurl_setopt_pointer(CURL *handle, CURLoption option, void *value) { return curl_easy_setopt(handle, option, value); }
CURLcode CCurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) { return curl_easy_setopt(handle, option, value); }
CURLcode CCurl_setopt_write_function(CURL *handle, CCurl_data_callback callback) { return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback); }
CURLcode CCurl_setopt_header_function(CURL *handle, CCurl_data_callback callback) { return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback); }
CURLcode CCurl_setopt_prereq_function(CURL *handle, CCurl_prereq_callback callback, void *userdata) {
#if LIBCURL_VERSION_NUM >= 0x075000
    CURLcode code = curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, callback);
    return code != CURLE_OK ? code : curl_easy_setopt(handle, CURLOPT_PREREQDATA, userdata);
#else
    (void)handle; (void)callback; (void)userdata;
    return CURLE_UNKNOWN_OPTION;
#endif
}
CURLcode CCurl_getinfo_long(CURL *handle, CURLINFO info, long *value) { return curl_easy_getinfo(handle, info, value); }
CURLcode CCurl_getinfo_double(CURL *handle, CURLINFO info, double *value) { return curl_easy_getinfo(handle, info, value); }
CURLMcode CCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) { return curl_multi_setopt(handle, option, value); }

static int is_public_ipv4(uint32_t host_order) {
    uint8_t a = host_order >> 24, b = (host_order >> 16) & 0xFF, c = (host_order >> 8) & 0xFF;
    if (a == 0 || a == 10 || a == 127) return 0;                 /* this network, private, loopback */
    if (a == 100 && (b & 0xC0) == 64) return 0;                  /* 100.64.0.0/10 carrier-grade NAT */
    if (a == 169 && b == 254) return 0;                          /* link-local (cloud metadata) */
    if (a == 172 && (b & 0xF0) == 16) return 0;                  /* 172.16.0.0/12 */
    if (a == 192 && b == 0 && c == 0) return 0;                  /* 192.0.0.0/24 protocol assignments */
    if (a == 192 && b == 0 && c == 2) return 0;                  /* TEST-NET-1 */
    if (a == 192 && b == 168) return 0;                          /* 192.168.0.0/16 */
    if (a == 198 && (b & 0xFE) == 18) return 0;                  /* 198.18.0.0/15 benchmarking */
    if (a == 198 && b == 51 && c == 100) return 0;               /* TEST-NET-2 */
    if (a == 203 && b == 0 && c == 113) return 0;                /* TEST-NET-3 */
    if (a >= 224) return 0;                                      /* multicast, reserved, broadcast */
    return 1;
}

int CCurl_is_public_address(const struct sockaddr *address) {
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        return is_public_ipv4(ntohl(v4->sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        const uint8_t *b = v6->sin6_addr.s6_addr;
        static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
        static const uint8_t nat64_prefix[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
        if (memcmp(b, mapped_prefix, 12) == 0 || memcmp(b, nat64_prefix, 12) == 0) {
            uint32_t v4 = ((uint32_t)b[12] << 24) | ((uint32_t)b[13] << 16) | ((uint32_t)b[14] << 8) | b[15];
            return is_public_ipv4(v4);
        }
        int zero_prefix = 1;
        for (int i = 0; i < 15; i++) if (b[i] != 0) { zero_prefix = 0; break; }
        if (zero_prefix) return 0;                               /* :: and ::1 (and IPv4-compatible) */
        if ((b[0] & 0xFE) == 0xFC) return 0;                     /* fc00::/7 unique local */
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return 0;     /* fe80::/10 link-local */
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return 0;     /* fec0::/10 site-local (deprecated) */
        if (b[0] == 0xFF) return 0;                              /* multicast */
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return 0;  /* documentation */
        return 1;
    }
    return 0;
}

static curl_socket_t open_socket_with_policy(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    CCurl_socket_policy *policy = (CCurl_socket_policy *)clientp;
    (void)purpose;
    if (!policy->allow_private && !CCurl_is_public_address(&address->addr)) {
        policy->blocked = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

CURLcode CCurl_setopt_socket_policy(CURL *handle, CCurl_socket_policy *policy) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, open_socket_with_policy);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, policy);
}

int CCurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int remaining = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &remaining)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}
