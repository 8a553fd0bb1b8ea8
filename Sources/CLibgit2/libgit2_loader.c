/* Loads libgit2 on first use instead of at start (see tools/generate-libgit2-stubs). */
#include "libgit2_hidden.h"
#include "libgit2_loader.h"
#include "shim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

/* Debian 12's libgit2-dev 1.5.1; the soname naner was built and tested against. */
#define NANER_LIBGIT2_SONAME "libgit2.so.1.5"

static void *library;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    /* RTLD_LOCAL: libgit2's symbols stay out of the global scope, where naner's own
       stubs of the same names would meet them. */
    library = dlopen(NANER_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
}

static _Noreturn void fail(const char *what) {
    const char *reason = dlerror();
    fflush(stdout);
    fprintf(stderr, "error: cannot load libgit2 (%s): %s\n", what, reason ? reason : "unknown reason");
    _exit(1);
}

void *naner_libgit2_symbol(const char *name) {
    pthread_once(&load_once, load);
    if (!library) fail(NANER_LIBGIT2_SONAME);
    void *symbol = dlsym(library, name);
    if (!symbol) fail(name);
    return symbol;
}

/* git_libgit2_opts is variadic, which neither Swift nor a generated stub can forward:
   one wrapper per option naner sets. */
typedef int (*opts_function)(int, ...);

static opts_function opts(void) {
    static opts_function cached;
    opts_function fn = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (!fn) {
        fn = (opts_function)naner_libgit2_symbol("git_libgit2_opts");
        __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

int naner_git_set_owner_validation(int enabled) {
    return opts()(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

int naner_git_enable_strict_object_creation(int enabled) {
    return opts()(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

int naner_git_set_ssl_cert_locations(const char *file, const char *path) {
    return opts()(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path);
}
