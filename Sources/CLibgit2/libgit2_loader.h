#ifndef NANER_LIBGIT2_LOADER_H
#define NANER_LIBGIT2_LOADER_H
/* The address of libgit2's function `name`, loading libgit2 on the first call.
   A libgit2 that cannot be loaded, or lacks the function, ends naner with one
   `error:` line (exit code 1): no stub has a way to report it otherwise. */
void *naner_libgit2_symbol(const char *name);
#endif
