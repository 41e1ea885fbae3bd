#include "sched.h"

#include <assert.h>
#include <stdlib.h>

void tz_eq_init(struct tz_event_queue *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
    q->next_seq = 0;
}

void tz_eq_free(struct tz_event_queue *q)
{
    free(q->heap);
    tz_eq_init(q);
}

static bool before(const struct tz_timed_event *a, const struct tz_timed_event *b)
{
    return a->tick < b->tick || (a->tick == b->tick && a->seq < b->seq);
}

void tz_eq_push(struct tz_event_queue *q, uint64_t tick, tz_event_fn fn, void *opaque, uint64_t arg)
{
    if (q->n == q->cap) {
        int cap = q->cap ? q->cap * 2 : 16;
        struct tz_timed_event *h = realloc(q->heap, (size_t)cap * sizeof *h);
        assert(h && "out of memory");
        q->heap = h;
        q->cap = cap;
    }
    struct tz_timed_event ev = {tick, q->next_seq++, fn, opaque, arg};
    int i = q->n++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!before(&ev, &q->heap[p]))
            break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = ev;
}

uint64_t tz_eq_next(const struct tz_event_queue *q)
{
    return q->n ? q->heap[0].tick : UINT64_MAX;
}

struct tz_timed_event tz_eq_pop(struct tz_event_queue *q)
{
    assert(q->n > 0);
    struct tz_timed_event top = q->heap[0];
    struct tz_timed_event last = q->heap[--q->n];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        const struct tz_timed_event *best = &last;
        if (l < q->n && before(&q->heap[l], best)) {
            m = l;
            best = &q->heap[l];
        }
        if (r < q->n && before(&q->heap[r], best))
            m = r;
        if (m == i)
            break;
        q->heap[i] = q->heap[m];
        i = m;
    }
    if (q->n)
        q->heap[i] = last;
    return top;
}
