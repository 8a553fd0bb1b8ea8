#ifndef NANER_CLIBGIT2_PROXY_TUNNEL_H
#define NANER_CLIBGIT2_PROXY_TUNNEL_H
/* What GitKit's proxy tunnel (an HTTP CONNECT through a proxy, registered as
   libgit2's socket stream while an https transfer runs) needs from C. */
#include <git2/sys/stream.h>
#include <sys/socket.h>
#include <netdb.h>
#include <poll.h>

/* libgit2 hands back only the pointer it was given; `owner` leads the callbacks
   back to the Swift object (parent must stay the first member). */
typedef struct {
    git_stream parent;
    void *owner;
} naner_stream;

/* MSG_NOSIGNAL is a macro over an enum member, which Swift may not import. */
static inline int naner_msg_nosignal(void) {
    return MSG_NOSIGNAL;
}
#endif
