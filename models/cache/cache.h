/* Caches, coherence and the version model behind the coherence checker.
 *
 * A hierarchy per machine: per-core L1 instruction and data caches and one
 * shared unified L2, all set-associative with LRU replacement, write-back
 * write-allocate. The L1 data caches are kept coherent with MESI through the
 * L2, which is strictly inclusive of them and keeps a presence vector (its
 * snoop filter); the L1 instruction caches are not coherent and the L2 is not
 * inclusive of them — as in the Cortex-A57/A72. Caches are physically tagged,
 * and the NS attribute is part of the tag, so the secure and non-secure
 * copies of one PA are different lines.
 *
 * Points of unification and coherency of this hierarchy: PoU is the L2 (for
 * instruction and data, inner shareable and uniprocessor), PoC is memory.
 *
 * Data are tracked as versions: every write creates a new version number
 * (one counter per model); each line copy holds the version it has and
 * memory holds the version last written to it. The checker rules
 * (checker.h) compare those. In "faithful" mode each copy also keeps the
 * line's bytes, so the guest can be given the stale value the hardware would
 * return.
 *
 * Everything takes the model instance; there is no global state. The caller
 * (the machine's memory and SYS hooks) translates VAs with walker.h and
 * passes physical addresses and attributes. See docs/caches.md.
 */
#ifndef TZ_CACHE_CACHE_H
#define TZ_CACHE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "models/cache/walker.h"
#include "sim/error.h"

#define TZ_CACHE_MAX_CORES 16
#define TZ_CACHE_MAX_LINE 256

struct tz_checker;

/* Who performed an access, for the findings. Passed per access. */
struct tz_access_ctx {
    uint64_t pc;       /* the instruction (the block start for block fetches) */
    uint64_t icount;   /* the CPU's retired-instruction count */
    uint64_t va;       /* virtual address accessed (== PA with the MMU off) */
    uint32_t smc_fid;  /* SMC function id being served, when flags & TZ_CTX_HAS_FID */
    int8_t cpu;        /* CPU index, or TZ_CTX_DMA(master) for a non-coherent master */
    uint8_t el;        /* exception level 0..3 */
    uint8_t ns;        /* world: 1 non-secure, 0 secure */
    uint8_t flags;
};
#define TZ_CTX_HAS_FID 1u
#define TZ_CTX_DMA(master) ((int8_t)(-1 - (int)(master)))
#define TZ_CTX_IS_DMA(c) ((c)->cpu < 0)
#define TZ_CTX_DMA_MASTER(c) (-1 - (int)(c)->cpu)

enum tz_cache_mode {
    TZ_CACHE_MODE_OFF = 0,      /* no model: every call is a no-op costing 0 */
    TZ_CACHE_MODE_CHECK = 1,    /* model and report; the guest sees coherent memory */
    TZ_CACHE_MODE_FAITHFUL = 2, /* also keep data, so the guest can see stale values */
};
#define TZ_CACHE_MODES "off, check or faithful"

/* "off", "check", "faithful" (the --cache and machine{cache=} spelling).
 * Inline: the scenario parser uses them without the model. */
static inline const char *tz_cache_mode_name(enum tz_cache_mode mode)
{
    static const char *const names[] = {"off", "check", "faithful"};
    return (unsigned)mode < 3 ? names[mode] : "?";
}
/* The mode named name, or -1. */
static inline int tz_cache_mode_parse(const char *name)
{
    for (int m = TZ_CACHE_MODE_OFF; m <= TZ_CACHE_MODE_FAITHFUL; m++)
        if (!strcmp(name, tz_cache_mode_name((enum tz_cache_mode)m)))
            return m;
    return -1;
}

struct tz_cache_geom {
    uint32_t size;  /* bytes */
    uint32_t line;  /* bytes, power of two, the same for every cache */
    uint32_t sets;  /* power of two */
    uint32_t ways;  /* size / (line * sets), 1..32 */
};

/* Cycle costs (added to the access's virtual time by the caller). */
struct tz_cache_costs {
    uint32_t l1_hit;     /* L1 hit */
    uint32_t l2_hit;     /* L1 miss served by the L2 */
    uint32_t snoop;      /* extra when another core's L1D must supply or give up the line */
    uint32_t mem;        /* L2 miss served by memory */
    uint32_t uncached;   /* Non-cacheable or Device access, or a DMA line */
    uint32_t writeback;  /* a dirty line written to memory */
    uint32_t maint;      /* a cache maintenance instruction (per line touched) */
};

struct tz_cache_config {
    unsigned ncores;
    struct tz_cache_geom l1i[TZ_CACHE_MAX_CORES];
    struct tz_cache_geom l1d[TZ_CACHE_MAX_CORES];
    struct tz_cache_geom l2;
    struct tz_cache_costs cost;
    enum tz_cache_mode mode;
};

/* Cortex-A57 geometry (L1I 48 KiB 3-way, L1D 32 KiB 2-way, L2 2 MiB 16-way,
 * 64-byte lines), default costs, mode "check". */
void tz_cache_config_default(struct tz_cache_config *cfg, unsigned ncores);
/* Default geometry for a CPU compatible string ("arm,cortex-a53", -a57,
 * -a72; anything else gets the A57's). */
void tz_cache_geom_for_cpu(const char *compatible, struct tz_cache_geom *l1i,
                           struct tz_cache_geom *l1d, struct tz_cache_geom *l2);
/* Checks a configuration; the message names the cache and the value. */
int tz_cache_config_validate(const struct tz_cache_config *cfg, struct tz_error *err);

/* Fills cfg->ncores, l1i, l1d and l2 from the device tree's standard cache
 * properties (Devicetree Specification "Multi-level and Shared Cache
 * Nodes"): on each CPU node d-cache-size, d-cache-line-size (or
 * d-cache-block-size), d-cache-sets, the same with i-cache-, and
 * next-level-cache = <&l2>; on the L2 node cache-level = <2>,
 * cache-unified, cache-size, cache-line-size (or cache-block-size),
 * cache-sets. Missing caches or properties take the CPU's defaults
 * (tz_cache_geom_for_cpu). cpu_nodes: offsets of the ncpu CPU nodes, or NULL
 * to use the first ncpu children of /cpus with device_type = "cpu". file
 * names the blob in messages ("x.dtb: /cpus/cpu@0: d-cache-sets 100 is not a
 * power of two"). Costs and mode are left as they are. */
int tz_cache_config_from_fdt(const void *fdt, const int *cpu_nodes, unsigned ncpu,
                             const char *file, struct tz_cache_config *cfg,
                             struct tz_error *err);

/* Faithful mode: the host pointer to the line of guest RAM at line_pa
 * (aligned to the line size), or NULL if it is not RAM. Guest RAM is the
 * coherent view (Unicorn stores into it directly); the model keeps what
 * the hardware would hold elsewhere. */
typedef uint8_t *(*tz_cache_ram_fn)(void *ctx, uint64_t line_pa);

struct tz_cache;

/* chk may be NULL (no findings). Returns NULL and fills err on a bad
 * configuration or allocation failure. */
struct tz_cache *tz_cache_create(const struct tz_cache_config *cfg, struct tz_checker *chk,
                                 struct tz_error *err);
void tz_cache_destroy(struct tz_cache *c);
void tz_cache_set_ram(struct tz_cache *c, tz_cache_ram_fn fn, void *ctx);
enum tz_cache_mode tz_cache_mode(const struct tz_cache *c);
unsigned tz_cache_line_size(const struct tz_cache *c);

struct tz_cache_result {
    uint32_t cycles;
    uint8_t level;       /* where the data came from: 1 L1, 2 L2 or another L1D, 3 memory, 0 uncached */
    uint8_t findings;    /* new or repeated findings raised by this access */
    bool differs;        /* faithful reads and fetches: data differ from guest RAM */
    const uint8_t *data; /* faithful reads and fetches of up to TZ_CACHE_MAX_LINE bytes:
                          * the bytes the hardware would return; valid until the next call */
};

/* One guest access by core `core` to [pa, pa + size) with attributes attr
 * (from the walker; attr->ns is the PA space). Accesses may span lines.
 * Data accesses are cached when attr is Normal Inner Write-Back;
 * instruction fetches when Normal Inner Write-Back or Write-Through (Inner
 * Write-Through data is treated as Non-cacheable — IMPLEMENTATION DEFINED,
 * as the Cortex-A57 does). wdata: the bytes written (writes; needed in
 * faithful mode only). In faithful mode a write must be reported before the
 * store reaches guest RAM. Returns the cycles; res may be NULL. */
uint32_t tz_cache_access(struct tz_cache *c, unsigned core, uint64_t pa, unsigned size,
                         enum tz_acc_kind kind, const struct tz_memattr *attr,
                         const struct tz_access_ctx *ctx, const void *wdata,
                         struct tz_cache_result *res);

/* Cache maintenance instructions (Arm ARM "Cache maintenance instructions"). */
enum tz_cmo {
    TZ_DC_CIVAC = 0, /* clean and invalidate to PoC, by VA */
    TZ_DC_CVAC = 1,  /* clean to PoC */
    TZ_DC_CVAP = 2,  /* clean to PoP (= PoC here; also DC CVADP) */
    TZ_DC_CVAU = 3,  /* clean to PoU */
    TZ_DC_IVAC = 4,  /* invalidate to PoC */
    TZ_DC_ZVA = 5,   /* zero a block (one line here) */
    TZ_DC_CISW = 6,  /* clean and invalidate by set/way */
    TZ_DC_CSW = 7,
    TZ_DC_ISW = 8,
    TZ_IC_IALLU = 9,   /* this core's I-cache */
    TZ_IC_IALLUIS = 10,/* every core's I-cache */
    TZ_IC_IVAU = 11,   /* by VA to PoU, every core */
    TZ_CMO_COUNT
};

/* The CMO encoded by SYS #op1, C<crn>, C<crm>, #op2, or -1. */
int tz_cmo_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2);
const char *tz_cmo_name(enum tz_cmo op);  /* "DC CIVAC" */
bool tz_cmo_by_va(enum tz_cmo op);         /* the operand is an address */
bool tz_cmo_by_sw(enum tz_cmo op);         /* the operand is a set/way Xt */

/* Performs a CMO by core `core`. operand: the PA (by-VA forms; the caller
 * translated Xt, and ns is the NS attribute of the translation), the raw Xt
 * (set/way forms), ignored (IC IALLU/IALLUIS). By-VA operations act on every
 * core's caches (the modelled cores form one inner shareable domain); set/way
 * operations act on this core's L1D (level field 0) or the L2 (level 1).
 * attr: the attributes of the address, used by DC ZVA only (may be NULL
 * otherwise). Returns the cycles. */
uint32_t tz_cache_maint(struct tz_cache *c, unsigned core, enum tz_cmo op, uint64_t operand,
                        bool ns, const struct tz_memattr *attr, const struct tz_access_ctx *ctx);

/* A non-coherent bus master (DMA) reads or writes [pa, pa + len) in the PA
 * space ns: caches are bypassed and not snooped. ctx->cpu is
 * TZ_CTX_DMA(master). dma_read: out (faithful, may be NULL) receives the
 * bytes memory holds. dma_write: data (faithful, may be NULL) are the bytes,
 * and must be reported before they reach guest RAM. */
uint32_t tz_cache_dma_read(struct tz_cache *c, uint64_t pa, uint64_t len, bool ns,
                           const struct tz_access_ctx *ctx, uint8_t *out);
uint32_t tz_cache_dma_write(struct tz_cache *c, uint64_t pa, uint64_t len, bool ns,
                            const struct tz_access_ctx *ctx, const void *data);

/* A core is reset or powered up: its L1 caches are invalidated (dirty data in
 * them is lost and reported) and its I-cache counts as invalidated now. */
void tz_cache_core_reset(struct tz_cache *c, unsigned core, const struct tz_access_ctx *ctx);

/* ---- Identification registers the guest reads (served by the MRS hook) -- */

/* CLIDR_EL1: Ctype1 = separate I and D, Ctype2 = unified, LoUIS = LoUU = 1
 * (PoU is the L2), LoC = 2. */
uint64_t tz_cache_clidr(const struct tz_cache *c);
/* CCSIDR_EL1 for CSSELR_EL1 value csselr (Level [3:1], InD [0]) on core
 * `core`, in the format without FEAT_CCIDX; 0 for a level with no cache. */
uint64_t tz_cache_ccsidr(const struct tz_cache *c, unsigned core, uint64_t csselr);
/* CTR_EL0 (IminLine, DminLine, CWG, ERG from the line size; L1Ip PIPT). */
uint64_t tz_cache_ctr(const struct tz_cache *c);
/* DCZID_EL0: DC ZVA zeroes one line. */
uint64_t tz_cache_dczid(const struct tz_cache *c);

/* ---- Counters ---------------------------------------------------------- */

struct tz_cache_core_stats {
    uint64_t l1d_hits, l1d_misses;
    uint64_t l1i_hits, l1i_misses;
    uint64_t l2_hits, l2_misses;     /* L2 lookups on this core's behalf */
    uint64_t snoops;                 /* lines taken from or invalidated in other L1Ds */
    uint64_t l1d_writebacks;         /* dirty L1D lines written to the L2 */
    uint64_t uncached_reads, uncached_writes;
    uint64_t cycles;
};

struct tz_cache_stats {
    struct tz_cache_core_stats core[TZ_CACHE_MAX_CORES];
    uint64_t l2_writebacks;          /* dirty lines written to memory */
    uint64_t l2_evictions;
    uint64_t dma_reads, dma_writes;  /* lines */
    uint64_t cmo[2][TZ_CMO_COUNT];   /* [world: 0 secure, 1 non-secure][op] */
    uint64_t versions;               /* writes seen (the version counter) */
    uint64_t code_writes;            /* writes to lines fetched as instructions before */
};

const struct tz_cache_stats *tz_cache_stats(const struct tz_cache *c);

/* ---- Introspection (tests, reports) ------------------------------------- */

enum tz_cache_which { TZ_CACHE_L1I = 0, TZ_CACHE_L1D = 1, TZ_CACHE_L2 = 2 };
enum tz_mesi { TZ_MESI_I = 0, TZ_MESI_S = 1, TZ_MESI_E = 2, TZ_MESI_M = 3 };

struct tz_cache_line_info {
    bool valid;
    uint8_t mesi;         /* L1D: enum tz_mesi; L1I/L2: S when valid */
    bool dirty;           /* L1D M, or L2 newer than memory */
    uint64_t version;
    uint64_t stale_words; /* 4-byte words older than memory (L1I: than the newest data) */
    uint32_t presence;    /* L2: cores whose L1D hold the line */
    unsigned set, way;
};

/* Looks up the line holding (pa, ns) in one cache (core ignored for the L2). */
bool tz_cache_probe(const struct tz_cache *c, unsigned core, enum tz_cache_which which,
                    uint64_t pa, bool ns, struct tz_cache_line_info *out);
/* The version memory holds for the line containing pa (0: never written). */
uint64_t tz_cache_mem_version(const struct tz_cache *c, uint64_t pa);
/* Checks the model's internal invariants (inclusion, presence vectors,
 * MESI owners, clean copies equal to the L2's). Returns 0, or -1 with the
 * first broken one in why. For tests; O(size of the caches). */
int tz_cache_selfcheck(const struct tz_cache *c, char *why, size_t cap);

#endif
