/* SPDX-License-Identifier: MIT */
/*
 * A small flattened-device-tree reader (Devicetree Specification v0.4,
 * chapter 5): enough to check what OP-TEE wrote into the normal world's
 * tree (/firmware/optee, /reserved-memory). Big-endian tokens in the
 * structure block; node names in path lookups are compared whole, unit
 * address included.
 */
#include "nwd.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  1u
#define FDT_END_NODE    2u
#define FDT_PROP        3u
#define FDT_NOP         4u
#define FDT_END         9u
#define FDT_MAX_DEPTH   16

struct fdt_header {
    u32 magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap, version,
        last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

static u32 be32(const void *p)
{
    const u8 *b = p;
    return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

bool fdt_valid(const void *fdt)
{
    const struct fdt_header *h = fdt;
    return be32(&h->magic) == FDT_MAGIC && be32(&h->version) >= 16;
}

u32 fdt_total_size(const void *fdt)
{
    return be32(&((const struct fdt_header *)fdt)->totalsize);
}

/* Walks the structure block. For each node calls on_node(depth, name) and for
 * each property on_prop(depth of its node, name, value, len); a callback
 * returning true stops the walk. */
struct walker {
    bool (*on_node)(struct walker *w, int depth, const char *name);
    bool (*on_prop)(struct walker *w, int depth, const char *name, const void *val, u32 len);
};

static void fdt_walk(const void *fdt, struct walker *w)
{
    const struct fdt_header *h = fdt;
    const u8 *p = (const u8 *)fdt + be32(&h->off_dt_struct);
    const u8 *end = p + be32(&h->size_dt_struct);
    const char *strings = (const char *)fdt + be32(&h->off_dt_strings);
    int depth = -1;
    while (p + 4 <= end) {
        u32 tok = be32(p);
        p += 4;
        switch (tok) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)p;
            p += (str_len(name) + 1 + 3) & ~3ul;
            depth++;
            if (w->on_node && w->on_node(w, depth, name))
                return;
            break;
        }
        case FDT_END_NODE:
            depth--;
            break;
        case FDT_PROP: {
            u32 len = be32(p), nameoff = be32(p + 4);
            const void *val = p + 8;
            p += 8 + ((len + 3) & ~3u);
            if (w->on_prop && w->on_prop(w, depth, strings + nameoff, val, len))
                return;
            break;
        }
        case FDT_NOP:
            break;
        default: /* FDT_END or corrupt */
            return;
        }
    }
}

/* Path matching: which components of the path the walk is inside. */
struct path_walker {
    struct walker w;
    const char *comp[FDT_MAX_DEPTH];  /* path components; comp[0] is the root "" */
    int ncomp;                        /* the target node's depth + 1 */
    int matched;                      /* depth up to which the current node matches */
    const char *prop;
    const void *val;
    u32 len;
    void (*child_fn)(const char *name, void *arg);
    void *child_arg;
    int children;
    char buf[128];
};

static void path_split(struct path_walker *pw, const char *path)
{
    size_t n = 0;
    while (path[n] && n < sizeof(pw->buf) - 1) {
        pw->buf[n] = path[n];
        n++;
    }
    pw->buf[n] = 0;
    pw->comp[0] = "";
    pw->ncomp = 1;
    for (char *s = pw->buf; *s;) {
        if (*s == '/') {
            *s++ = 0;
            if (*s && pw->ncomp < FDT_MAX_DEPTH)
                pw->comp[pw->ncomp++] = s;
        } else {
            s++;
        }
    }
}

static bool pw_node(struct walker *w, int depth, const char *name)
{
    struct path_walker *pw = (struct path_walker *)w;
    /* The node matches when its parent matched and its name is the next
     * component. */
    if (depth <= pw->matched)
        pw->matched = depth - 1;
    if (pw->matched == depth - 1 && depth < pw->ncomp && str_eq(name, pw->comp[depth]))
        pw->matched = depth;
    else if (pw->child_fn && pw->matched == pw->ncomp - 1 && depth == pw->ncomp) {
        pw->child_fn(name, pw->child_arg);
        pw->children++;
    }
    return false;
}

static bool pw_prop(struct walker *w, int depth, const char *name, const void *val, u32 len)
{
    struct path_walker *pw = (struct path_walker *)w;
    if (pw->prop && depth == pw->ncomp - 1 && pw->matched == depth && str_eq(name, pw->prop)) {
        pw->val = val;
        pw->len = len;
        return true;
    }
    return false;
}

const void *fdt_get_prop(const void *fdt, const char *path, const char *prop, u32 *len)
{
    struct path_walker pw = {.w = {pw_node, pw_prop}, .matched = -1, .prop = prop};
    path_split(&pw, path);
    fdt_walk(fdt, &pw.w);
    if (pw.val && len)
        *len = pw.len;
    return pw.val;
}

int fdt_for_each_child(const void *fdt, const char *path,
                       void (*fn)(const char *name, void *arg), void *arg)
{
    struct path_walker pw = {.w = {pw_node, NULL}, .matched = -1, .child_fn = fn,
                             .child_arg = arg};
    path_split(&pw, path);
    fdt_walk(fdt, &pw.w);
    return pw.children;
}
