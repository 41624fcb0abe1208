#ifndef C_CURL_SHIMS_H
#define C_CURL_SHIMS_H
// Typed wrappers for libcurl's variadic option setters, which Swift cannot call.
#include <curl/curl.h>

typedef size_t (*CCurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode CCurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode CCurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode CCurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode CCurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode CCurl_setopt_write_function(CURL *handle, CCurl_data_callback callback);
CURLcode CCurl_setopt_header_function(CURL *handle, CCurl_data_callback callback);
CURLcode CCurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode CCurl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLMcode CCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);
#endif
