#ifndef NANER_THREADS_H
#define NANER_THREADS_H

#include <pthread.h>

/// Starts `routine(argument)` on a new thread placed on another processor than the calling
/// thread's, when the process may run on more than one, then lets it run anywhere. Linux
/// may queue a new thread behind its busy creator for milliseconds while another processor
/// is idle (the placement is only a start). Returns pthread_create's result.
int naner_thread_create_elsewhere(pthread_t *thread, void *(*routine)(void *), void *argument);

#endif
