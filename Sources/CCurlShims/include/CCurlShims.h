#ifndef C_CURL_SHIMS_H
#define C_CURL_SHIMS_H
// Typed wrappers for libcurl's variadic option setters, which Swift cannot call, plus the socket
// policy hook that keeps outgoing requests away from internal addresses.
#include <curl/curl.h>

typedef size_t (*CCurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode CCurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode CCurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode CCurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode CCurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode CCurl_setopt_write_function(CURL *handle, CCurl_data_callback callback);
CURLcode CCurl_setopt_header_function(CURL *handle, CCurl_data_callback callback);
/// libcurl's pre-request callback: called right before a request is sent on an established connection.
typedef int (*CCurl_prereq_callback)(void *clientp, char *primary_ip, char *local_ip, int primary_port, int local_port);
/// Installs `callback` with `userdata` (CURLOPT_PREREQFUNCTION, libcurl 7.80+; CURLE_UNKNOWN_OPTION before).
CURLcode CCurl_setopt_prereq_function(CURL *handle, CCurl_prereq_callback callback, void *userdata);
CURLcode CCurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode CCurl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLMcode CCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

/// Per-transfer socket policy, read by the open-socket callback before every connection curl makes
/// (after name resolution, so a host name that resolves to an internal address is caught too).
typedef struct CCurl_socket_policy {
    /// Non-zero allows loopback, private, link-local and other non-public addresses.
    int allow_private;
    /// Set by the callback when it refused an address.
    int blocked;
} CCurl_socket_policy;

/// Installs the open-socket callback with `policy` (which must outlive the transfer).
CURLcode CCurl_setopt_socket_policy(CURL *handle, CCurl_socket_policy *policy);

/// Whether `address` (an IPv4 or IPv6 sockaddr) is a public unicast address.
int CCurl_is_public_address(const struct sockaddr *address);

/// Reads the next finished transfer of a multi handle: returns 1 and fills `easy` and `result`, or 0.
int CCurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);
#endif
