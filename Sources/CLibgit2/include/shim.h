#ifndef NANER_CLIBGIT2_SHIM_H
#define NANER_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
#include <git2/sys/index.h>
#include "ssh_transport.h"
#include "proxy_tunnel.h"

/* An object database backend written in Swift (GitKit's PackingBackend): libgit2's
   struct first, then the pointer back to the Swift object that serves it. */
typedef struct {
    git_odb_backend parent;
    void *owner;
} naner_odb_backend;

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option
   (libgit2_loader.c). */
int naner_git_set_owner_validation(int enabled);
int naner_git_enable_strict_object_creation(int enabled);
/* The CAs mbedTLS trusts, process-wide: a PEM file, a folder (every file in it is
   parsed; no hashed names needed), or both; either may be NULL. Replaces the chain. */
int naner_git_set_ssl_cert_locations(const char *file, const char *path);
/* git_libgit2_init without parsing the default CA bundle (see libgit2_loader.c), and
   whether it skipped one: then no CA is trusted until naner_git_set_ssl_cert_locations. */
int naner_git_init_deferring_certificates(void);
int naner_git_default_certificates_deferred(void);
#endif
