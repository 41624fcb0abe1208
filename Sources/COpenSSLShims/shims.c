#include "COpenSSLShims.h"

int COpenSSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_min_proto_version(ctx, version); }
int COpenSSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_max_proto_version(ctx, version); }
long COpenSSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
long COpenSSL_CTX_set_options(SSL_CTX *ctx, long options) { return (long)SSL_CTX_set_options(ctx, (uint64_t)options); }
int COpenSSL_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
int COpenSSL_TLS1_VERSION(void) { return TLS1_VERSION; }
int COpenSSL_TLS1_1_VERSION(void) { return TLS1_1_VERSION; }
int COpenSSL_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
int COpenSSL_TLS1_3_VERSION(void) { return TLS1_3_VERSION; }

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl;
    // arg points at one byte holding the list's length, then the wire-format list itself.
    const unsigned char *protos = (const unsigned char *)arg;
    unsigned int total = protos[0];
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, protos + 1, total, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

void COpenSSL_CTX_set_alpn_protocols_server(SSL_CTX *ctx, const unsigned char *list) {
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, (void *)list);
}
