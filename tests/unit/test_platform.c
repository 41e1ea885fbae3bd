/* Platform (DTB) parsing: the qemu-virt description, and malformed blobs.
 * Malformed variants are made here from the good blob with libfdt; the
 * corpus (tests/corpus/dtb) holds a few files that cannot be made that way. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "sim/platform.h"

#define assert_has(msg, sub) \
    cr_assert(strstr((msg), (sub)) != NULL, "expected \"%s\" in \"%s\"", (sub), (msg))

static const char *env_dir(const char *var)
{
    const char *d = getenv(var);
    cr_assert_not_null(d, "%s is not set (run through ctest)", var);
    return d;
}

static void virt_path(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/qemu-virt.dtb", env_dir("TZSIM_PLATFORM_DIR"));
}

static void tmp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/platform-%s", env_dir("TZSIM_TMP"), name);
}

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return b;
}

static void spit(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* A writable copy of qemu-virt.dtb with room to grow. */
static void *virt_copy(void)
{
    char path[512];
    size_t n;
    virt_path(path, sizeof path);
    uint8_t *orig = slurp(path, &n);
    size_t cap = n + 16384;
    void *fdt = malloc(cap);
    cr_assert_eq(fdt_open_into(orig, fdt, (int)cap), 0);
    free(orig);
    return fdt;
}

static int node(void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);
    cr_assert(off >= 0, "%s: %s", path, fdt_strerror(off));
    return off;
}

/* Loads a modified blob; expects failure with `sub` in the message. */
static void expect_blob_error(void *fdt, const char *sub)
{
    struct tz_platform *p = (void *)1;
    struct tz_error err = { { 0 } };
    int rc = tz_platform_load_blob(fdt, fdt_totalsize(fdt), "qemu-virt.dtb", &p, &err);
    cr_assert_eq(rc, -1, "expected an error containing \"%s\"", sub);
    cr_assert_null(p);
    assert_has(err.msg, "qemu-virt.dtb: ");
    assert_has(err.msg, sub);
}

static struct tz_platform *load_blob_ok(void *fdt)
{
    struct tz_platform *p = NULL;
    struct tz_error err = { { 0 } };
    int rc = tz_platform_load_blob(fdt, fdt_totalsize(fdt), "qemu-virt.dtb", &p, &err);
    cr_assert_eq(rc, 0, "unexpected error: %s", err.msg);
    cr_assert_not_null(p);
    return p;
}

static struct tz_platform *load_virt(void)
{
    char path[512];
    struct tz_platform *p = NULL;
    struct tz_error err = { { 0 } };
    virt_path(path, sizeof path);
    cr_assert_eq(tz_platform_load(path, &p, &err), 0, "%s", err.msg);
    return p;
}

static const struct tz_mem_region *mem_named(const struct tz_platform *p, const char *name)
{
    for (int i = 0; i < p->nmem; i++)
        if (strcmp(p->mem[i].name, name) == 0)
            return &p->mem[i];
    cr_assert_fail("no memory region %s", name);
    return NULL;
}

static const struct tz_device_desc *dev_at(const struct tz_platform *p, const char *path)
{
    for (int i = 0; i < p->ndev; i++)
        if (strcmp(p->dev[i].path, path) == 0)
            return &p->dev[i];
    cr_assert_fail("no device %s", path);
    return NULL;
}

/* ---- the qemu-virt description -------------------------------------------- */

Test(qemu_virt, memory_map)
{
    struct tz_platform *p = load_virt();
    struct {
        const char *name;
        uint64_t base, size;
        bool secure, rom;
    } want[] = {
        { "flash@0", 0x0, 64u << 20, true, true },
        { "flash@4000000", 0x04000000, 64u << 20, false, true },
        { "secram@e000000", 0x0e000000, 1u << 20, true, false },
        { "secdram@e100000", 0x0e100000, 15u << 20, true, false },
        { "memory@40000000", 0x40000000, 1u << 30, false, false },
    };
    cr_assert_eq(p->nmem, 5);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct tz_mem_region *m = mem_named(p, want[i].name);
        cr_expect_eq(m->base, want[i].base, "%s base", want[i].name);
        cr_expect_eq(m->size, want[i].size, "%s size", want[i].name);
        cr_expect_eq(m->secure, want[i].secure, "%s secure", want[i].name);
        cr_expect_eq(m->rom, want[i].rom, "%s rom", want[i].name);
    }
    cr_expect_str_eq(p->model, "tzsim qemu-virt (secure=on, GICv2)");
    cr_expect(strstr(p->path, "qemu-virt.dtb") != NULL);
    cr_expect_not_null(p->fdt);
    cr_expect_eq(fdt_totalsize(p->fdt), p->fdt_size);
    tz_platform_free(p);
}

Test(qemu_virt, mem_at)
{
    struct tz_platform *p = load_virt();
    const struct tz_mem_region *m = tz_platform_mem_at(p, 0x0e100000, 0x1000);
    cr_assert_not_null(m);
    cr_expect_str_eq(m->name, "secdram@e100000");
    m = tz_platform_mem_at(p, 0x0e0ff000, 0x1000); /* last page of secure SRAM */
    cr_assert_not_null(m);
    cr_expect_str_eq(m->name, "secram@e000000");
    cr_expect_null(tz_platform_mem_at(p, 0x0e0ff000, 0x2000)); /* spans two regions */
    cr_expect_not_null(tz_platform_mem_at(p, 0x7ffff000, 0x1000));
    cr_expect_null(tz_platform_mem_at(p, 0x7ffff000, 0x1001));
    cr_expect_null(tz_platform_mem_at(p, 0x80000000, 1));
    cr_expect_null(tz_platform_mem_at(p, 0x08000000, 4)); /* the GIC is not memory */
    cr_expect_not_null(tz_platform_mem_at(p, 0x0, 0)); /* size 0 means one byte */
    cr_expect_null(tz_platform_mem_at(p, UINT64_MAX, 2));
    tz_platform_free(p);
}

Test(qemu_virt, uarts)
{
    struct tz_platform *p = load_virt();
    const struct tz_device_desc *u0 = tz_platform_find(p, "arm,pl011");
    cr_assert_not_null(u0);
    cr_expect_str_eq(u0->path, "/pl011@9000000");
    cr_expect_str_eq(u0->name, "pl011@9000000");
    cr_expect_str_eq(u0->compatible, "arm,pl011");
    cr_expect_eq(u0->nreg, 1);
    cr_expect_eq(u0->reg[0][0], 0x09000000);
    cr_expect_eq(u0->reg[0][1], 0x1000);
    cr_expect_eq(u0->nirq, 1);
    cr_expect_eq(u0->irq[0].type, 0); /* SPI */
    cr_expect_eq(u0->irq[0].number, 1);
    cr_expect_eq(u0->irq[0].flags, 4);
    cr_expect(!u0->secure);
    cr_expect(u0->enabled);
    cr_expect_eq(fdt_path_offset(p->fdt, "/pl011@9000000"), u0->node);

    const struct tz_device_desc *u1 = dev_at(p, "/pl011@9040000");
    cr_expect_eq(u1->reg[0][0], 0x09040000);
    cr_expect(u1->secure);
    cr_expect(u1->enabled);
    cr_expect_eq(u1->nirq, 1);
    cr_expect_eq(u1->irq[0].type, 0);
    cr_expect_eq(u1->irq[0].number, 8); /* INTID 40 */

    /* Any string of the compatible list matches. */
    cr_expect_eq(tz_platform_find(p, "arm,primecell"), u0);
    cr_expect_null(tz_platform_find(p, "arm,nonexistent"));
    tz_platform_free(p);
}

Test(qemu_virt, gic_gpio_power)
{
    struct tz_platform *p = load_virt();
    const struct tz_device_desc *g = tz_platform_find(p, "arm,cortex-a15-gic");
    cr_assert_not_null(g);
    cr_expect_str_eq(g->path, "/intc@8000000");
    cr_expect_eq(g->nreg, 2);
    cr_expect_eq(g->reg[0][0], 0x08000000);
    cr_expect_eq(g->reg[0][1], 0x10000);
    cr_expect_eq(g->reg[1][0], 0x08010000);
    cr_expect_eq(g->reg[1][1], 0x10000);
    cr_expect(!g->secure);

    const struct tz_device_desc *pc = tz_platform_find(p, "tzsim,power-ctrl");
    cr_assert_not_null(pc);
    cr_expect_str_eq(pc->name, "power-controller@90c0000");
    cr_expect_eq(pc->reg[0][0], 0x090c0000);
    cr_expect_eq(pc->reg[0][1], 0x1000);
    cr_expect(pc->secure);
    cr_expect(pc->enabled);

    const struct tz_device_desc *gpio = tz_platform_find(p, "arm,pl061");
    cr_assert_not_null(gpio);
    cr_expect_eq(gpio->reg[0][0], 0x090b0000);
    cr_expect(gpio->secure);

    const struct tz_device_desc *dma = tz_platform_find(p, "tzsim,dma");
    cr_assert_not_null(dma);
    cr_expect_eq(dma->reg[0][0], 0x09100000);
    cr_expect_not(dma->secure, "the DMA engine is available to both worlds");
    cr_expect_eq(dma->nirq, 1);
    cr_expect_eq(dma->irq[0].type, 0u);
    cr_expect_eq(dma->irq[0].number, 10u, "SPI 10 (INTID 42)");

    /* Exactly the MMIO devices: memory, CPUs, timer, clocks are not. */
    cr_expect_eq(p->ndev, 6);
    tz_platform_free(p);
}

Test(qemu_virt, cpus_and_timer)
{
    struct tz_platform *p = load_virt();
    cr_assert_eq(p->ncpu, 4);
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(p->cpu[i].mpidr, (uint64_t)i);
        cr_expect_str_eq(p->cpu[i].compatible, "arm,cortex-a57");
        cr_expect_str_eq(p->cpu[i].enable_method, "psci");
    }
    cr_expect_eq(p->timer_hz, 62500000u);
    cr_assert_eq(p->ntimer_ppi, 4);
    /* secure phys, NS phys, virt, hyp: PPIs 13, 14, 11, 10 = INTIDs 29, 30, 27, 26 */
    cr_expect_eq(p->timer_ppi[0], 13);
    cr_expect_eq(p->timer_ppi[1], 14);
    cr_expect_eq(p->timer_ppi[2], 11);
    cr_expect_eq(p->timer_ppi[3], 10);
    cr_expect_eq(p->timer_ppi[0] + 16, 29);
    tz_platform_free(p);
}

Test(qemu_virt, blob_equals_file)
{
    /* load and load_blob agree, and the blob is copied. */
    void *fdt = virt_copy();
    struct tz_platform *p = load_blob_ok(fdt);
    memset(fdt, 0, fdt_totalsize(p->fdt));
    free(fdt);
    cr_expect_eq(p->nmem, 5);
    cr_expect_eq(p->ncpu, 4);
    cr_expect_eq(fdt_check_header(p->fdt), 0);
    cr_expect_str_eq(p->path, "qemu-virt.dtb");
    tz_platform_free(p);
    tz_platform_free(NULL);
}

/* ---- files that are not device trees ---------------------------------------- */

Test(bad_file, missing)
{
    char path[512];
    struct tz_platform *p = (void *)1;
    struct tz_error err;
    tmp_path(path, sizeof path, "does-not-exist.dtb");
    cr_assert_eq(tz_platform_load(path, &p, &err), -1);
    cr_assert_null(p);
    char want[600];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    cr_expect_str_eq(err.msg, want);
}

Test(bad_file, directory)
{
    struct tz_platform *p;
    struct tz_error err;
    const char *dir = env_dir("TZSIM_TMP");
    cr_assert_eq(tz_platform_load(dir, &p, &err), -1);
    assert_has(err.msg, dir);
    assert_has(err.msg, "Is a directory");
}

static void expect_file_error(const char *name, const void *data, size_t n, const char *sub)
{
    char path[512];
    struct tz_platform *p = (void *)1;
    struct tz_error err;
    tmp_path(path, sizeof path, name);
    spit(path, data, n);
    cr_assert_eq(tz_platform_load(path, &p, &err), -1, "%s loaded", name);
    cr_assert_null(p);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s: ", path);
    cr_expect_eq(strncmp(err.msg, prefix, strlen(prefix)), 0, "%s", err.msg);
    assert_has(err.msg, sub);
}

Test(bad_file, empty)
{
    expect_file_error("empty.dtb", "", 0, "not a device tree blob (the file is empty)");
}

Test(bad_file, tiny)
{
    expect_file_error("tiny.dtb", "\xd0\x0d", 2, "not a device tree blob (only 2 bytes)");
}

Test(bad_file, bad_magic)
{
    uint8_t b[64] = { 0x12, 0x34, 0x56, 0x78 };
    expect_file_error("magic.dtb", b, sizeof b,
                      "not a device tree blob (bad magic 0x12345678, expected 0xd00dfeed)");
}

Test(bad_file, garbage)
{
    uint8_t b[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof b; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)(x >> 16);
    }
    expect_file_error("garbage.dtb", b, sizeof b, "not a device tree blob (bad magic");
}

Test(bad_file, text)
{
    const char *t = "/dts-v1/;\n/ { };\n";
    expect_file_error("source.dtb", t, strlen(t),
                      "bad magic 0x2f647473, expected 0xd00dfeed): it is device tree source, "
                      "compile it with dtc");
}

Test(bad_file, other_formats_named)
{
    uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    expect_file_error("elf.dtb", elf, sizeof elf, "bad magic 0x7f454c46, expected 0xd00dfeed): "
                                                  "it is an ELF file");
    uint8_t gz[20] = { 0x1f, 0x8b, 8 };
    expect_file_error("gz.dtb", gz, sizeof gz, "it is gzip-compressed, decompress it first");
    uint8_t optee[28] = { 'O', 'P', 'T', 'E', 2, 1 };
    expect_file_error("optee.dtb", optee, sizeof optee, "it is an OP-TEE header");
}

Test(bad_file, truncated)
{
    char path[512];
    size_t n;
    virt_path(path, sizeof path);
    uint8_t *b = slurp(path, &n);
    char want[128];

    snprintf(want, sizeof want, "truncated: header says %zu bytes, file has 100", n);
    expect_file_error("trunc100.dtb", b, 100, want);
    expect_file_error("trunc20.dtb", b, 20,
                      "truncated: a device tree header is 40 bytes, file has 20");
    snprintf(want, sizeof want, "truncated: header says %zu bytes, file has %zu", n, n - 1);
    expect_file_error("trunc-1.dtb", b, n - 1, want);
    /* Every cut fails cleanly. */
    for (size_t cut = 0; cut < n; cut += 7) {
        struct tz_platform *p = (void *)1;
        struct tz_error err;
        cr_assert_eq(tz_platform_load_blob(b, cut, "cut.dtb", &p, &err), -1, "cut %zu", cut);
        cr_assert_null(p);
        assert_has(err.msg, "cut.dtb: ");
    }
    free(b);
}

Test(bad_file, corrupt_structure)
{
    /* A good header over a structure block of garbage. */
    void *fdt = virt_copy();
    fdt_pack(fdt);
    uint8_t *s = (uint8_t *)fdt + fdt_off_dt_struct(fdt);
    memset(s + 8, 0xff, 64);
    expect_blob_error(fdt, "corrupt device tree");
    free(fdt);
}

Test(bad_file, bad_version)
{
    void *fdt = virt_copy();
    fdt_set_version(fdt, 1);
    fdt_set_last_comp_version(fdt, 1);
    expect_blob_error(fdt, "bad device tree header");
    free(fdt);
}

Test(bad_file, corpus)
{
    /* Every file in the corpus fails with a message that starts with its
     * path. */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/dtb", env_dir("TZSIM_CORPUS"));
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no corpus directory %s", dir);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct tz_platform *p = (void *)1;
        struct tz_error err;
        cr_expect_eq(tz_platform_load(path, &p, &err), -1, "%s loaded", path);
        cr_expect_null(p);
        cr_expect_eq(strncmp(err.msg, path, strlen(path)), 0, "%s", err.msg);
        cr_expect(strlen(err.msg) > strlen(path) + 2, "%s", err.msg);
        count++;
    }
    closedir(d);
    cr_expect(count >= 3);
}

/* ---- well-formed blobs with bad contents -------------------------------------- */

Test(bad_dt, reg_length)
{
    void *fdt = virt_copy();
    uint32_t reg[3] = { 0, cpu_to_fdt32(0x40000000), cpu_to_fdt32(0x1000) };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", reg, sizeof reg), 0);
    expect_blob_error(fdt, "qemu-virt.dtb: /memory@40000000: reg has 12 bytes, expected a "
                           "multiple of 16");
    free(fdt);
}

Test(bad_dt, device_reg_length)
{
    void *fdt = virt_copy();
    uint32_t reg[2] = { 0, cpu_to_fdt32(0x09000000) };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/pl011@9000000"), "reg", reg, sizeof reg), 0);
    expect_blob_error(fdt, "/pl011@9000000: reg has 8 bytes");
    free(fdt);
}

Test(bad_dt, empty_reg)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", NULL, 0), 0);
    expect_blob_error(fdt, "/memory@40000000: reg has 0 bytes");
    free(fdt);
}

Test(bad_dt, memory_without_reg)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_delprop(fdt, node(fdt, "/memory@40000000"), "reg"), 0);
    expect_blob_error(fdt, "/memory@40000000: memory node has no reg");
    free(fdt);
}

Test(bad_dt, overlapping_memory)
{
    void *fdt = virt_copy();
    /* secure DRAM moved down onto the end of secure SRAM */
    uint32_t reg[4] = { 0, cpu_to_fdt32(0x0e0f0000), 0, cpu_to_fdt32(0x00f00000) };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/secdram@e100000"), "reg", reg, sizeof reg), 0);
    expect_blob_error(fdt, "memory secdram@e100000 0xe0f0000..0xeff0000 overlaps memory "
                           "secram@e000000 0xe000000..0xe100000");
    free(fdt);
}

Test(bad_dt, wrapping_reg)
{
    void *fdt = virt_copy();
    uint32_t reg[4] = { cpu_to_fdt32(0xffffffff), cpu_to_fdt32(0xfffff000), 0,
                        cpu_to_fdt32(0x2000) };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", reg, sizeof reg), 0);
    expect_blob_error(fdt, "/memory@40000000: reg entry 0 (0xfffffffffffff000, size 0x2000) "
                           "wraps around");
    free(fdt);
}

Test(bad_dt, no_cpus_node)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_del_node(fdt, node(fdt, "/cpus")), 0);
    expect_blob_error(fdt, "qemu-virt.dtb: no /cpus node");
    free(fdt);
}

Test(bad_dt, zero_cpus)
{
    void *fdt = virt_copy();
    const char *names[] = { "/cpus/cpu@0", "/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@3" };
    for (int i = 0; i < 4; i++)
        cr_assert_eq(fdt_del_node(fdt, node(fdt, names[i])), 0);
    expect_blob_error(fdt, "qemu-virt.dtb: /cpus: no cpu nodes");
    free(fdt);
}

Test(bad_dt, too_many_cpus)
{
    void *fdt = virt_copy();
    int cpus = node(fdt, "/cpus");
    for (int i = 4; i <= TZ_MAX_CPUS; i++) {
        char name[32];
        snprintf(name, sizeof name, "cpu@%d", i);
        int n = fdt_add_subnode(fdt, cpus, name);
        cr_assert(n >= 0);
        cr_assert_eq(fdt_setprop_string(fdt, n, "device_type", "cpu"), 0);
        cr_assert_eq(fdt_setprop_u32(fdt, n, "reg", (uint32_t)i), 0);
    }
    expect_blob_error(fdt, "more than 8 CPUs (TZ_MAX_CPUS)");
    free(fdt);
}

Test(bad_dt, duplicate_mpidr)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_setprop_u32(fdt, node(fdt, "/cpus/cpu@2"), "reg", 1), 0);
    expect_blob_error(fdt, "/cpus/cpu@2: MPIDR 0x1 is used by another cpu node");
    free(fdt);
}

Test(bad_dt, bad_mpidr)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_setprop_u32(fdt, node(fdt, "/cpus/cpu@1"), "reg", 0x80000001u), 0);
    expect_blob_error(fdt, "/cpus/cpu@1: reg 0x80000001 is not an MPIDR affinity value");
    free(fdt);
}

Test(bad_dt, cpu_without_reg)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_delprop(fdt, node(fdt, "/cpus/cpu@3"), "reg"), 0);
    expect_blob_error(fdt, "/cpus/cpu@3: cpu node has no reg");
    free(fdt);
}

Test(bad_dt, too_many_memory_regions)
{
    void *fdt = virt_copy();
    int root = node(fdt, "/");
    for (int i = 0; i < TZ_MAX_MEM; i++) {
        char name[32];
        uint64_t base = 0x100000000ull + (uint64_t)i * 0x1000;
        snprintf(name, sizeof name, "memory@%llx", (unsigned long long)base);
        int n = fdt_add_subnode(fdt, root, name);
        cr_assert(n >= 0);
        cr_assert_eq(fdt_setprop_string(fdt, n, "device_type", "memory"), 0);
        uint32_t reg[4] = { cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base),
                            0, cpu_to_fdt32(0x1000) };
        cr_assert_eq(fdt_setprop(fdt, n, "reg", reg, sizeof reg), 0);
    }
    expect_blob_error(fdt, "more than 16 memory regions (TZ_MAX_MEM)");
    free(fdt);
}

Test(bad_dt, too_many_devices)
{
    void *fdt = virt_copy();
    int root = node(fdt, "/");
    for (int i = 0; i < TZ_MAX_DEVICES; i++) {
        char name[32];
        snprintf(name, sizeof name, "dev@%x", 0x10000000 + i * 0x1000);
        int n = fdt_add_subnode(fdt, root, name);
        cr_assert(n >= 0);
        cr_assert_eq(fdt_setprop_string(fdt, n, "compatible", "test,dev"), 0);
        uint32_t reg[4] = { 0, cpu_to_fdt32(0x10000000u + (uint32_t)i * 0x1000), 0,
                            cpu_to_fdt32(0x1000) };
        cr_assert_eq(fdt_setprop(fdt, n, "reg", reg, sizeof reg), 0);
    }
    expect_blob_error(fdt, "more than 48 devices (TZ_MAX_DEVICES)");
    free(fdt);
}

Test(bad_dt, too_many_regs)
{
    void *fdt = virt_copy();
    uint32_t reg[5 * 4];
    for (int i = 0; i < 5; i++) {
        reg[4 * i] = 0;
        reg[4 * i + 1] = cpu_to_fdt32(0x08000000u + (uint32_t)i * 0x10000);
        reg[4 * i + 2] = 0;
        reg[4 * i + 3] = cpu_to_fdt32(0x10000);
    }
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/intc@8000000"), "reg", reg, sizeof reg), 0);
    expect_blob_error(fdt, "/intc@8000000: reg has 5 entries, more than tzsim's limit of 4 "
                           "(TZ_MAX_DEV_REGS)");
    free(fdt);
}

Test(bad_dt, bad_interrupts)
{
    void *fdt = virt_copy();
    uint32_t irq[2] = { 0, cpu_to_fdt32(1) };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/pl011@9000000"), "interrupts", irq, sizeof irq),
                 0);
    expect_blob_error(fdt, "/pl011@9000000: interrupts has 8 bytes, expected a multiple of 12");
    free(fdt);
}

Test(bad_dt, too_many_interrupts)
{
    void *fdt = virt_copy();
    uint32_t irq[15] = { 0 };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/pl011@9000000"), "interrupts", irq, sizeof irq),
                 0);
    expect_blob_error(fdt, "interrupts has 5 entries, more than tzsim's limit of 4");
    free(fdt);
}

Test(bad_dt, dangling_interrupt_parent)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_setprop_u32(fdt, node(fdt, "/pl011@9000000"), "interrupt-parent", 0x777),
                 0);
    expect_blob_error(fdt, "/pl011@9000000: interrupt-parent phandle 0x777 matches no node");
    free(fdt);
}

Test(bad_dt, bad_address_cells)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_setprop_u32(fdt, node(fdt, "/"), "#address-cells", 3), 0);
    expect_blob_error(fdt, "#address-cells is 3; tzsim decodes addresses of 1 or 2 cells");
    free(fdt);
}

Test(bad_dt, bad_timer)
{
    void *fdt = virt_copy();
    cr_assert_eq(fdt_setprop_u32(fdt, node(fdt, "/timer"), "clock-frequency", 0), 0);
    expect_blob_error(fdt, "/timer: clock-frequency is 0");
    free(fdt);

    fdt = virt_copy();
    uint32_t irq[3] = { 0, cpu_to_fdt32(13), cpu_to_fdt32(4) };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/timer"), "interrupts", irq, sizeof irq), 0);
    expect_blob_error(fdt, "/timer: interrupt 0 is type 0, expected 1 (PPI)");
    free(fdt);
}

/* ---- other valid shapes --------------------------------------------------------- */

Test(valid_dt, ranges_translation)
{
    void *fdt = virt_copy();
    int root = node(fdt, "/");
    int soc = fdt_add_subnode(fdt, root, "soc");
    cr_assert(soc >= 0);
    cr_assert_eq(fdt_setprop_string(fdt, soc, "compatible", "simple-bus"), 0);
    cr_assert_eq(fdt_setprop_u32(fdt, soc, "#address-cells", 1), 0);
    cr_assert_eq(fdt_setprop_u32(fdt, soc, "#size-cells", 1), 0);
    /* child 0x7e000000 -> CPU 0x1fe000000 (like the Raspberry Pi 4) */
    uint32_t ranges[4] = { cpu_to_fdt32(0x7e000000), cpu_to_fdt32(0x1),
                           cpu_to_fdt32(0xfe000000), cpu_to_fdt32(0x01800000) };
    cr_assert_eq(fdt_setprop(fdt, soc, "ranges", ranges, sizeof ranges), 0);
    int dev = fdt_add_subnode(fdt, soc, "serial@7e201000");
    cr_assert(dev >= 0);
    cr_assert_eq(fdt_setprop_string(fdt, dev, "compatible", "test,uart"), 0);
    uint32_t reg[2] = { cpu_to_fdt32(0x7e201000), cpu_to_fdt32(0x200) };
    cr_assert_eq(fdt_setprop(fdt, dev, "reg", reg, sizeof reg), 0);
    /* an I2C-like bus without ranges: its children are not MMIO devices */
    int i2c = fdt_add_subnode(fdt, soc, "i2c@7e205000");
    cr_assert(i2c >= 0);
    cr_assert_eq(fdt_setprop_string(fdt, i2c, "compatible", "test,i2c"), 0);
    uint32_t ireg[2] = { cpu_to_fdt32(0x7e205000), cpu_to_fdt32(0x200) };
    cr_assert_eq(fdt_setprop(fdt, i2c, "reg", ireg, sizeof ireg), 0);
    cr_assert_eq(fdt_setprop_u32(fdt, i2c, "#address-cells", 1), 0);
    cr_assert_eq(fdt_setprop_u32(fdt, i2c, "#size-cells", 0), 0);
    int eeprom = fdt_add_subnode(fdt, i2c, "eeprom@50");
    cr_assert(eeprom >= 0);
    cr_assert_eq(fdt_setprop_string(fdt, eeprom, "compatible", "test,eeprom"), 0);
    cr_assert_eq(fdt_setprop_u32(fdt, eeprom, "reg", 0x50), 0);

    struct tz_platform *p = load_blob_ok(fdt);
    const struct tz_device_desc *d = tz_platform_find(p, "test,uart");
    cr_assert_not_null(d);
    cr_expect_eq(d->reg[0][0], 0x1fe201000ull);
    cr_expect_eq(d->reg[0][1], 0x200);
    cr_expect_str_eq(d->path, "/soc/serial@7e201000");
    cr_assert_not_null(tz_platform_find(p, "test,i2c"));
    cr_expect_eq(tz_platform_find(p, "test,i2c")->reg[0][0], 0x1fe205000ull);
    cr_expect_null(tz_platform_find(p, "test,eeprom"));
    tz_platform_free(p);
    free(fdt);
}

Test(valid_dt, disabled_and_multi_reg)
{
    void *fdt = virt_copy();
    /* disabled for both worlds */
    cr_assert_eq(fdt_setprop_string(fdt, node(fdt, "/pl011@9000000"), "status", "disabled"), 0);
    /* a memory node with two ranges */
    uint32_t reg[8] = { 0, cpu_to_fdt32(0x40000000), 0, cpu_to_fdt32(0x10000000),
                        cpu_to_fdt32(1), 0, 0, cpu_to_fdt32(0x10000000) };
    cr_assert_eq(fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", reg, sizeof reg), 0);
    /* no model: the file's base name */
    cr_assert_eq(fdt_delprop(fdt, node(fdt, "/"), "model"), 0);
    /* no timer node: defaults */
    cr_assert_eq(fdt_del_node(fdt, node(fdt, "/timer")), 0);
    /* a disabled memory node is not memory */
    cr_assert_eq(fdt_setprop_string(fdt, node(fdt, "/flash@4000000"), "status", "fail"), 0);

    struct tz_platform *p = NULL;
    struct tz_error err;
    cr_assert_eq(tz_platform_load_blob(fdt, fdt_totalsize(fdt), "/some/dir/board.dtb", &p, &err),
                 0, "%s", err.msg);
    const struct tz_device_desc *u0 = dev_at(p, "/pl011@9000000");
    cr_expect(!u0->enabled);
    cr_expect(!u0->secure);
    /* the first enabled one is now the secure UART */
    cr_assert_not_null(tz_platform_find(p, "arm,pl011"));
    cr_expect_str_eq(tz_platform_find(p, "arm,pl011")->path, "/pl011@9040000");
    cr_expect_eq(p->nmem, 5);
    cr_expect_not_null(tz_platform_mem_at(p, 0x100000000ull, 0x10000000));
    cr_expect_null(tz_platform_mem_at(p, 0x04000000, 4));
    cr_expect_str_eq(p->model, "board");
    cr_expect_eq(p->timer_hz, 62500000u);
    cr_expect_eq(p->ntimer_ppi, 0);
    tz_platform_free(p);
    free(fdt);
}

Test(valid_dt, secure_status_defaults_to_status)
{
    void *fdt = virt_copy();
    int n = node(fdt, "/secram@e000000");
    /* secure-status absent, status okay: visible to both worlds */
    cr_assert_eq(fdt_delprop(fdt, n, "secure-status"), 0);
    cr_assert_eq(fdt_setprop_string(fdt, n, "status", "okay"), 0);
    /* status disabled, secure-status absent: neither world */
    cr_assert_eq(fdt_delprop(fdt, node(fdt, "/pl011@9040000"), "secure-status"), 0);
    struct tz_platform *p = load_blob_ok(fdt);
    cr_expect(!mem_named(p, "secram@e000000")->secure);
    const struct tz_device_desc *u1 = dev_at(p, "/pl011@9040000");
    cr_expect(!u1->enabled);
    cr_expect(!u1->secure);
    tz_platform_free(p);
    free(fdt);
}

Test(valid_dt, cpus_with_two_address_cells)
{
    void *fdt = virt_copy();
    int cpus = node(fdt, "/cpus");
    cr_assert_eq(fdt_setprop_u32(fdt, cpus, "#address-cells", 2), 0);
    const char *names[] = { "/cpus/cpu@0", "/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@3" };
    for (int i = 0; i < 4; i++) {
        /* Aff3 = 1, Aff1 = i */
        uint32_t reg[2] = { cpu_to_fdt32(1), cpu_to_fdt32((uint32_t)i << 8) };
        cr_assert_eq(fdt_setprop(fdt, node(fdt, names[i]), "reg", reg, sizeof reg), 0);
    }
    struct tz_platform *p = load_blob_ok(fdt);
    cr_assert_eq(p->ncpu, 4);
    cr_expect_eq(p->cpu[2].mpidr, 0x100000200ull);
    tz_platform_free(p);
    free(fdt);
}
