#ifndef C_OPENSSL_SHIMS_H
#define C_OPENSSL_SHIMS_H
// OpenSSL APIs that are function-like macros (and so do not import into Swift).
#include <openssl/ssl.h>

int COpenSSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int COpenSSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long COpenSSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long COpenSSL_CTX_set_options(SSL_CTX *ctx, long options);
int COpenSSL_set_tlsext_host_name(SSL *ssl, const char *name);
int COpenSSL_TLS1_VERSION(void);
int COpenSSL_TLS1_1_VERSION(void);
int COpenSSL_TLS1_2_VERSION(void);
int COpenSSL_TLS1_3_VERSION(void);
/// Installs an ALPN selector on a server context. `list` is one byte holding the length of the
/// wire-format protocol list (length-prefixed names) followed by that list; it must outlive the context.
void COpenSSL_CTX_set_alpn_protocols_server(SSL_CTX *ctx, const unsigned char *list);
#endif
