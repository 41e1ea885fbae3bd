/* Image loaders: ELF64, raw, OP-TEE v2; tz_images_check; symbolisation.
 * The ELF files are built here byte by byte (written to $TZSIM_TMP), so each
 * malformed variant is the good file with one field changed. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/loader.h"
#include "sim/platform.h"
#include "traces/trace.h"

#define assert_has(msg, sub) \
    cr_assert(strstr((msg), (sub)) != NULL, "expected \"%s\" in \"%s\"", (sub), (msg))

/* ---- helpers ---------------------------------------------------------------- */

static const char *env_dir(const char *var)
{
    const char *d = getenv(var);
    cr_assert_not_null(d, "%s is not set (run through ctest)", var);
    return d;
}

static void tmp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/loader-%s", env_dir("TZSIM_TMP"), name);
}

static void spit(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static struct tz_platform *virt(void)
{
    char path[512];
    struct tz_platform *p = NULL;
    struct tz_error err;
    snprintf(path, sizeof path, "%s/qemu-virt.dtb", env_dir("TZSIM_PLATFORM_DIR"));
    cr_assert_eq(tz_platform_load(path, &p, &err), 0, "%s", err.msg);
    return p;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void sha_hex(const void *a, size_t na, const void *b, size_t nb, char out[65])
{
    struct tz_sha256 s;
    uint8_t d[32];
    tz_sha256_init(&s);
    tz_sha256_update(&s, a, na);
    if (nb)
        tz_sha256_update(&s, b, nb);
    tz_sha256_final(&s, d);
    tz_sha256_hex(d, out);
}

/* ---- a minimal AArch64 ELF ------------------------------------------------------
 *
 *   0x000 ELF header
 *   0x040 program headers: [0] PT_LOAD text, [1] PT_LOAD data (+bss)
 *   0x100 text: 0x20 bytes  -> PA 0x0e100000 (VA = PA)
 *   0x200 data: 0x20 bytes  -> PA 0x0e101000, memsz 0x1000
 *   0x300 .symtab: null, _start, main, tail, data_buf, a NOTYPE label, an
 *         undefined FUNC
 *   0x400 .strtab
 *   0x500 section headers: [0] null, [1] .symtab, [2] .strtab
 */
#define ELF_SIZE (0x500 + 3 * 64)
#define TEXT_PA 0x0e100000ull
#define DATA_PA 0x0e101000ull
#define OFF_PH 0x40
#define OFF_SH 0x500
#define OFF_SYM 0x300
#define OFF_STR 0x400

static void ph_set(uint8_t *b, int i, uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr,
                   uint64_t filesz, uint64_t memsz)
{
    uint8_t *p = b + OFF_PH + 56 * i;
    put32(p, type);
    put32(p + 4, 5);
    put64(p + 8, off);
    put64(p + 16, vaddr);
    put64(p + 24, paddr);
    put64(p + 32, filesz);
    put64(p + 40, memsz);
    put64(p + 48, 0x1000);
}

static void sym_set(uint8_t *b, int i, uint32_t name, uint8_t info, uint16_t shndx, uint64_t value,
                    uint64_t size)
{
    uint8_t *s = b + OFF_SYM + 24 * i;
    put32(s, name);
    s[4] = info;
    s[5] = 0;
    put16(s + 6, shndx);
    put64(s + 8, value);
    put64(s + 16, size);
}

static void sh_set(uint8_t *b, int i, uint32_t type, uint64_t off, uint64_t size, uint32_t link,
                   uint64_t entsize)
{
    uint8_t *s = b + OFF_SH + 64 * i;
    put32(s + 4, type);
    put64(s + 24, off);
    put64(s + 32, size);
    put32(s + 40, link);
    put64(s + 56, entsize);
}

#define STT_FUNC_GLOBAL 0x12
#define STT_OBJECT_GLOBAL 0x11
#define STT_NOTYPE_LOCAL 0x00

static void build_elf(uint8_t *b)
{
    memset(b, 0, ELF_SIZE);
    memcpy(b, "\x7f" "ELF", 4);
    b[4] = 2; /* ELFCLASS64 */
    b[5] = 1; /* little-endian */
    b[6] = 1; /* EV_CURRENT */
    put16(b + 16, 2);   /* ET_EXEC */
    put16(b + 18, 183); /* EM_AARCH64 */
    put32(b + 20, 1);
    put64(b + 24, TEXT_PA + 8); /* entry: main */
    put64(b + 32, OFF_PH);
    put64(b + 40, OFF_SH);
    put16(b + 52, 64);
    put16(b + 54, 56);
    put16(b + 56, 2);
    put16(b + 58, 64);
    put16(b + 60, 3);
    put16(b + 62, 0);

    ph_set(b, 0, 1, 0x100, TEXT_PA, TEXT_PA, 0x20, 0x20);
    ph_set(b, 1, 1, 0x200, DATA_PA, DATA_PA, 0x20, 0x1000);
    for (int i = 0; i < 0x20; i++) {
        b[0x100 + i] = (uint8_t)(0xa0 + i);
        b[0x200 + i] = (uint8_t)(0x50 + i);
    }

    static const char strtab[] = "\0_start\0main\0tail\0data_buf\0label\0undef\0";
    memcpy(b + OFF_STR, strtab, sizeof strtab);
    sym_set(b, 1, 1, STT_FUNC_GLOBAL, 1, TEXT_PA, 8);           /* _start */
    sym_set(b, 2, 8, STT_FUNC_GLOBAL, 1, TEXT_PA + 8, 8);       /* main */
    sym_set(b, 3, 13, STT_FUNC_GLOBAL, 1, TEXT_PA + 0x10, 0);   /* tail: no size */
    sym_set(b, 4, 18, STT_OBJECT_GLOBAL, 2, DATA_PA, 0x100);    /* data_buf */
    sym_set(b, 5, 27, STT_NOTYPE_LOCAL, 1, TEXT_PA + 4, 0);     /* label: not kept */
    sym_set(b, 6, 33, STT_FUNC_GLOBAL, 0, 0, 0);                /* undef: not kept */

    sh_set(b, 1, 2, OFF_SYM, 7 * 24, 2, 24);
    sh_set(b, 2, 3, OFF_STR, sizeof strtab, 0, 0);
}

/* Writes b to TMP/loader-NAME and loads it as ELF. */
static int load_elf_bytes(const char *name, const uint8_t *b, size_t n, struct tz_image **img,
                          struct tz_error *err, char *path, size_t cap)
{
    tmp_path(path, cap, name);
    spit(path, b, n);
    return tz_image_load(path, TZ_IMAGE_ELF, false, 0, img, err);
}

/* The good ELF with one change; must fail with `sub` after "PATH: ". */
static void expect_elf_error(const char *name, const uint8_t *b, size_t n, const char *sub)
{
    char path[512];
    struct tz_image *img = (void *)1;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes(name, b, n, &img, &err, path, sizeof path), -1,
                 "%s loaded, expected \"%s\"", name, sub);
    cr_assert_null(img);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s: ", path);
    cr_expect_eq(strncmp(err.msg, prefix, strlen(prefix)), 0, "%s", err.msg);
    assert_has(err.msg, sub);
}

static struct tz_image *good_elf(const char *name)
{
    uint8_t b[ELF_SIZE];
    char path[512];
    struct tz_image *img = NULL;
    struct tz_error err;
    build_elf(b);
    cr_assert_eq(load_elf_bytes(name, b, sizeof b, &img, &err, path, sizeof path), 0, "%s",
                 err.msg);
    return img;
}

/* ---- ELF: the good file --------------------------------------------------------- */

Test(elf, segments_entry_hash)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    struct tz_image *img = good_elf("good.elf");
    cr_expect_eq(img->kind, TZ_IMAGE_ELF);
    cr_expect(strstr(img->path, "loader-good.elf") != NULL);
    cr_expect_eq(img->entry, TEXT_PA + 8);
    cr_assert_eq(img->nseg, 2);
    cr_expect_eq(img->seg[0].paddr, TEXT_PA);
    cr_expect_eq(img->seg[0].filesz, 0x20);
    cr_expect_eq(img->seg[0].memsz, 0x20);
    cr_expect_eq(memcmp(img->seg[0].data, b + 0x100, 0x20), 0);
    cr_expect_eq(img->seg[1].paddr, DATA_PA);
    cr_expect_eq(img->seg[1].filesz, 0x20);
    cr_expect_eq(img->seg[1].memsz, 0x1000);
    cr_expect_eq(img->seg[1].data[0], 0x50);
    cr_expect_eq(img->size, ELF_SIZE);
    cr_expect_eq(img->optee_pageable_addr, 0);

    char want[65];
    sha_hex(b, sizeof b, NULL, 0, want);
    cr_expect_str_eq(img->sha256, want);
    cr_expect_eq(strlen(img->sha256), 64);
    tz_image_free(img);
    tz_image_free(NULL);
}

Test(elf, symbols_sorted)
{
    struct tz_image *img = good_elf("syms.elf");
    cr_assert_eq(img->nsym, 4);
    const char *names[] = { "_start", "main", "tail", "data_buf" };
    uint64_t addrs[] = { TEXT_PA, TEXT_PA + 8, TEXT_PA + 0x10, DATA_PA };
    for (int i = 0; i < 4; i++) {
        cr_expect_str_eq(img->sym[i].name, names[i]);
        cr_expect_eq(img->sym[i].addr, addrs[i]);
    }
    cr_expect_eq(img->sym[3].size, 0x100);
    tz_image_free(img);
}

Test(elf, symbolize)
{
    struct tz_image *img = good_elf("symbolize.elf");
    uint64_t off = 99;
    const struct tz_symbol *s;

    s = tz_image_symbolize(img, TEXT_PA, &off);
    cr_assert_not_null(s);
    cr_expect_str_eq(s->name, "_start");
    cr_expect_eq(off, 0);
    s = tz_image_symbolize(img, TEXT_PA + 4, &off);
    cr_expect_str_eq(s->name, "_start");
    cr_expect_eq(off, 4);
    s = tz_image_symbolize(img, TEXT_PA + 0xc, &off);
    cr_expect_str_eq(s->name, "main");
    cr_expect_eq(off, 4);
    /* size 0: reaches up to the next symbol */
    s = tz_image_symbolize(img, TEXT_PA + 0x100, &off);
    cr_assert_not_null(s);
    cr_expect_str_eq(s->name, "tail");
    cr_expect_eq(off, 0xf0);
    s = tz_image_symbolize(img, DATA_PA + 0xff, &off);
    cr_expect_str_eq(s->name, "data_buf");
    cr_expect_eq(off, 0xff);
    /* past data_buf's size, below any symbol, and NULL offset pointer */
    cr_expect_null(tz_image_symbolize(img, DATA_PA + 0x100, &off));
    cr_expect_null(tz_image_symbolize(img, TEXT_PA - 1, &off));
    cr_expect_not_null(tz_image_symbolize(img, TEXT_PA, NULL));
    cr_expect_null(tz_image_symbolize(NULL, TEXT_PA, &off));
    tz_image_free(img);
}

Test(elf, symbolize_nested_and_last)
{
    /* A big object enclosing a function; a size-0 last symbol. */
    uint8_t b[ELF_SIZE];
    build_elf(b);
    sym_set(b, 4, 18, STT_OBJECT_GLOBAL, 1, TEXT_PA, 0x20); /* data_buf spans all text */
    sym_set(b, 3, 13, STT_FUNC_GLOBAL, 1, TEXT_PA + 0x10, 4); /* tail: 4 bytes */
    sym_set(b, 5, 27, STT_FUNC_GLOBAL, 2, DATA_PA + 0x10, 0); /* label: last, size 0 */
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes("nested.elf", b, sizeof b, &img, &err, path, sizeof path), 0,
                 "%s", err.msg);
    uint64_t off;
    const struct tz_symbol *s = tz_image_symbolize(img, TEXT_PA + 0x18, &off);
    cr_assert_not_null(s);
    cr_expect_str_eq(s->name, "data_buf"); /* tail ends at +0x14 */
    cr_expect_eq(off, 0x18);
    s = tz_image_symbolize(img, TEXT_PA + 0x12, &off);
    cr_expect_str_eq(s->name, "tail");
    /* at the same address, the larger symbol wins */
    s = tz_image_symbolize(img, TEXT_PA, &off);
    cr_expect_str_eq(s->name, "data_buf");
    /* the last, size-0 symbol reaches to the end of its segment */
    s = tz_image_symbolize(img, DATA_PA + 0xfff, &off);
    cr_assert_not_null(s);
    cr_expect_str_eq(s->name, "label");
    cr_expect_eq(off, 0xfef);
    cr_expect_null(tz_image_symbolize(img, DATA_PA + 0x1000, &off));
    tz_image_free(img);
}

Test(elf, entry_translated_to_physical)
{
    /* Linked at a high VA, loaded at PA: the entry is the PA (the MMU is off
     * at reset). */
    uint8_t b[ELF_SIZE];
    build_elf(b);
    ph_set(b, 0, 1, 0x100, 0xffff000000000000ull, TEXT_PA, 0x20, 0x20);
    put64(b + 24, 0xffff000000000010ull);
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes("va.elf", b, sizeof b, &img, &err, path, sizeof path), 0, "%s",
                 err.msg);
    cr_expect_eq(img->entry, TEXT_PA + 0x10);
    cr_expect_eq(img->seg[0].paddr, TEXT_PA);
    tz_image_free(img);
}

Test(elf, no_symbols_ok)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    put64(b + 40, 0); /* e_shoff = 0: stripped */
    put16(b + 60, 0);
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes("stripped.elf", b, OFF_SH, &img, &err, path, sizeof path), 0,
                 "%s", err.msg);
    cr_expect_eq(img->nsym, 0);
    cr_expect_null(tz_image_symbolize(img, TEXT_PA, NULL));
    tz_image_free(img);
}

Test(elf, other_program_headers_ignored)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    ph_set(b, 0, 0x6474e551 /* PT_GNU_STACK */, 0, 0, 0, 0, 0);
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes("gnustack.elf", b, sizeof b, &img, &err, path, sizeof path), 0,
                 "%s", err.msg);
    cr_expect_eq(img->nseg, 1);
    cr_expect_eq(img->seg[0].paddr, DATA_PA);
    tz_image_free(img);
}

/* ---- ELF: bad files ----------------------------------------------------------- */

Test(elf_bad, missing_file)
{
    char path[512];
    struct tz_image *img = (void *)1;
    struct tz_error err;
    tmp_path(path, sizeof path, "no-such.elf");
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_ELF, false, 0, &img, &err), -1);
    cr_assert_null(img);
    char want[600];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    cr_expect_str_eq(err.msg, want);
}

Test(elf_bad, directory)
{
    struct tz_image *img;
    struct tz_error err;
    const char *dir = env_dir("TZSIM_TMP");
    cr_assert_eq(tz_image_load(dir, TZ_IMAGE_ELF, false, 0, &img, &err), -1);
    assert_has(err.msg, "Is a directory");
}

Test(elf_bad, empty)
{
    expect_elf_error("empty.elf", (const uint8_t *)"", 0, "not an ELF file (the file is empty)");
}

Test(elf_bad, bad_magic)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    b[1] = 'X';
    expect_elf_error("magic.elf", b, sizeof b, "not an ELF file (bad magic)");
}

Test(elf_bad, other_formats_named)
{
    uint8_t dtb[64] = { 0xd0, 0x0d, 0xfe, 0xed };
    expect_elf_error("dtb.elf", dtb, sizeof dtb, "not an ELF file (bad magic): it is a device "
                                                 "tree blob");
    uint8_t optee[28] = { 'O', 'P', 'T', 'E', 2, 1 };
    expect_elf_error("optee.elf", optee, sizeof optee, "it is an OP-TEE header, load it as optee");
    uint8_t gz[20] = { 0x1f, 0x8b, 8 };
    expect_elf_error("gz.elf", gz, sizeof gz, "it is gzip-compressed");

    /* and an ELF given as an OP-TEE header */
    uint8_t b[ELF_SIZE];
    char path[512];
    build_elf(b);
    tmp_path(path, sizeof path, "elf-as-optee.bin");
    spit(path, b, sizeof b);
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_OPTEE, false, 0, &img, &err), -1);
    assert_has(err.msg, "not an OP-TEE header (bad magic 0x464c457f, expected 0x4554504f, "
                        "\"OPTE\"): it is an ELF file, load it as elf");
}

Test(elf_bad, truncated_everywhere)
{
    /* Every cut of the good file fails with a reason; none crashes. The
     * section header table is last, so no prefix is a valid file. */
    uint8_t b[ELF_SIZE];
    build_elf(b);
    char path[512];
    tmp_path(path, sizeof path, "cut.elf");
    for (size_t cut = 0; cut < sizeof b; cut++) {
        struct tz_image *img = (void *)1;
        struct tz_error err = { { 0 } };
        spit(path, b, cut);
        int rc = tz_image_load(path, TZ_IMAGE_ELF, false, 0, &img, &err);
        cr_assert_eq(rc, -1, "cut at %zu loaded", cut);
        cr_assert_null(img);
        cr_assert_eq(strncmp(err.msg, path, strlen(path)), 0, "%s", err.msg);
        cr_assert(strstr(err.msg, "truncated") || strstr(err.msg, "not an ELF file"),
                  "cut at %zu: %s", cut, err.msg);
    }
}

Test(elf_bad, truncated_messages)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    expect_elf_error("t10.elf", b, 10, "truncated: ELF identification is 16 bytes, file is 10");
    expect_elf_error("t40.elf", b, 40, "truncated: the ELF header is 64 bytes, file is 40");
    expect_elf_error("t100.elf", b, 100, "truncated: program header 0 ends at 120, file is 100");
    expect_elf_error("t150.elf", b, 150, "truncated: program header 1 ends at 176, file is 150");
    expect_elf_error("t0x210.elf", b, 0x210, "truncated: segment of program header 1 ends at "
                                             "544, file is 528 bytes");
    expect_elf_error("t0x510.elf", b, 0x510, "truncated: section header table at 1280 runs "
                                             "past the end of the file (1296 bytes)");
    expect_elf_error("t0x560.elf", b, 0x560, "truncated: section header table (3 entries) ends "
                                             "at 1472, file is 1376 bytes");
}

Test(elf_bad, class32)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    b[4] = 1;
    expect_elf_error("class32.elf", b, sizeof b, "ELFCLASS32");
    b[4] = 7;
    expect_elf_error("class7.elf", b, sizeof b, "invalid ELF class 7");
}

Test(elf_bad, big_endian)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    b[5] = 2;
    expect_elf_error("be.elf", b, sizeof b, "big-endian ELF (ELFDATA2MSB)");
    b[5] = 0;
    expect_elf_error("data0.elf", b, sizeof b, "invalid ELF data encoding 0");
}

Test(elf_bad, machine)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    put16(b + 18, 62);
    expect_elf_error("x86.elf", b, sizeof b, "ELF machine 62 (x86-64), expected 183 (AArch64)");
    put16(b + 18, 40);
    expect_elf_error("arm.elf", b, sizeof b, "ELF machine 40 (ARM (32-bit)), expected 183");
    put16(b + 18, 243);
    expect_elf_error("rv.elf", b, sizeof b, "ELF machine 243 (RISC-V)");
    put16(b + 18, 9999);
    expect_elf_error("unk.elf", b, sizeof b, "ELF machine 9999 (unknown)");
}

Test(elf_bad, type)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    put16(b + 16, 1);
    expect_elf_error("rel.elf", b, sizeof b, "ET_REL");
    put16(b + 16, 4);
    expect_elf_error("core.elf", b, sizeof b, "ET_CORE");
    put16(b + 16, 3); /* ET_DYN is fine */
    struct tz_image *img;
    struct tz_error err;
    char path[512];
    cr_expect_eq(load_elf_bytes("dyn.elf", b, sizeof b, &img, &err, path, sizeof path), 0, "%s",
                 err.msg);
    tz_image_free(img);
}

Test(elf_bad, ident_version)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    b[6] = 0;
    expect_elf_error("ver.elf", b, sizeof b, "ELF identification version 0, expected 1");
}

Test(elf_bad, program_header_table)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    put64(b + 32, ELF_SIZE - 10); /* e_phoff near the end */
    expect_elf_error("phoff.elf", b, sizeof b, "truncated: program header 0 ends at 1518, file "
                                               "is 1472 bytes");
    put64(b + 32, 0x100000);
    expect_elf_error("phoff2.elf", b, sizeof b, "truncated: program header 0 ends at");
    put64(b + 32, UINT64_MAX - 8);
    expect_elf_error("phoff3.elf", b, sizeof b, "program header 0 offset overflows");
    build_elf(b);
    put16(b + 56, 0);
    expect_elf_error("phnum0.elf", b, sizeof b, "no program headers");
    build_elf(b);
    put16(b + 54, 32);
    expect_elf_error("phentsize.elf", b, sizeof b, "e_phentsize is 32, expected 56");
    build_elf(b);
    put16(b + 56, 0xffff);
    expect_elf_error("pnxnum.elf", b, sizeof b, "PN_XNUM");
    build_elf(b);
    put16(b + 56, 30); /* 30 headers from 0x40 run to 0x6d0 */
    expect_elf_error("phnum30.elf", b, sizeof b, "truncated: program header 25 ends at 1520");
}

Test(elf_bad, segments)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    ph_set(b, 1, 1, 0x200, DATA_PA, DATA_PA, 0x2000, 0x1000);
    expect_elf_error("filesz.elf", b, sizeof b, "program header 1: p_filesz 0x2000 is larger "
                                                "than p_memsz 0x1000");
    ph_set(b, 1, 1, 0x10000, DATA_PA, DATA_PA, 0x20, 0x1000);
    expect_elf_error("offset.elf", b, sizeof b, "truncated: segment of program header 1 ends at "
                                                "65568, file is 1472 bytes");
    ph_set(b, 1, 1, UINT64_MAX - 0x10, DATA_PA, DATA_PA, 0x20, 0x1000);
    expect_elf_error("offovf.elf", b, sizeof b, "program header 1: p_offset 0xffffffffffffffef + "
                                                "p_filesz 0x20 overflows");
    ph_set(b, 1, 1, 0x200, DATA_PA, UINT64_MAX - 0xff, 0x20, 0x1000);
    expect_elf_error("wrap.elf", b, sizeof b, "p_memsz 0x1000 wraps around the 64-bit address "
                                              "space");
    build_elf(b);
    ph_set(b, 0, 4, 0, 0, 0, 0, 0);
    ph_set(b, 1, 4, 0, 0, 0, 0, 0);
    expect_elf_error("noload.elf", b, sizeof b, "no PT_LOAD program headers");
}

Test(elf_bad, sections)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    put64(b + 40, ELF_SIZE + 100);
    expect_elf_error("shoff.elf", b, sizeof b, "section header table at 1572 runs past the end");
    build_elf(b);
    put16(b + 58, 40);
    expect_elf_error("shentsize.elf", b, sizeof b, "e_shentsize is 40, expected 64");
    build_elf(b);
    put16(b + 60, 200);
    expect_elf_error("shnum.elf", b, sizeof b, "truncated: section header table (200 entries)");
    build_elf(b);
    sh_set(b, 1, 2, OFF_SYM, 7 * 24, 1, 24); /* links to itself */
    expect_elf_error("link.elf", b, sizeof b, "section 1 (symbol table): sh_link 1 is not a "
                                              "string table");
    sh_set(b, 1, 2, OFF_SYM, 7 * 24, 9, 24);
    expect_elf_error("link9.elf", b, sizeof b, "sh_link 9 is not a string table");
    sh_set(b, 1, 2, OFF_SYM, 7 * 24, 2, 16);
    expect_elf_error("entsize.elf", b, sizeof b, "sh_entsize is 16, expected 24");
    sh_set(b, 1, 2, OFF_SYM, 7 * 24 + 5, 2, 24);
    expect_elf_error("symsize.elf", b, sizeof b, "size 173 is not a multiple of 24");
    sh_set(b, 1, 2, 0x5000, 7 * 24, 2, 24);
    expect_elf_error("symoff.elf", b, sizeof b, "truncated: section 1 (symbol table) ends at");
    build_elf(b);
    sh_set(b, 2, 3, OFF_STR, 0x10000, 0, 0);
    expect_elf_error("stroff.elf", b, sizeof b, "truncated: section 2 (string table) ends at");
}

Test(elf_bad, symbol_names)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    sym_set(b, 2, 0x9000, STT_FUNC_GLOBAL, 1, TEXT_PA + 8, 8);
    expect_elf_error("symname.elf", b, sizeof b, "symbol 2: name offset 36864 is past the end "
                                                 "of its string table");
    build_elf(b);
    /* strtab cut so the last name runs off its end */
    sh_set(b, 2, 3, OFF_STR, 22, 0, 0);
    expect_elf_error("symnul.elf", b, sizeof b, "symbol 4: name at offset 18 is not "
                                                "NUL-terminated");
}

Test(elf_bad, load_address_not_allowed)
{
    uint8_t b[ELF_SIZE];
    char path[512];
    build_elf(b);
    tmp_path(path, sizeof path, "addr.elf");
    spit(path, b, sizeof b);
    struct tz_image *img = (void *)1;
    struct tz_error err;
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_ELF, true, 0x40000000, &img, &err), -1);
    cr_assert_null(img);
    assert_has(err.msg, path);
    assert_has(err.msg, "a load address applies only to raw images; elf images carry their "
                        "own");
}

static void run_corpus(const char *sub, enum tz_image_kind kind)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", env_dir("TZSIM_CORPUS"), sub);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no corpus directory %s", dir);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct tz_image *img = (void *)1;
        struct tz_error err;
        cr_expect_eq(tz_image_load(path, kind, false, 0, &img, &err), -1, "%s loaded", path);
        cr_expect_null(img);
        cr_expect_eq(strncmp(err.msg, path, strlen(path)), 0, "%s", err.msg);
        cr_expect(strlen(err.msg) > strlen(path) + 2, "%s", err.msg);
        count++;
    }
    closedir(d);
    cr_expect(count >= 3, "%s: only %d files", dir, count);
}

Test(elf_bad, corpus) { run_corpus("elf", TZ_IMAGE_ELF); }

/* ---- raw --------------------------------------------------------------------- */

Test(raw, at_address)
{
    char path[512];
    tmp_path(path, sizeof path, "abc.bin");
    spit(path, "abc", 3);
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_RAW, true, 0x40080000, &img, &err), 0, "%s",
                 err.msg);
    cr_expect_eq(img->kind, TZ_IMAGE_RAW);
    cr_expect_eq(img->entry, 0x40080000);
    cr_assert_eq(img->nseg, 1);
    cr_expect_eq(img->seg[0].paddr, 0x40080000);
    cr_expect_eq(img->seg[0].filesz, 3);
    cr_expect_eq(img->seg[0].memsz, 3);
    cr_expect_eq(memcmp(img->seg[0].data, "abc", 3), 0);
    cr_expect_eq(img->nsym, 0);
    /* FIPS 180-2 test vector */
    cr_expect_str_eq(img->sha256,
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    tz_image_free(img);
}

Test(raw, needs_address)
{
    char path[512];
    tmp_path(path, sizeof path, "noaddr.bin");
    spit(path, "abc", 3);
    struct tz_image *img = (void *)1;
    struct tz_error err;
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_RAW, false, 0, &img, &err), -1);
    cr_assert_null(img);
    char want[600];
    snprintf(want, sizeof want, "%s: a raw image needs a load address", path);
    assert_has(err.msg, want);
}

Test(raw, bad)
{
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    tmp_path(path, sizeof path, "empty.bin");
    spit(path, "", 0);
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_RAW, true, 0, &img, &err), -1);
    assert_has(err.msg, "raw image is empty");
    tmp_path(path, sizeof path, "wrap.bin");
    spit(path, "abc", 3);
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_RAW, true, UINT64_MAX - 1, &img, &err), -1);
    assert_has(err.msg, "wraps around");
    cr_assert_eq(tz_image_load(path, (enum tz_image_kind)7, true, 0, &img, &err), -1);
    assert_has(err.msg, "unknown image kind 7");
}

Test(kind, names)
{
    cr_expect_eq(tz_image_kind_parse("elf"), TZ_IMAGE_ELF);
    cr_expect_eq(tz_image_kind_parse("raw"), TZ_IMAGE_RAW);
    cr_expect_eq(tz_image_kind_parse("optee"), TZ_IMAGE_OPTEE);
    cr_expect_eq(tz_image_kind_parse("ELF"), -1);
    cr_expect_eq(tz_image_kind_parse(""), -1);
    cr_expect_eq(tz_image_kind_parse(NULL), -1);
    cr_expect_str_eq(tz_image_kind_name(TZ_IMAGE_ELF), "elf");
    cr_expect_str_eq(tz_image_kind_name(TZ_IMAGE_RAW), "raw");
    cr_expect_str_eq(tz_image_kind_name(TZ_IMAGE_OPTEE), "optee");
}

/* ---- OP-TEE v2 --------------------------------------------------------------- */

struct optee_img {
    uint32_t hi, lo, id, size;
};

/* Makes TMP/loader-optee-NAME/ with a header and the image files. Sizes of
 * the files are given separately so they can disagree with the header. */
static void optee_dir(const char *name, char *dir, size_t cap)
{
    tmp_path(dir, cap, name);
    mkdir(dir, 0777);
    char p[600];
    snprintf(p, sizeof p, "%s/tee-pager_v2.bin", dir);
    remove(p);
    snprintf(p, sizeof p, "%s/tee-pageable_v2.bin", dir);
    remove(p);
}

static void optee_header(const char *dir, uint32_t magic, uint8_t version, uint8_t arch,
                         uint32_t nb, const struct optee_img *im, int nim, char *hdr, size_t cap)
{
    uint8_t b[12 + 16 * 4];
    put32(b, magic);
    b[4] = version;
    b[5] = arch;
    put16(b + 6, 0);
    put32(b + 8, nb);
    for (int i = 0; i < nim; i++) {
        put32(b + 12 + 16 * i, im[i].hi);
        put32(b + 16 + 16 * i, im[i].lo);
        put32(b + 20 + 16 * i, im[i].id);
        put32(b + 24 + 16 * i, im[i].size);
    }
    snprintf(hdr, cap, "%s/tee-header_v2.bin", dir);
    spit(hdr, b, 12 + 16 * (size_t)nim);
}

static void optee_file(const char *dir, const char *name, size_t n, uint8_t fill)
{
    char p[600];
    uint8_t *b = malloc(n ? n : 1);
    memset(b, fill, n);
    snprintf(p, sizeof p, "%s/%s", dir, name);
    spit(p, b, n);
    free(b);
}

static struct tz_image *optee_ok(const char *hdr)
{
    struct tz_image *img = NULL;
    struct tz_error err;
    cr_assert_eq(tz_image_load(hdr, TZ_IMAGE_OPTEE, false, 0, &img, &err), 0, "%s", err.msg);
    return img;
}

static void optee_err(const char *hdr, const char *sub)
{
    struct tz_image *img = (void *)1;
    struct tz_error err;
    cr_assert_eq(tz_image_load(hdr, TZ_IMAGE_OPTEE, false, 0, &img, &err), -1,
                 "loaded, expected \"%s\"", sub);
    cr_assert_null(img);
    assert_has(err.msg, sub);
}

Test(optee, pager_only)
{
    char dir[512], hdr[600];
    optee_dir("optee-one", dir, sizeof dir);
    struct optee_img im[1] = { { 0, 0x0e100000, 0, 5000 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, im, 1, hdr, sizeof hdr);
    optee_file(dir, "tee-pager_v2.bin", 5000, 0xab);
    struct tz_image *img = optee_ok(hdr);
    cr_expect_eq(img->kind, TZ_IMAGE_OPTEE);
    cr_expect_eq(img->entry, 0x0e100000);
    cr_expect_eq(img->optee_pageable_addr, 0);
    cr_assert_eq(img->nseg, 1);
    cr_expect_eq(img->seg[0].paddr, 0x0e100000);
    cr_expect_eq(img->seg[0].filesz, 5000);
    cr_expect_eq(img->seg[0].memsz, 5000);
    cr_expect_eq(img->seg[0].data[4999], 0xab);
    cr_expect_eq(img->size, 28);
    cr_expect_eq(img->extra_size, 5000);

    /* The hash covers the header and then the pager. */
    uint8_t pager[5000];
    memset(pager, 0xab, sizeof pager);
    char want[65];
    sha_hex(img->buf, img->size, pager, sizeof pager, want);
    cr_expect_str_eq(img->sha256, want);

    /* and it fits the qemu-virt secure DRAM */
    struct tz_platform *p = virt();
    struct tz_error err;
    cr_expect_eq(tz_images_check(&img, 1, p, &err), 0, "%s", err.msg);
    tz_platform_free(p);
    tz_image_free(img);
}

Test(optee, pager_and_pageable)
{
    char dir[512], hdr[600];
    optee_dir("optee-two", dir, sizeof dir);
    struct optee_img im[2] = { { 0, 0x0e100000, 0, 0x3000 }, { 0, 0x0e400000, 1, 0x2000 } };
    optee_header(dir, 0x4554504f, 2, 1, 2, im, 2, hdr, sizeof hdr);
    optee_file(dir, "tee-pager_v2.bin", 0x3000, 0x11);
    optee_file(dir, "tee-pageable_v2.bin", 0x2000, 0x22);
    struct tz_image *img = optee_ok(hdr);
    cr_expect_eq(img->entry, 0x0e100000);
    cr_expect_eq(img->optee_pageable_addr, 0x0e400000);
    cr_assert_eq(img->nseg, 2);
    cr_expect_eq(img->seg[1].paddr, 0x0e400000);
    cr_expect_eq(img->seg[1].filesz, 0x2000);
    cr_expect_eq(img->seg[0].data[0], 0x11);
    cr_expect_eq(img->seg[1].data[0], 0x22);
    cr_expect_eq(img->seg[1].data[0x1fff], 0x22);
    cr_expect_eq(img->extra_size, 0x5000);
    tz_image_free(img);
}

Test(optee, pageable_address_left_to_loader)
{
    /* gen_tee_bin.py writes all ones: tzsim uses pager + 2 MiB like TF-A's
     * QEMU port. Image order in the header does not matter. */
    char dir[512], hdr[600];
    optee_dir("optee-any", dir, sizeof dir);
    struct optee_img im[2] = { { 0xffffffff, 0xffffffff, 1, 0x1000 }, { 0, 0x0e100000, 0, 0x1000 } };
    optee_header(dir, 0x4554504f, 2, 1, 2, im, 2, hdr, sizeof hdr);
    optee_file(dir, "tee-pager_v2.bin", 0x1000, 1);
    optee_file(dir, "tee-pageable_v2.bin", 0x1000, 2);
    struct tz_image *img = optee_ok(hdr);
    cr_expect_eq(img->optee_pageable_addr, 0x0e300000);
    cr_expect_eq(img->seg[1].paddr, 0x0e300000);
    tz_image_free(img);
}

Test(optee, empty_pageable_is_skipped)
{
    char dir[512], hdr[600];
    optee_dir("optee-empty-pageable", dir, sizeof dir);
    struct optee_img im[2] = { { 0, 0x0e100000, 0, 0x1000 }, { 0xffffffff, 0xffffffff, 1, 0 } };
    optee_header(dir, 0x4554504f, 2, 1, 2, im, 2, hdr, sizeof hdr);
    optee_file(dir, "tee-pager_v2.bin", 0x1000, 1);
    struct tz_image *img = optee_ok(hdr);
    cr_expect_eq(img->nseg, 1);
    cr_expect_eq(img->optee_pageable_addr, 0);
    tz_image_free(img);
}

Test(optee, bad_headers)
{
    char dir[512], hdr[600];
    optee_dir("optee-bad", dir, sizeof dir);
    optee_file(dir, "tee-pager_v2.bin", 0x1000, 1);
    struct optee_img one[1] = { { 0, 0x0e100000, 0, 0x1000 } };

    optee_header(dir, 0x12345678, 2, 1, 1, one, 1, hdr, sizeof hdr);
    optee_err(hdr, "not an OP-TEE header (bad magic 0x12345678, expected 0x4554504f");
    optee_header(dir, 0x4554504f, 1, 1, 1, one, 1, hdr, sizeof hdr);
    optee_err(hdr, "OP-TEE header version 1 (tee.bin), expected 2");
    optee_header(dir, 0x4554504f, 3, 1, 1, one, 1, hdr, sizeof hdr);
    optee_err(hdr, "OP-TEE header version 3, expected 2");
    optee_header(dir, 0x4554504f, 2, 0, 1, one, 1, hdr, sizeof hdr);
    optee_err(hdr, "OP-TEE arch 0 (AArch32), expected 1 (AArch64)");
    optee_header(dir, 0x4554504f, 2, 1, 0, one, 0, hdr, sizeof hdr);
    optee_err(hdr, "OP-TEE header lists 0 images, expected 1 or 2");
    optee_header(dir, 0x4554504f, 2, 1, 3, one, 1, hdr, sizeof hdr);
    optee_err(hdr, "lists 3 images");
    /* says two images, holds one */
    optee_header(dir, 0x4554504f, 2, 1, 2, one, 1, hdr, sizeof hdr);
    optee_err(hdr, "truncated: an OP-TEE header with 2 images is 44 bytes, file is 28 bytes");
    /* says one image, holds two */
    struct optee_img two[2] = { { 0, 0x0e100000, 0, 0x1000 }, { 0, 0x0e400000, 1, 0x1000 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, two, 2, hdr, sizeof hdr);
    optee_err(hdr, "should be 28 bytes, file is 44 bytes");
    /* ids */
    struct optee_img badid[1] = { { 0, 0x0e100000, 7, 0x1000 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, badid, 1, hdr, sizeof hdr);
    optee_err(hdr, "image 0: id 7, expected 0 (pager) or 1 (pageable)");
    struct optee_img dup[2] = { { 0, 0x0e100000, 0, 0x1000 }, { 0, 0x0e200000, 0, 0x1000 } };
    optee_header(dir, 0x4554504f, 2, 1, 2, dup, 2, hdr, sizeof hdr);
    optee_err(hdr, "image 1: a second image with id 0");
    struct optee_img nopager[1] = { { 0, 0x0e100000, 1, 0x1000 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, nopager, 1, hdr, sizeof hdr);
    optee_err(hdr, "OP-TEE header has no pager image (id 0)");
    struct optee_img anyaddr[1] = { { 0xffffffff, 0xffffffff, 0, 0x1000 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, anyaddr, 1, hdr, sizeof hdr);
    optee_err(hdr, "pager image has no load address");
    struct optee_img zero[1] = { { 0, 0x0e100000, 0, 0 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, zero, 1, hdr, sizeof hdr);
    optee_err(hdr, "pager image size is 0");
    struct optee_img wrap[1] = { { 0xffffffff, 0xfffff000, 0, 0x2000 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, wrap, 1, hdr, sizeof hdr);
    optee_err(hdr, "wraps around");

    /* short files */
    spit(hdr, "", 0);
    optee_err(hdr, "not an OP-TEE header (the file is empty)");
    spit(hdr, "OPTE\x02\x01", 6);
    optee_err(hdr, "truncated: the OP-TEE header is 12 bytes, file is 6 bytes");
    spit(hdr, "OP", 2);
    optee_err(hdr, "not an OP-TEE header (bad magic");
}

Test(optee, image_files)
{
    char dir[512], hdr[600], want[1400];
    optee_dir("optee-files", dir, sizeof dir);
    struct optee_img two[2] = { { 0, 0x0e100000, 0, 0x1000 }, { 0, 0x0e400000, 1, 0x800 } };
    optee_header(dir, 0x4554504f, 2, 1, 2, two, 2, hdr, sizeof hdr);

    /* missing pager */
    snprintf(want, sizeof want, "%s/tee-pager_v2.bin: cannot open: No such file or directory "
             "(the pager image of OP-TEE header %s)", dir, hdr);
    optee_err(hdr, want);

    /* pager size mismatch */
    optee_file(dir, "tee-pager_v2.bin", 0x1001, 1);
    snprintf(want, sizeof want, "%s/tee-pager_v2.bin: pager image is 4097 bytes, but OP-TEE "
             "header %s says 4096", dir, hdr);
    optee_err(hdr, want);

    /* missing pageable */
    optee_file(dir, "tee-pager_v2.bin", 0x1000, 1);
    snprintf(want, sizeof want, "%s/tee-pageable_v2.bin: cannot open: No such file or directory "
             "(the pageable image of OP-TEE header %s)", dir, hdr);
    optee_err(hdr, want);

    /* pageable size mismatch */
    optee_file(dir, "tee-pageable_v2.bin", 0x7ff, 1);
    optee_err(hdr, "pageable image is 2047 bytes, but OP-TEE header");

    optee_file(dir, "tee-pageable_v2.bin", 0x800, 1);
    struct tz_image *img = optee_ok(hdr);
    tz_image_free(img);
}

Test(optee, header_in_current_directory)
{
    /* A header path without a directory finds the pager beside it. */
    char dir[512], hdr[600], cwd[1024];
    optee_dir("optee-cwd", dir, sizeof dir);
    struct optee_img one[1] = { { 0, 0x0e100000, 0, 16 } };
    optee_header(dir, 0x4554504f, 2, 1, 1, one, 1, hdr, sizeof hdr);
    optee_file(dir, "tee-pager_v2.bin", 16, 3);
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(dir), 0);
    struct tz_image *img = NULL;
    struct tz_error err;
    int rc = tz_image_load("tee-header_v2.bin", TZ_IMAGE_OPTEE, false, 0, &img, &err);
    cr_assert_eq(chdir(cwd), 0);
    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_expect_eq(img->seg[0].filesz, 16);
    tz_image_free(img);
}

Test(optee, corpus) { run_corpus("optee", TZ_IMAGE_OPTEE); }

/* ---- tz_images_check ------------------------------------------------------------ */

static struct tz_image *raw_at(const char *name, size_t n, uint64_t addr)
{
    char path[512];
    uint8_t *b = calloc(1, n);
    tmp_path(path, sizeof path, name);
    spit(path, b, n);
    free(b);
    struct tz_image *img = NULL;
    struct tz_error err;
    cr_assert_eq(tz_image_load(path, TZ_IMAGE_RAW, true, addr, &img, &err), 0, "%s", err.msg);
    return img;
}

Test(images_check, fits)
{
    struct tz_platform *p = virt();
    struct tz_image *imgs[3] = { good_elf("check.elf"), raw_at("bl33.bin", 0x1000, 0x40080000),
                                 raw_at("bl1.bin", 0x100, 0x0) };
    struct tz_error err;
    cr_expect_eq(tz_images_check(imgs, 3, p, &err), 0, "%s", err.msg);
    cr_expect_eq(tz_images_check(imgs, 0, p, &err), 0);
    /* adjacent is not overlapping */
    struct tz_image *adj[2] = { raw_at("adj-a.bin", 0x1000, 0x40000000),
                                raw_at("adj-b.bin", 0x1000, 0x40001000) };
    cr_expect_eq(tz_images_check(adj, 2, p, &err), 0, "%s", err.msg);
    for (int i = 0; i < 3; i++)
        tz_image_free(imgs[i]);
    tz_image_free(adj[0]);
    tz_image_free(adj[1]);
    tz_platform_free(p);
}

Test(images_check, outside_memory)
{
    struct tz_platform *p = virt();
    struct tz_image *img = raw_at("outside.bin", 0x100, 0x30000000);
    struct tz_error err;
    cr_assert_eq(tz_images_check(&img, 1, p, &err), -1);
    assert_has(err.msg, img->path);
    assert_has(err.msg, "segment 0x30000000..0x30000100 is outside memory");
    assert_has(err.msg, "qemu-virt.dtb");
    tz_image_free(img);
    tz_platform_free(p);
}

Test(images_check, past_the_end)
{
    struct tz_platform *p = virt();
    struct tz_image *img = raw_at("end.bin", 0x2000, 0x7ffff000);
    struct tz_error err;
    cr_assert_eq(tz_images_check(&img, 1, p, &err), -1);
    assert_has(err.msg, "segment 0x7ffff000..0x80001000 does not fit in one memory region: it "
                        "starts in memory@40000000 (0x40000000..0x80000000)");
    tz_image_free(img);
    tz_platform_free(p);
}

Test(images_check, spans_two_regions)
{
    /* secure SRAM ends where secure DRAM begins: still two regions */
    struct tz_platform *p = virt();
    struct tz_image *img = raw_at("span.bin", 0x2000, 0x0e0ff000);
    struct tz_error err;
    cr_assert_eq(tz_images_check(&img, 1, p, &err), -1);
    char want[700];
    snprintf(want, sizeof want, "%s: segment 0xe0ff000..0xe101000 does not fit in one memory "
             "region: it starts in secram@e000000 (0xe000000..0xe100000)", img->path);
    assert_has(err.msg, want);
    tz_image_free(img);
    tz_platform_free(p);
}

Test(images_check, bss_outside_memory)
{
    /* memsz counts, not just filesz */
    uint8_t b[ELF_SIZE];
    build_elf(b);
    ph_set(b, 1, 1, 0x200, 0x7ffff000, 0x7ffff000, 0x20, 0x2000);
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes("bss.elf", b, sizeof b, &img, &err, path, sizeof path), 0, "%s",
                 err.msg);
    struct tz_platform *p = virt();
    cr_assert_eq(tz_images_check(&img, 1, p, &err), -1);
    assert_has(err.msg, "segment 0x7ffff000..0x80001000");
    tz_image_free(img);
    tz_platform_free(p);
}

Test(images_check, overlapping_images)
{
    struct tz_platform *p = virt();
    struct tz_image *imgs[2] = { raw_at("a.bin", 0x1000, 0x40000000),
                                 raw_at("b.bin", 0x1000, 0x40000800) };
    struct tz_error err;
    cr_assert_eq(tz_images_check(imgs, 2, p, &err), -1);
    char want[1400];
    snprintf(want, sizeof want, "%s: segment 0x40000800..0x40001800 overlaps %s segment "
             "0x40000000..0x40001000", imgs[1]->path, imgs[0]->path);
    cr_expect_str_eq(err.msg, want);
    tz_image_free(imgs[0]);
    tz_image_free(imgs[1]);
    tz_platform_free(p);
}

Test(images_check, overlapping_segments_of_one_elf)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    ph_set(b, 1, 1, 0x200, TEXT_PA + 0x10, TEXT_PA + 0x10, 0x20, 0x1000);
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes("self.elf", b, sizeof b, &img, &err, path, sizeof path), 0, "%s",
                 err.msg);
    struct tz_platform *p = virt();
    cr_assert_eq(tz_images_check(&img, 1, p, &err), -1);
    char want[1400];
    snprintf(want, sizeof want, "%s: segment 0xe100010..0xe101010 overlaps %s segment "
             "0xe100000..0xe100020", path, path);
    cr_expect_str_eq(err.msg, want);
    tz_image_free(img);
    tz_platform_free(p);
}

Test(images_check, empty_segments_ignored)
{
    uint8_t b[ELF_SIZE];
    build_elf(b);
    ph_set(b, 1, 1, 0x200, 0x30000000, 0x30000000, 0, 0); /* nowhere, but empty */
    char path[512];
    struct tz_image *img;
    struct tz_error err;
    cr_assert_eq(load_elf_bytes("emptyseg.elf", b, sizeof b, &img, &err, path, sizeof path), 0,
                 "%s", err.msg);
    struct tz_platform *p = virt();
    cr_expect_eq(tz_images_check(&img, 1, p, &err), 0, "%s", err.msg);
    tz_image_free(img);
    tz_platform_free(p);
}
