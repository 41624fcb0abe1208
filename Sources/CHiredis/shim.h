#ifndef C_HIREDIS_SHIM_H
#define C_HIREDIS_SHIM_H
// Included by path (not through pkg-config, whose -D_FILE_OFFSET_BITS=64 SwiftPM refuses), so the
// module needs no compiler flags at all.
#include <hiredis/hiredis.h>
#include <hiredis/read.h>
#endif
