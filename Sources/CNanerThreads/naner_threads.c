// The GNU affinity calls, which Swift's Glibc module does not declare (no _GNU_SOURCE).
#define _GNU_SOURCE
#include "naner_threads.h"

#include <sched.h>
#include <stdlib.h>

struct start {
    void *(*routine)(void *);
    void *argument;
    cpu_set_t allowed;
};

static void *trampoline(void *context) {
    struct start start = *(struct start *)context;
    free(context);
    // Placed once: from here the scheduler moves it as it likes.
    pthread_setaffinity_np(pthread_self(), sizeof start.allowed, &start.allowed);
    return start.routine(start.argument);
}

int naner_thread_create_elsewhere(pthread_t *thread, void *(*routine)(void *), void *argument) {
    cpu_set_t elsewhere;
    int here = sched_getcpu();
    if (here < 0 || sched_getaffinity(0, sizeof elsewhere, &elsewhere) != 0 || here >= CPU_SETSIZE
        || !CPU_ISSET(here, &elsewhere) || CPU_COUNT(&elsewhere) < 2) {
        return pthread_create(thread, NULL, routine, argument);
    }
    struct start *start = malloc(sizeof *start);
    if (start == NULL) return pthread_create(thread, NULL, routine, argument);
    *start = (struct start){ .routine = routine, .argument = argument, .allowed = elsewhere };
    CPU_CLR(here, &elsewhere);

    pthread_attr_t attributes;
    int rc = pthread_attr_init(&attributes);
    if (rc == 0) {
        rc = pthread_attr_setaffinity_np(&attributes, sizeof elsewhere, &elsewhere);
        if (rc == 0) rc = pthread_create(thread, &attributes, trampoline, start);
        pthread_attr_destroy(&attributes);
    }
    if (rc != 0) {
        free(start);
        return pthread_create(thread, NULL, routine, argument);
    }
    return 0;
}
