/* Machine descriptions from a flattened device tree (libfdt).
 *
 * What is read (docs/platforms.md has the user-facing description):
 *   - memory: nodes with device_type = "memory", or compatible "mmio-sram"
 *     (RAM) or "cfi-flash" (ROM; also any memory node with "read-only");
 *   - security: the devicetree security binding
 *     (Documentation/devicetree/bindings/arm/secure.txt): "secure-status"
 *     gives the node's status for the secure world and defaults to "status".
 *     A node okay for the secure world but not for the normal world is
 *     secure-only;
 *   - devices: every other node with both "compatible" and "reg" whose reg
 *     maps to CPU physical addresses, outside /cpus and /reserved-memory;
 *   - CPUs: /cpus/<node> with device_type = "cpu", reg = MPIDR affinity;
 *   - the generic timer: the first node compatible with "arm,armv8-timer".
 *
 * Addresses are decoded with the parent's #address-cells/#size-cells
 * (devicetree specification v0.4, 2.3.5 and 2.3.6: defaults 2 and 1) and
 * translated to the root's address space through each ancestor's "ranges"
 * (2.3.8); a node under a parent without "ranges" (an I2C bus, say) has no
 * CPU address and is not a device.
 */
#include "platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#define MAX_DEPTH 32              /* deeper nesting is rejected */
#define DEFAULT_TIMER_HZ 62500000u
#define FDT_HEADER_SIZE 40u       /* struct fdt_header, version 17 */

/* Parse state: everything hangs off this, nothing global. */
struct walk {
    const void *fdt;
    const char *file;             /* for messages */
    struct tz_platform *p;
    struct tz_error *err;
    int timer_node;               /* first arm,armv8-timer node, or -1 */
    int timer_depth;              /* its depth (root = 0) */
};

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Reads `n` (1 or 2) big-endian cells as one number. */
static uint64_t read_cells(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 32 | be32(p + 4 * i);
    return v;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void node_path(const void *fdt, int node, char *buf, int cap)
{
    if (fdt_get_path(fdt, node, buf, cap) < 0) {
        /* Too long for buf (or corrupt): fall back to the node's name. */
        const char *n = fdt_get_name(fdt, node, NULL);
        snprintf(buf, (size_t)cap, ".../%s", n ? n : "?");
    }
}

/* Formats an error "FILE: PATH: reason". */
__attribute__((format(printf, 3, 4)))
static int node_err(struct walk *w, int node, const char *fmt, ...)
{
    char path[256];
    char msg[TZ_ERROR_MAX];
    va_list ap;

    node_path(w->fdt, node, path, sizeof path);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tz_error_set(w->err, w->file, "%s: %s", path, msg);
}

/* A string property, checked to be NUL-terminated; NULL if absent. */
static const char *str_prop(const void *fdt, int node, const char *name, int *lenp)
{
    int len;
    const char *s = fdt_getprop(fdt, node, name, &len);
    if (!s || len <= 0 || s[len - 1] != '\0')
        return NULL;
    if (lenp)
        *lenp = len;
    return s;
}

static bool has_compatible(const void *fdt, int node, const char *compat)
{
    int len;
    const char *s = fdt_getprop(fdt, node, "compatible", &len);
    return s && len > 0 && fdt_stringlist_contains(s, len, compat);
}

static bool status_okay(const char *s)
{
    return !s || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

/* The security binding: secure-status defaults to status. */
static void node_status(const void *fdt, int node, bool *ns_ok, bool *s_ok)
{
    const char *st = str_prop(fdt, node, "status", NULL);
    const char *sst = str_prop(fdt, node, "secure-status", NULL);
    bool has_sst = fdt_getprop(fdt, node, "secure-status", NULL) != NULL;

    *ns_ok = status_okay(st);
    *s_ok = has_sst ? status_okay(sst) : *ns_ok;
}

/* #address-cells / #size-cells of `node` (as a parent), with the spec's
 * defaults when absent. */
static int cells_prop(struct walk *w, int node, const char *name, uint32_t dflt, uint32_t *out)
{
    int len;
    const uint8_t *v = fdt_getprop(w->fdt, node, name, &len);
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (len != 4)
        return node_err(w, node, "%s is %d bytes, expected 4", name, len);
    *out = be32(v);
    return 0;
}

static int bus_cells(struct walk *w, int bus, uint32_t *ac, uint32_t *sc)
{
    if (cells_prop(w, bus, "#address-cells", 2, ac) || cells_prop(w, bus, "#size-cells", 1, sc))
        return -1;
    return 0;
}

/* Checks cells a reg/ranges decoder can represent in 64 bits. */
static int check_cells(struct walk *w, int bus, uint32_t ac, uint32_t sc)
{
    if (ac < 1 || ac > 2)
        return node_err(w, bus, "#address-cells is %u; tzsim decodes addresses of 1 or 2 cells",
                        ac);
    if (sc > 2)
        return node_err(w, bus, "#size-cells is %u; tzsim decodes sizes of 0 to 2 cells", sc);
    return 0;
}

/* Translates an address in the address space of anc[depth-1]'s children up to
 * the root (devicetree specification 2.3.8, "ranges"). anc[0] is the root.
 * Returns 0 and sets *out, 1 when some ancestor has no "ranges" (the address
 * is not a CPU address), -1 on a malformed ranges property. */
static int translate(struct walk *w, const int *anc, int depth, uint64_t addr, uint64_t size,
                     uint64_t *out)
{
    for (int d = depth - 1; d >= 1; d--) {
        int bus = anc[d], up = anc[d - 1];
        int len;
        const uint8_t *r = fdt_getprop(w->fdt, bus, "ranges", &len);
        if (!r)
            return 1;
        if (len == 0)
            continue; /* identity mapping */
        uint32_t cac, csc, pac, psc;
        if (bus_cells(w, bus, &cac, &csc) || bus_cells(w, up, &pac, &psc))
            return -1;
        if (check_cells(w, bus, cac, csc) || check_cells(w, up, pac, psc))
            return -1;
        int stride = (int)(4 * (cac + pac + csc));
        if (len % stride)
            return node_err(w, bus, "ranges is %d bytes, not a multiple of %d "
                            "(child #address-cells %u + parent #address-cells %u + "
                            "#size-cells %u)", len, stride, cac, pac, csc);
        bool found = false;
        for (int off = 0; off < len; off += stride) {
            uint64_t child = read_cells(r + off, (int)cac);
            uint64_t parent = read_cells(r + off + 4 * cac, (int)pac);
            uint64_t rsize = csc ? read_cells(r + off + 4 * (cac + pac), (int)csc) : 0;
            if (addr >= child && addr - child < rsize && size <= rsize - (addr - child)) {
                addr = parent + (addr - child);
                found = true;
                break;
            }
        }
        if (!found)
            return 1;
    }
    *out = addr;
    return 0;
}

/* Decodes a node's reg into CPU-physical (base, size) pairs, at most `max`.
 * Returns the count, -1 on error, or -2 when the addresses are not CPU
 * addresses (see translate). */
static int decode_reg(struct walk *w, int node, const int *anc, int depth, uint64_t (*out)[2],
                      int max, const char *limit_name)
{
    int len;
    const uint8_t *r = fdt_getprop(w->fdt, node, "reg", &len);
    uint32_t ac, sc;
    int parent = anc[depth - 1];

    if (!r)
        return 0;
    if (bus_cells(w, parent, &ac, &sc))
        return -1;
    /* #address-cells 0 (under an interrupt controller) or #size-cells 0 (an
     * I2C or SPI bus, /cpus): the parent is not a memory-mapped bus. */
    if (ac == 0 || sc == 0)
        return -2;
    if (check_cells(w, parent, ac, sc))
        return -1;
    int stride = (int)(4 * (ac + sc));
    if (len == 0 || len % stride)
        return node_err(w, node, "reg has %d bytes, expected a multiple of %d "
                        "(#address-cells %u + #size-cells %u)", len, stride, ac, sc);
    int n = len / stride;
    if (n > max)
        return node_err(w, node, "reg has %d entries, more than tzsim's limit of %d (%s)", n,
                        max, limit_name);
    for (int i = 0; i < n; i++) {
        uint64_t a = read_cells(r + i * stride, (int)ac);
        uint64_t s = read_cells(r + i * stride + 4 * ac, (int)sc);
        if (s && a + s - 1 < a)
            return node_err(w, node, "reg entry %d (0x%llx, size 0x%llx) wraps around the "
                            "64-bit address space", i, (unsigned long long)a,
                            (unsigned long long)s);
        uint64_t cpu = 0;
        int t = translate(w, anc, depth, a, s, &cpu);
        if (t < 0)
            return -1;
        if (t > 0)
            return -2;
        out[i][0] = cpu;
        out[i][1] = s;
    }
    return n;
}

/* The interrupt parent of `node` (own or inherited interrupt-parent). Returns
 * the parent's offset, -2 when there is none, -1 on error. */
static int irq_parent(struct walk *w, int node, const int *anc, int depth)
{
    for (int d = depth; d >= 0; d--) {
        int n = d == depth ? node : anc[d];
        int len;
        const uint8_t *v = fdt_getprop(w->fdt, n, "interrupt-parent", &len);
        if (!v)
            continue;
        if (len != 4)
            return node_err(w, n, "interrupt-parent is %d bytes, expected 4 (a phandle)", len);
        uint32_t ph = be32(v);
        int target = fdt_node_offset_by_phandle(w->fdt, ph);
        if (target < 0)
            return node_err(w, n, "interrupt-parent phandle 0x%x matches no node", ph);
        return target;
    }
    return -2;
}

/* Decodes "interrupts" for a parent with 3-cell (GIC) specifiers. Nodes whose
 * controller uses another format (or interrupts-extended) get none. */
static int decode_irqs(struct walk *w, int node, const int *anc, int depth,
                       struct tz_dt_irq *out, int max, int *nout, bool allow_more)
{
    int len;
    const uint8_t *v = fdt_getprop(w->fdt, node, "interrupts", &len);
    *nout = 0;
    if (!v)
        return 0;
    int ip = irq_parent(w, node, anc, depth);
    if (ip == -1)
        return -1;
    if (ip < 0)
        return node_err(w, node, "has interrupts but no interrupt-parent");
    uint32_t cells;
    int clen;
    const uint8_t *c = fdt_getprop(w->fdt, ip, "#interrupt-cells", &clen);
    if (!c || clen != 4)
        return node_err(w, ip, "interrupt parent has no valid #interrupt-cells");
    cells = be32(c);
    if (cells != 3)
        return 0; /* not a GIC specifier: tzsim does not decode it */
    if (len % 12)
        return node_err(w, node, "interrupts has %d bytes, expected a multiple of 12 "
                        "(3-cell GIC specifiers)", len);
    int n = len / 12;
    if (n > max) {
        if (!allow_more)
            return node_err(w, node, "interrupts has %d entries, more than tzsim's limit "
                            "of %d (TZ_MAX_DEV_IRQS)", n, max);
        n = max;
    }
    for (int i = 0; i < n; i++) {
        out[i].type = be32(v + 12 * i);
        out[i].number = be32(v + 12 * i + 4);
        out[i].flags = be32(v + 12 * i + 8);
    }
    *nout = n;
    return 0;
}

static bool is_memory_node(const void *fdt, int node)
{
    const char *dt = str_prop(fdt, node, "device_type", NULL);
    return (dt && strcmp(dt, "memory") == 0) || has_compatible(fdt, node, "mmio-sram") ||
           has_compatible(fdt, node, "cfi-flash");
}

static int add_memory(struct walk *w, int node, const int *anc, int depth)
{
    bool ns_ok, s_ok;
    uint64_t reg[TZ_MAX_MEM][2];

    node_status(w->fdt, node, &ns_ok, &s_ok);
    if (!ns_ok && !s_ok)
        return 0; /* disabled for both worlds: not memory */
    int n = decode_reg(w, node, anc, depth, reg, TZ_MAX_MEM, "TZ_MAX_MEM");
    if (n == -1)
        return -1;
    if (n == -2)
        return node_err(w, node, "memory node's reg does not map to CPU addresses "
                        "(an ancestor has no ranges)");
    if (n == 0)
        return node_err(w, node, "memory node has no reg");
    const char *name = fdt_get_name(w->fdt, node, NULL);
    bool rom = has_compatible(w->fdt, node, "cfi-flash") ||
               fdt_getprop(w->fdt, node, "read-only", NULL) != NULL;
    for (int i = 0; i < n; i++) {
        if (reg[i][1] == 0)
            continue;
        if (w->p->nmem == TZ_MAX_MEM)
            return node_err(w, node, "more than %d memory regions (TZ_MAX_MEM)", TZ_MAX_MEM);
        struct tz_mem_region *m = &w->p->mem[w->p->nmem++];
        copy_str(m->name, sizeof m->name, name);
        m->base = reg[i][0];
        m->size = reg[i][1];
        m->secure = s_ok && !ns_ok;
        m->rom = rom;
    }
    return 0;
}

static int add_device(struct walk *w, int node, const int *anc, int depth)
{
    struct tz_device_desc d;
    bool ns_ok, s_ok;

    memset(&d, 0, sizeof d);
    int n = decode_reg(w, node, anc, depth, d.reg, TZ_MAX_DEV_REGS, "TZ_MAX_DEV_REGS");
    if (n == -1)
        return -1;
    if (n <= 0)
        return 0; /* no CPU-visible registers: not an MMIO device */
    if (w->p->ndev == TZ_MAX_DEVICES)
        return node_err(w, node, "more than %d devices (TZ_MAX_DEVICES)", TZ_MAX_DEVICES);
    d.nreg = n;
    if (decode_irqs(w, node, anc, depth, d.irq, TZ_MAX_DEV_IRQS, &d.nirq, false))
        return -1;
    copy_str(d.name, sizeof d.name, fdt_get_name(w->fdt, node, NULL));
    node_path(w->fdt, node, d.path, sizeof d.path);
    copy_str(d.compatible, sizeof d.compatible, str_prop(w->fdt, node, "compatible", NULL));
    d.node = node;
    node_status(w->fdt, node, &ns_ok, &s_ok);
    d.secure = s_ok && !ns_ok;
    d.enabled = s_ok || ns_ok;
    w->p->dev[w->p->ndev++] = d;
    return 0;
}

static int visit(struct walk *w, int node, int *anc, int depth)
{
    const char *name = fdt_get_name(w->fdt, node, NULL);

    if (depth > MAX_DEPTH)
        return node_err(w, node, "nodes nested deeper than %d levels", MAX_DEPTH);
    if (depth == 1 && name && (strcmp(name, "cpus") == 0 || strcmp(name, "reserved-memory") == 0))
        return 0; /* CPUs are read separately; reserved memory is not a device */

    if (depth > 0) {
        if (w->timer_node < 0 && has_compatible(w->fdt, node, "arm,armv8-timer")) {
            w->timer_node = node;
            w->timer_depth = depth;
        }
        if (is_memory_node(w->fdt, node))
            return add_memory(w, node, anc, depth); /* children are partitions */
        if (fdt_getprop(w->fdt, node, "compatible", NULL) &&
            fdt_getprop(w->fdt, node, "reg", NULL) && add_device(w, node, anc, depth))
            return -1;
    }

    int child;
    anc[depth] = node;
    fdt_for_each_subnode(child, w->fdt, node) {
        if (visit(w, child, anc, depth + 1))
            return -1;
    }
    if (child < 0 && child != -FDT_ERR_NOTFOUND)
        return node_err(w, node, "corrupt subnode list: %s", fdt_strerror(child));
    return 0;
}

static int parse_cpus(struct walk *w)
{
    int cpus = fdt_path_offset(w->fdt, "/cpus");
    if (cpus < 0)
        return tz_error_set(w->err, w->file, "no /cpus node: a platform needs at least one CPU");
    uint32_t ac, sc;
    if (bus_cells(w, cpus, &ac, &sc))
        return -1;
    if (ac < 1 || ac > 2)
        return node_err(w, cpus, "#address-cells is %u, expected 1 or 2 (MPIDR affinity)", ac);
    int stride = (int)(4 * (ac + sc));

    int node;
    fdt_for_each_subnode(node, w->fdt, cpus) {
        const char *dt = str_prop(w->fdt, node, "device_type", NULL);
        if (!dt || strcmp(dt, "cpu") != 0)
            continue; /* cpu-map, caches, ... */
        int len;
        const uint8_t *r = fdt_getprop(w->fdt, node, "reg", &len);
        if (!r)
            return node_err(w, node, "cpu node has no reg (its MPIDR affinity)");
        if (len == 0 || len % stride)
            return node_err(w, node, "reg has %d bytes, expected a multiple of %d "
                            "(#address-cells %u + #size-cells %u of /cpus)", len, stride, ac, sc);
        uint64_t mpidr = read_cells(r, (int)ac);
        /* MPIDR_EL1 affinity fields: Aff3 [39:32], Aff2..Aff0 [23:0]
         * (Arm ARM DDI 0487, register MPIDR_EL1; the DT cpus binding puts
         * exactly these bits in reg). */
        if (mpidr & ~0xff00ffffffull)
            return node_err(w, node, "reg 0x%llx is not an MPIDR affinity value "
                            "(only bits 39:32 and 23:0 may be set)", (unsigned long long)mpidr);
        if (w->p->ncpu == TZ_MAX_CPUS)
            return node_err(w, node, "more than %d CPUs (TZ_MAX_CPUS)", TZ_MAX_CPUS);
        for (int i = 0; i < w->p->ncpu; i++)
            if (w->p->cpu[i].mpidr == mpidr)
                return node_err(w, node, "MPIDR 0x%llx is used by another cpu node",
                                (unsigned long long)mpidr);
        struct tz_cpu_desc *c = &w->p->cpu[w->p->ncpu++];
        c->mpidr = mpidr;
        copy_str(c->compatible, sizeof c->compatible, str_prop(w->fdt, node, "compatible", NULL));
        copy_str(c->enable_method, sizeof c->enable_method,
                 str_prop(w->fdt, node, "enable-method", NULL));
    }
    if (node < 0 && node != -FDT_ERR_NOTFOUND)
        return node_err(w, cpus, "corrupt subnode list: %s", fdt_strerror(node));
    if (w->p->ncpu == 0)
        return node_err(w, cpus, "no cpu nodes (device_type = \"cpu\"): a platform needs at "
                        "least one CPU");
    return 0;
}

static int parse_timer(struct walk *w)
{
    struct tz_platform *p = w->p;
    int depth = w->timer_depth;
    int anc[MAX_DEPTH + 2];
    struct tz_dt_irq irq[4];
    int n;

    p->timer_hz = DEFAULT_TIMER_HZ;
    p->ntimer_ppi = 0;
    if (w->timer_node < 0)
        return 0;

    /* Rebuild the ancestor chain for interrupt-parent inheritance. */
    int node = w->timer_node;
    for (int d = depth - 1; d >= 0; d--) {
        node = fdt_parent_offset(w->fdt, node);
        if (node < 0)
            return node_err(w, w->timer_node, "cannot find parent: %s", fdt_strerror(node));
        anc[d] = node;
    }

    int len;
    const uint8_t *f = fdt_getprop(w->fdt, w->timer_node, "clock-frequency", &len);
    if (f) {
        if (len != 4)
            return node_err(w, w->timer_node, "clock-frequency is %d bytes, expected 4", len);
        if (be32(f) == 0)
            return node_err(w, w->timer_node, "clock-frequency is 0");
        p->timer_hz = be32(f);
    }
    /* Arm's timer binding lists secure phys, NS phys, virt, hyp phys (and
     * optionally hyp virt, ignored here). */
    if (decode_irqs(w, w->timer_node, anc, depth, irq, 4, &n, true))
        return -1;
    for (int i = 0; i < n; i++) {
        if (irq[i].type != 1)
            return node_err(w, w->timer_node, "interrupt %d is type %u, expected 1 (PPI)", i,
                            irq[i].type);
        if (irq[i].number > 15)
            return node_err(w, w->timer_node, "interrupt %d is PPI %u; PPIs are 0..15", i,
                            irq[i].number);
        p->timer_ppi[i] = irq[i].number;
    }
    p->ntimer_ppi = n;
    return 0;
}

static int check_overlaps(struct walk *w)
{
    const struct tz_platform *p = w->p;
    for (int i = 0; i < p->nmem; i++) {
        const struct tz_mem_region *a = &p->mem[i];
        for (int j = 0; j < i; j++) {
            const struct tz_mem_region *b = &p->mem[j];
            /* sizes are non-zero and do not wrap (checked in decode_reg) */
            if (a->base <= b->base + (b->size - 1) && b->base <= a->base + (a->size - 1))
                return tz_error_set(w->err, w->file,
                                    "memory %s 0x%llx..0x%llx overlaps memory %s 0x%llx..0x%llx",
                                    a->name, (unsigned long long)a->base,
                                    (unsigned long long)(a->base + a->size), b->name,
                                    (unsigned long long)b->base,
                                    (unsigned long long)(b->base + b->size));
        }
    }
    return 0;
}

static void set_model(struct tz_platform *p, const void *fdt, const char *name)
{
    int root = fdt_path_offset(fdt, "/");
    const char *m = root >= 0 ? str_prop(fdt, root, "model", NULL) : NULL;
    if (m && *m) {
        copy_str(p->model, sizeof p->model, m);
        return;
    }
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    copy_str(p->model, sizeof p->model, base);
    char *dot = strrchr(p->model, '.');
    if (dot && strcmp(dot, ".dtb") == 0)
        *dot = '\0';
}

/* What a file handed over as a DTB often is instead. */
static const char *magic_hint(const uint8_t *b, size_t size)
{
    if (size >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0)
        return ": it is an ELF file";
    if (size >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return ": it is gzip-compressed, decompress it first";
    if (size >= 4 && memcmp(b, "/dts", 4) == 0)
        return ": it is device tree source, compile it with dtc";
    if (size >= 4 && memcmp(b, "OPTE", 4) == 0)
        return ": it is an OP-TEE header";
    return "";
}

/* Header checks, in the order that gives the most useful message. */
static int check_blob(const void *blob, size_t size, const char *name, struct tz_error *err)
{
    if (size == 0)
        return tz_error_set(err, name, "not a device tree blob (the file is empty)");
    if (size < 4)
        return tz_error_set(err, name, "not a device tree blob (only %zu bytes)", size);
    uint32_t magic = be32(blob);
    if (magic != FDT_MAGIC)
        return tz_error_set(err, name, "not a device tree blob (bad magic 0x%08x, expected "
                            "0x%08x)%s", magic, (unsigned)FDT_MAGIC, magic_hint(blob, size));
    if (size < FDT_HEADER_SIZE)
        return tz_error_set(err, name, "truncated: a device tree header is %u bytes, file has "
                            "%zu", FDT_HEADER_SIZE, size);
    uint32_t total = be32((const uint8_t *)blob + 4);
    if (total > size)
        return tz_error_set(err, name, "truncated: header says %u bytes, file has %zu", total,
                            size);
    int rc = fdt_check_header(blob);
    if (rc)
        return tz_error_set(err, name, "bad device tree header: %s", fdt_strerror(rc));
    rc = fdt_check_full(blob, total);
    if (rc)
        return tz_error_set(err, name, "corrupt device tree: %s", fdt_strerror(rc));
    return 0;
}

int tz_platform_load_blob(const void *blob, size_t size, const char *name,
                          struct tz_platform **out, struct tz_error *err)
{
    *out = NULL;
    if (!name)
        name = "<dtb>";
    if (check_blob(blob, size, name, err))
        return -1;

    struct tz_platform *p = calloc(1, sizeof *p);
    size_t total = be32((const uint8_t *)blob + 4);
    if (!p || !(p->fdt = malloc(total))) {
        free(p);
        return tz_error_set(err, name, "out of memory");
    }
    memcpy(p->fdt, blob, total);
    p->fdt_size = total;
    copy_str(p->path, sizeof p->path, name);
    set_model(p, p->fdt, name);

    struct walk w = { .fdt = p->fdt, .file = name, .p = p, .err = err, .timer_node = -1 };
    int anc[MAX_DEPTH + 2];
    int root = fdt_path_offset(p->fdt, "/");
    int rc = root < 0 ? tz_error_set(err, name, "no root node: %s", fdt_strerror(root)) : 0;
    if (!rc)
        rc = visit(&w, root, anc, 0);
    if (!rc)
        rc = parse_timer(&w);
    if (!rc)
        rc = parse_cpus(&w);
    if (!rc && p->nmem == 0)
        rc = tz_error_set(err, name, "no memory (no device_type = \"memory\", \"mmio-sram\" or "
                          "\"cfi-flash\" node)");
    if (!rc)
        rc = check_overlaps(&w);
    if (rc) {
        tz_platform_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int tz_platform_load(const char *path, struct tz_platform **out, struct tz_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tz_error_set(err, path, "cannot open: %s", strerror(errno));

    size_t cap = 64 * 1024, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return tz_error_set(err, path, "out of memory");
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        /* A machine description larger than 64 MiB is not one. */
        if (cap >= 64u * 1024 * 1024) {
            free(buf);
            fclose(f);
            return tz_error_set(err, path, "not a device tree blob (larger than 64 MiB)");
        }
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return tz_error_set(err, path, "cannot read: %s", strerror(e));
    }
    fclose(f);
    int rc = tz_platform_load_blob(buf, n, path, out, err);
    free(buf);
    return rc;
}

void tz_platform_free(struct tz_platform *p)
{
    if (!p)
        return;
    free(p->fdt);
    free(p);
}

const struct tz_mem_region *tz_platform_mem_at(const struct tz_platform *p, uint64_t addr,
                                               uint64_t size)
{
    if (size == 0)
        size = 1;
    for (int i = 0; i < p->nmem; i++) {
        const struct tz_mem_region *m = &p->mem[i];
        if (addr >= m->base && addr - m->base < m->size && size <= m->size - (addr - m->base))
            return m;
    }
    return NULL;
}

const struct tz_device_desc *tz_platform_find(const struct tz_platform *p, const char *compatible)
{
    for (int i = 0; i < p->ndev; i++) {
        const struct tz_device_desc *d = &p->dev[i];
        if (d->enabled && (strcmp(d->compatible, compatible) == 0 ||
                           has_compatible(p->fdt, d->node, compatible)))
            return d;
    }
    return NULL;
}
