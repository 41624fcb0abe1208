#ifndef C_POSTGRESQL_SHIM_H
#define C_POSTGRESQL_SHIM_H
#include <libpq-fe.h>
#endif
