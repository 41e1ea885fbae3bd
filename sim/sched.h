/* The deterministic event queue: timed callbacks delivered at exact
 * instruction boundaries. Time is in ticks (CPU clock cycles). Ties are broken
 * by insertion order (a sequence number), never by host state.
 */
#ifndef TZ_SCHED_H
#define TZ_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#define TZ_ANY_CPU (-1)

typedef void (*tz_event_fn)(void *opaque, uint64_t arg);

struct tz_timed_event {
    uint64_t tick;
    uint64_t seq;
    tz_event_fn fn;
    void *opaque;
    uint64_t arg;
};

/* A binary min-heap ordered by (tick, seq). */
struct tz_event_queue {
    struct tz_timed_event *heap;
    int n, cap;
    uint64_t next_seq;
};

void tz_eq_init(struct tz_event_queue *q);
void tz_eq_free(struct tz_event_queue *q);
void tz_eq_push(struct tz_event_queue *q, uint64_t tick, tz_event_fn fn, void *opaque, uint64_t arg);
/* Earliest tick, or UINT64_MAX when empty. */
uint64_t tz_eq_next(const struct tz_event_queue *q);
/* Removes and returns the earliest event; q must not be empty. */
struct tz_timed_event tz_eq_pop(struct tz_event_queue *q);

/* ticks <-> nanoseconds and counter values, with 128-bit intermediates. */
static inline uint64_t tz_ticks_to_ns(uint64_t ticks, uint64_t hz)
{
    return (uint64_t)(((unsigned __int128)ticks * 1000000000u) / hz);
}
/* The first tick at which a counter running at cnt_hz (derived from ticks at
 * cpu_hz) reaches value: ceil(value * cpu_hz / cnt_hz). */
static inline uint64_t tz_count_to_ticks(uint64_t count, uint64_t cnt_hz, uint64_t cpu_hz)
{
    unsigned __int128 t = (unsigned __int128)count * cpu_hz + (cnt_hz - 1);
    t /= cnt_hz;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}
static inline uint64_t tz_ticks_to_count(uint64_t ticks, uint64_t cnt_hz, uint64_t cpu_hz)
{
    return (uint64_t)(((unsigned __int128)ticks * cnt_hz) / cpu_hz);
}

#endif
