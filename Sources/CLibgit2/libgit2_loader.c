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

/* UNSAFE (symbol interposition): git_libgit2_init parses the CA bundle compiled into
   Debian's libgit2 (mbedTLS, /etc/ssl/certs/ca-certificates.crt) on every start: 52 of
   the 83 million instructions of `naner log -n 1`, though only an https transfer needs
   it. naner exports this definition (Package.swift: --export-dynamic-symbol), and
   libgit2, loaded RTLD_LOCAL, finds the executable's symbols first: while
   naner_git_init_deferring_certificates runs git_libgit2_init, the parse is skipped and
   libgit2's trusted chain stays empty (an https connection then fails its certificate
   check, never passes it); GitKit's Libgit2.useCertificates loads the bundle before the
   first https transfer. Every other call goes to mbedTLS's own function. */
static int deferring_certificates;  /* written only inside GitKit's initialization lock */
static int certificates_deferred;

int naner_git_init_deferring_certificates(void) {
    deferring_certificates = 1;
    int result = git_libgit2_init();
    deferring_certificates = 0;
    return result;
}

int naner_git_default_certificates_deferred(void) {
    return certificates_deferred;
}

typedef int (*crt_parse_file_function)(void *chain, const char *path);

__attribute__((visibility("default")))
int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    if (deferring_certificates) {
        certificates_deferred = 1;
        return 0;
    }
    /* dlsym on libgit2's handle searches libgit2's own dependencies (libmbedx509), never
       the executable, so this finds mbedTLS's function, not this one. */
    crt_parse_file_function real = (crt_parse_file_function)naner_libgit2_symbol("mbedtls_x509_crt_parse_file");
    return real(chain, path);
}
