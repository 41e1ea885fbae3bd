/* Cache geometry from the device tree's standard cache properties
 * (Devicetree Specification, "Multi-level and Shared Cache Nodes" and the
 * cpu node's cache properties). See cache.h. */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/cache/cache.h"

struct dtctx {
    const void *fdt;
    const char *file;
    struct tz_error *err;
};

__attribute__((format(printf, 3, 4)))
static int node_err(const struct dtctx *x, int node, const char *fmt, ...)
{
    char path[256], msg[TZ_ERROR_MAX];
    if (fdt_get_path(x->fdt, node, path, sizeof path) < 0) {
        const char *n = fdt_get_name(x->fdt, node, NULL);
        snprintf(path, sizeof path, ".../%s", n ? n : "?");
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tz_error_set(x->err, x->file, "%s: %s", path, msg);
}

/* An optional one-cell property. Returns 1 if present, 0 if absent, -1 on
 * a malformed value. */
static int u32_prop(const struct dtctx *x, int node, const char *name, uint32_t *out)
{
    int len;
    const uint8_t *p = fdt_getprop(x->fdt, node, name, &len);
    if (!p)
        return 0;
    if (len != 4)
        return node_err(x, node, "%s has %d bytes, expected 4 (one cell)", name, len);
    *out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return 1;
}

static bool pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

/* Reads <prefix>size, <prefix>line-size (or <prefix>block-size) and
 * <prefix>sets. Absent: the default. With a size but no sets, the default
 * associativity gives the sets. */
static int cache_props(const struct dtctx *x, int node, const char *prefix,
                       const struct tz_cache_geom *def, struct tz_cache_geom *out)
{
    char n_size[32], n_line[32], n_block[32], n_sets[32];
    snprintf(n_size, sizeof n_size, "%ssize", prefix);
    snprintf(n_line, sizeof n_line, "%sline-size", prefix);
    snprintf(n_block, sizeof n_block, "%sblock-size", prefix);
    snprintf(n_sets, sizeof n_sets, "%ssets", prefix);
    uint32_t size = 0, line = 0, block = 0, sets = 0;
    int hs = u32_prop(x, node, n_size, &size);
    int hl = u32_prop(x, node, n_line, &line);
    int hb = u32_prop(x, node, n_block, &block);
    int hn = u32_prop(x, node, n_sets, &sets);
    if (hs < 0 || hl < 0 || hb < 0 || hn < 0)
        return -1;
    if (!hs && !hl && !hb && !hn) {
        *out = *def;
        return 0;
    }
    if (!hs)
        return node_err(x, node, "%s is missing (the other %s* properties need it)", n_size, prefix);
    /* "line-size: ... if different than the cache block size". */
    if (!hl)
        line = hb ? block : def->line;
    if (!pow2(line) || line < 16 || line > TZ_CACHE_MAX_LINE)
        return node_err(x, node, "%s %u is not a power of two in 16..%u", hl ? n_line : n_block, line,
                        TZ_CACHE_MAX_LINE);
    uint32_t ways;
    if (hn) {
        if (!pow2(sets))
            return node_err(x, node, "%s %u is not a power of two", n_sets, sets);
        uint64_t per_way = (uint64_t)line * sets;
        if (size == 0 || size % per_way)
            return node_err(x, node, "%s %u is not a multiple of line size x sets (%u x %u)", n_size,
                            size, line, sets);
        ways = (uint32_t)(size / per_way);
    } else {
        ways = def->ways;
        uint64_t per_set = (uint64_t)line * ways;
        if (size == 0 || size % per_set || !pow2((uint32_t)(size / per_set)))
            return node_err(x, node,
                            "%s %u with %u-byte lines and the default %u ways does not give a "
                            "power-of-two number of sets; give %s",
                            n_size, size, line, ways, n_sets);
        sets = (uint32_t)(size / per_set);
    }
    if (ways < 1 || ways > 32)
        return node_err(x, node, "%s %u with %u sets of %u-byte lines is %u ways, outside 1..32",
                        n_size, size, sets, line, ways);
    out->size = size;
    out->line = line;
    out->sets = sets;
    out->ways = ways;
    return 0;
}

static const char *first_compatible(const void *fdt, int node)
{
    int len;
    const char *s = fdt_getprop(fdt, node, "compatible", &len);
    if (!s || len <= 0 || s[len - 1] != '\0')
        return NULL;
    return s;
}

static bool is_cpu(const void *fdt, int node)
{
    int len;
    const char *s = fdt_getprop(fdt, node, "device_type", &len);
    return s && len == 4 && memcmp(s, "cpu", 4) == 0;
}

int tz_cache_config_from_fdt(const void *fdt, const int *cpu_nodes, unsigned ncpu,
                             const char *file, struct tz_cache_config *cfg,
                             struct tz_error *err)
{
    struct dtctx x = {fdt, file, err};
    int nodes[TZ_CACHE_MAX_CORES];
    if (ncpu < 1 || ncpu > TZ_CACHE_MAX_CORES)
        return tz_error_set(err, file, "caches: %u CPUs, expected 1..%u", ncpu, TZ_CACHE_MAX_CORES);
    if (cpu_nodes) {
        memcpy(nodes, cpu_nodes, ncpu * sizeof *nodes);
    } else {
        int cpus = fdt_path_offset(fdt, "/cpus");
        if (cpus < 0)
            return tz_error_set(err, file, "/cpus: not found (%s)", fdt_strerror(cpus));
        unsigned n = 0;
        int node;
        fdt_for_each_subnode(node, fdt, cpus) {
            if (n < ncpu && is_cpu(fdt, node))
                nodes[n++] = node;
        }
        if (node < 0 && node != -FDT_ERR_NOTFOUND)
            return node_err(&x, cpus, "corrupt subnode list: %s", fdt_strerror(node));
        if (n < ncpu)
            return node_err(&x, cpus, "%u CPU nodes, %u needed", n, ncpu);
    }

    int l2node = -1;
    int first_l2_cpu = -1;
    struct tz_cache_geom def_l2 = {0};
    for (unsigned i = 0; i < ncpu; i++) {
        struct tz_cache_geom di, dd, d2;
        tz_cache_geom_for_cpu(first_compatible(fdt, nodes[i]), &di, &dd, &d2);
        if (i == 0)
            def_l2 = d2;
        if (cache_props(&x, nodes[i], "d-cache-", &dd, &cfg->l1d[i]) ||
            cache_props(&x, nodes[i], "i-cache-", &di, &cfg->l1i[i]))
            return -1;
        uint32_t ph = 0;
        int h = u32_prop(&x, nodes[i], "next-level-cache", &ph);
        if (h < 0)
            return -1;
        int target = -1;
        if (h) {
            target = fdt_node_offset_by_phandle(fdt, ph);
            if (target < 0)
                return node_err(&x, nodes[i], "next-level-cache <0x%x> names no node", ph);
        }
        if (i == 0) {
            l2node = target;
            first_l2_cpu = nodes[i];
        } else if (target != l2node) {
            char a[128], b[128];
            if (fdt_get_path(fdt, first_l2_cpu, a, sizeof a) < 0)
                snprintf(a, sizeof a, "the first CPU");
            if (l2node < 0 || fdt_get_path(fdt, l2node, b, sizeof b) < 0)
                snprintf(b, sizeof b, "no cache");
            return node_err(&x, nodes[i],
                            "next-level-cache differs from %s's (%s): tzsim models one L2 shared "
                            "by all CPUs",
                            a, b);
        }
    }
    if (l2node >= 0) {
        uint32_t level = 0;
        int h = u32_prop(&x, l2node, "cache-level", &level);
        if (h < 0)
            return -1;
        if (h && level != 2)
            return node_err(&x, l2node, "cache-level %u: tzsim models the CPUs' next-level cache "
                            "as the level-2 cache", level);
        /* cache-unified is expected; a node without it is still taken as the
         * unified L2 (many device trees omit it). */
        if (cache_props(&x, l2node, "cache-", &def_l2, &cfg->l2))
            return -1;
    } else {
        cfg->l2 = def_l2;
    }

    /* One line size for the whole hierarchy. */
    uint32_t line = cfg->l1d[0].line;
    for (unsigned i = 0; i < ncpu; i++) {
        if (cfg->l1d[i].line != line)
            return node_err(&x, nodes[i], "d-cache-line-size %u differs from the first CPU's %u "
                            "(tzsim models one line size)", cfg->l1d[i].line, line);
        if (cfg->l1i[i].line != line)
            return node_err(&x, nodes[i], "i-cache-line-size %u differs from d-cache-line-size %u "
                            "(tzsim models one line size)", cfg->l1i[i].line, line);
    }
    if (cfg->l2.line != line)
        return node_err(&x, l2node >= 0 ? l2node : nodes[0],
                        "cache-line-size %u differs from the L1's %u (tzsim models one line size)",
                        cfg->l2.line, line);
    cfg->ncores = ncpu;
    return 0;
}
