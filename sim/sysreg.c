#include "sysreg.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

/* A direct index over the 16-bit encoding space: 0 = no handler, else
 * 1 + position in ops[]. 128 KiB per machine, one load per hooked access. */
struct tz_sysreg_table {
    uint16_t index[1u << 16];
    struct tz_sysreg_ops *ops;
    int n, cap;
};

struct tz_sysreg_table *tz_sysreg_table_create(void)
{
    return calloc(1, sizeof(struct tz_sysreg_table));
}

void tz_sysreg_table_destroy(struct tz_sysreg_table *t)
{
    if (!t)
        return;
    free(t->ops);
    free(t);
}

void tz_sysreg_register(struct tz_sysreg_table *t, const struct tz_sysreg_ops *ops)
{
    assert(t->index[ops->key] == 0 && "system register registered twice");
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 32;
        struct tz_sysreg_ops *o = realloc(t->ops, (size_t)cap * sizeof *o);
        assert(o && "out of memory");
        t->ops = o;
        t->cap = cap;
    }
    assert(t->n < 0xffff);
    t->ops[t->n] = *ops;
    t->index[ops->key] = (uint16_t)(++t->n);
}

const struct tz_sysreg_ops *tz_sysreg_lookup(const struct tz_sysreg_table *t, uint16_t key)
{
    uint16_t i = t->index[key];
    return i ? &t->ops[i - 1] : NULL;
}

void tz_sysreg_name(uint16_t key, char *out, unsigned n)
{
    snprintf(out, n, "S%u_%u_C%u_C%u_%u", (key >> 14) & 3u, (key >> 11) & 7u, (key >> 7) & 15u,
             (key >> 3) & 15u, key & 7u);
}
