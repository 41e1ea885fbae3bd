/* The event queue's order and the time arithmetic. */
#include <criterion/criterion.h>

#include "sim/sched.h"

static void record(void *opaque, uint64_t arg)
{
    uint64_t *log = opaque;
    log[++log[0]] = arg;
}

Test(sched, order_by_tick_then_insertion)
{
    struct tz_event_queue q;
    tz_eq_init(&q);
    uint64_t log[32] = {0};
    tz_eq_push(&q, 50, record, log, 1);
    tz_eq_push(&q, 10, record, log, 2);
    tz_eq_push(&q, 50, record, log, 3);
    tz_eq_push(&q, 30, record, log, 4);
    tz_eq_push(&q, 10, record, log, 5);
    tz_eq_push(&q, 0, record, log, 6);
    cr_expect_eq(tz_eq_next(&q), 0);
    while (q.n) {
        struct tz_timed_event e = tz_eq_pop(&q);
        e.fn(e.opaque, e.arg);
    }
    uint64_t want[] = {6, 2, 5, 4, 1, 3};
    cr_assert_eq(log[0], 6);
    for (int i = 0; i < 6; i++)
        cr_expect_eq(log[i + 1], want[i], "position %d", i);
    cr_expect_eq(tz_eq_next(&q), UINT64_MAX);
    tz_eq_free(&q);
}

Test(sched, many_events_stay_sorted)
{
    struct tz_event_queue q;
    tz_eq_init(&q);
    uint64_t x = 12345;
    for (int i = 0; i < 5000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        tz_eq_push(&q, (x >> 33) % 1000, record, NULL, (uint64_t)i);
    }
    uint64_t last_tick = 0, last_seq = 0;
    bool first = true;
    while (q.n) {
        struct tz_timed_event e = tz_eq_pop(&q);
        if (!first) {
            cr_assert(e.tick > last_tick || (e.tick == last_tick && e.seq > last_seq));
        }
        first = false;
        last_tick = e.tick;
        last_seq = e.seq;
    }
    tz_eq_free(&q);
}

Test(sched, time_conversions)
{
    cr_expect_eq(tz_ticks_to_ns(1000, 1000000000ull), 1000);
    cr_expect_eq(tz_ticks_to_ns(3, 1500000000ull), 2);
    cr_expect_eq(tz_ticks_to_ns(1ull << 62, 1000000000ull), 1ull << 62);
    /* 62.5 MHz counter from a 1 GHz clock: one count per 16 ticks. */
    cr_expect_eq(tz_ticks_to_count(15, 62500000, 1000000000), 0);
    cr_expect_eq(tz_ticks_to_count(16, 62500000, 1000000000), 1);
    cr_expect_eq(tz_count_to_ticks(1, 62500000, 1000000000), 16);
    cr_expect_eq(tz_count_to_ticks(0, 62500000, 1000000000), 0);
    /* Non-integral ratio rounds up: the first tick at which count >= value. */
    cr_expect_eq(tz_count_to_ticks(1, 3, 10), 4);
    cr_expect_eq(tz_ticks_to_count(4, 3, 10), 1);
    cr_expect_eq(tz_ticks_to_count(3, 3, 10), 0);
    cr_expect_eq(tz_count_to_ticks(UINT64_MAX, 1, 1000), UINT64_MAX);
}
