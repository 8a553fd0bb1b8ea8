#ifndef NANER_CLIBGIT2_SSH_TRANSPORT_H
#define NANER_CLIBGIT2_SSH_TRANSPORT_H
/* What GitKit's SSH transport (which runs the system `ssh`) needs from C. */
#include <git2/sys/transport.h>
#include <fcntl.h>
#include <spawn.h>

/* libgit2 hands back only the C pointers it was given; `owner` leads the
   callbacks back to the Swift object (parent must stay the first member). */
typedef struct {
    git_smart_subtransport parent;
    void *owner;
} naner_ssh_subtransport;

typedef struct {
    git_smart_subtransport_stream parent;
    void *owner;
} naner_ssh_stream;

/* glibc declares these only under _GNU_SOURCE / __USE_MISC, which Swift's Glibc
   module does not set: pipes must be close-on-exec from birth (other threads may
   spawn at the same time), and ssh must not inherit naner's other descriptors
   (the repository lock, for one). */
extern int pipe2(int pipefd[2], int flags);
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

static inline int naner_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
static inline int naner_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
#endif
