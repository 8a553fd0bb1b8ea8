#ifndef NANER_CZLIB_SHIM_H
#define NANER_CZLIB_SHIM_H
/* The system's zlib (Debian: zlib1g-dev): GitKit deflates pack entries, NanerCore
   writes and reads zip archives. */
#include <zlib.h>
#endif
