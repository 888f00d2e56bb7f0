#ifndef FABRIEK_CLZ4_SHIM_H
#define FABRIEK_CLZ4_SHIM_H
#include <lz4.h>
#endif
