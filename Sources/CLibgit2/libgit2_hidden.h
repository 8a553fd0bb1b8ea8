#ifndef NANER_LIBGIT2_HIDDEN_H
#define NANER_LIBGIT2_HIDDEN_H
/* git2.h, with every function declared hidden: the stubs that define them here must
   not be exported from naner (it links with -export-dynamic), or libgit2's calls to
   its own public functions would bind to them instead of to itself. */
#include <git2/common.h>
#undef GIT_EXTERN
#define GIT_EXTERN(type) extern __attribute__((visibility("hidden"))) type
#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
#include <git2/sys/index.h>
#include <git2/sys/transport.h>
#include <git2/sys/stream.h>
#endif
