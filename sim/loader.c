/* Guest image loaders: ELF64 (AArch64), raw binaries and OP-TEE's v2 header
 * format. Everything read from a file is bounds-checked before use; a bad
 * file gives "FILE: reason" and never a crash.
 *
 * References:
 *   - ELF: System V ABI / ELF-64 Object File Format 1.5 (header, program and
 *     section headers, symbol table); AArch64 ELF ABI (EM_AARCH64 = 183).
 *   - OP-TEE v2 header: OP-TEE's scripts/gen_tee_bin.py (output_header_v2) and
 *     TF-A's include/lib/optee_utils.h: a little-endian header
 *       u32 magic "OPTE" (0x4554504f), u8 version (2), u8 arch (0 AArch32,
 *       1 AArch64), u16 flags, u32 nb_images,
 *     followed by nb_images entries of
 *       u32 load_addr_hi, u32 load_addr_lo, u32 image_id (0 pager,
 *       1 pageable), u32 size.
 *     A load address of all ones means "the loader decides".
 */
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trace.h"

#define MAX_FILE_SIZE (1ull << 31) /* 2 GiB: no guest image is bigger */

/* ELF constants (ELF-64 Object File Format, System V gABI). */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT 1
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define ET_CORE 4
#define EM_AARCH64 183
#define PT_LOAD 1
#define PN_XNUM 0xffff
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_DYNSYM 11
#define SHN_UNDEF 0
#define STT_OBJECT 1
#define STT_FUNC 2

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define SYM_SIZE 24

/* OP-TEE v2 (see the comment at the top). */
#define OPTEE_MAGIC 0x4554504fu
#define OPTEE_HDR_SIZE 12
#define OPTEE_IMG_SIZE 16
#define OPTEE_ARCH_AARCH64 1
#define OPTEE_PAGER_ID 0
#define OPTEE_PAGEABLE_ID 1
#define OPTEE_PAGER_FILE "tee-pager_v2.bin"
#define OPTEE_PAGEABLE_FILE "tee-pageable_v2.bin"
/* Where TF-A's QEMU port puts a pageable part whose header leaves the address
 * to the loader (QEMU_OPTEE_PAGEABLE_LOAD_BASE = secure DRAM base + 2 MiB,
 * with the pager at the secure DRAM base). tzsim applies the same offset
 * from the pager's load address: an implementation-defined choice. */
#define OPTEE_PAGEABLE_DEFAULT_OFFSET 0x200000u

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

typedef unsigned long long ull;

/* ---- files -------------------------------------------------------------- */

/* Reads a whole file. The error names `path`. */
static int read_file(const char *path, uint8_t **out, size_t *size, struct tz_error *err)
{
    *out = NULL;
    *size = 0;
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
        if (cap >= MAX_FILE_SIZE) {
            free(buf);
            fclose(f);
            return tz_error_set(err, path, "larger than %llu MiB; not a guest image",
                                MAX_FILE_SIZE >> 20);
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
        return tz_error_set(err, path, "cannot read: %s", strerror(e ? e : EIO));
    }
    fclose(f);
    *out = buf;
    *size = n;
    return 0;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static struct tz_image *image_new(const char *path, enum tz_image_kind kind)
{
    struct tz_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->kind = kind;
    img->path = xstrdup(path);
    if (!img->path) {
        free(img);
        return NULL;
    }
    return img;
}

void tz_image_free(struct tz_image *img)
{
    if (!img)
        return;
    for (size_t i = 0; i < img->nsym; i++)
        free(img->sym[i].name);
    free(img->sym);
    free(img->seg);
    free(img->buf);
    free(img->extra);
    free(img->path);
    free(img);
}

/* ---- ELF ---------------------------------------------------------------- */

static const char *machine_name(unsigned m)
{
    switch (m) {
    case 0: return "none";
    case 2: return "SPARC";
    case 3: return "x86 (i386)";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    case 22: return "S/390";
    case 40: return "ARM (32-bit)";
    case 42: return "SuperH";
    case 43: return "SPARC V9";
    case 50: return "IA-64";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 243: return "RISC-V";
    case 247: return "BPF";
    case 258: return "LoongArch";
    default: return "unknown";
    }
}

/* Is [off, off+len) inside a file of `size` bytes? (overflow-safe) */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

/* The file being parsed. */
struct elf_ctx {
    const char *path;
    const uint8_t *b;
    size_t size;
    struct tz_error *err;
};

static int elf_header(struct elf_ctx *c, uint64_t *phoff, unsigned *phnum, uint64_t *shoff,
                      unsigned *shnum, uint64_t *entry)
{
    const uint8_t *b = c->b;
    size_t size = c->size;

    if (size == 0)
        return tz_error_set(c->err, c->path, "not an ELF file (the file is empty)");
    if (size < 4 || memcmp(b, "\x7f" "ELF", 4) != 0) {
        const char *hint = "";
        if (size >= 4 && le32(b) == OPTEE_MAGIC)
            hint = ": it is an OP-TEE header, load it as optee";
        else if (size >= 4 && le32(b) == 0xedfe0dd0u)
            hint = ": it is a device tree blob";
        else if (size >= 2 && b[0] == 0x1f && b[1] == 0x8b)
            hint = ": it is gzip-compressed, decompress it first";
        return tz_error_set(c->err, c->path, "not an ELF file (bad magic)%s", hint);
    }
    if (size < EI_NIDENT)
        return tz_error_set(c->err, c->path, "truncated: ELF identification is %d bytes, file "
                            "is %zu bytes", EI_NIDENT, size);
    if (b[EI_CLASS] == ELFCLASS32)
        return tz_error_set(c->err, c->path, "ELF class 1 (ELFCLASS32, a 32-bit file), "
                            "expected 2 (ELFCLASS64): tzsim loads AArch64 images");
    if (b[EI_CLASS] != ELFCLASS64)
        return tz_error_set(c->err, c->path, "invalid ELF class %u, expected 2 (ELFCLASS64)",
                            b[EI_CLASS]);
    if (b[EI_DATA] == ELFDATA2MSB)
        return tz_error_set(c->err, c->path, "big-endian ELF (ELFDATA2MSB), expected "
                            "little-endian (ELFDATA2LSB)");
    if (b[EI_DATA] != ELFDATA2LSB)
        return tz_error_set(c->err, c->path, "invalid ELF data encoding %u, expected 1 "
                            "(ELFDATA2LSB, little-endian)", b[EI_DATA]);
    if (b[EI_VERSION] != EV_CURRENT)
        return tz_error_set(c->err, c->path, "ELF identification version %u, expected 1",
                            b[EI_VERSION]);
    if (size < EHDR_SIZE)
        return tz_error_set(c->err, c->path, "truncated: the ELF header is %d bytes, file is "
                            "%zu bytes", EHDR_SIZE, size);

    unsigned type = le16(b + 16), machine = le16(b + 18);
    if (machine != EM_AARCH64)
        return tz_error_set(c->err, c->path, "ELF machine %u (%s), expected %d (AArch64)",
                            machine, machine_name(machine), EM_AARCH64);
    if (type == ET_REL)
        return tz_error_set(c->err, c->path, "ELF type 1 (ET_REL, a relocatable object): link "
                            "it into an executable first");
    if (type != ET_EXEC && type != ET_DYN)
        return tz_error_set(c->err, c->path, "ELF type %u (%s), expected 2 (ET_EXEC) or 3 "
                            "(ET_DYN)", type, type == ET_CORE ? "ET_CORE, a core dump"
                                                              : "unknown");
    *entry = le64(b + 24);
    *phoff = le64(b + 32);
    *shoff = le64(b + 40);
    unsigned phentsize = le16(b + 54);
    *phnum = le16(b + 56);
    unsigned shentsize = le16(b + 58);
    *shnum = le16(b + 60);

    if (*phnum == 0)
        return tz_error_set(c->err, c->path, "no program headers (e_phnum is 0): not a "
                            "loadable image");
    if (*phnum == PN_XNUM)
        return tz_error_set(c->err, c->path, "more than 65534 program headers (PN_XNUM) are "
                            "not supported");
    if (phentsize != PHDR_SIZE)
        return tz_error_set(c->err, c->path, "e_phentsize is %u, expected %d", phentsize,
                            PHDR_SIZE);
    for (unsigned i = 0; i < *phnum; i++) {
        /* i*56 cannot overflow; phoff + that can. */
        uint64_t start = *phoff + (uint64_t)i * PHDR_SIZE;
        if (start < *phoff || !in_file(start, PHDR_SIZE, size)) {
            uint64_t end = start + PHDR_SIZE;
            if (start < *phoff || end < start)
                return tz_error_set(c->err, c->path, "program header %u offset overflows "
                                    "(e_phoff 0x%llx)", i, (ull)*phoff);
            return tz_error_set(c->err, c->path, "truncated: program header %u ends at %llu, "
                                "file is %zu bytes", i, (ull)end, size);
        }
    }
    if (*shoff != 0 && shentsize != SHDR_SIZE)
        return tz_error_set(c->err, c->path, "e_shentsize is %u, expected %d", shentsize,
                            SHDR_SIZE);
    return 0;
}

static int elf_segments(struct elf_ctx *c, struct tz_image *img, uint64_t phoff, unsigned phnum,
                        uint64_t *entry)
{
    int nload = 0;
    for (unsigned i = 0; i < phnum; i++)
        if (le32(c->b + phoff + (uint64_t)i * PHDR_SIZE) == PT_LOAD)
            nload++;
    if (nload == 0)
        return tz_error_set(c->err, c->path, "no PT_LOAD program headers: nothing to load");
    img->seg = calloc((size_t)nload, sizeof *img->seg);
    if (!img->seg)
        return tz_error_set(c->err, c->path, "out of memory");

    bool entry_mapped = false;
    uint64_t entry_pa = *entry;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = c->b + phoff + (uint64_t)i * PHDR_SIZE;
        if (le32(ph) != PT_LOAD)
            continue;
        uint64_t off = le64(ph + 8), vaddr = le64(ph + 16), paddr = le64(ph + 24);
        uint64_t filesz = le64(ph + 32), memsz = le64(ph + 40);
        if (filesz > memsz)
            return tz_error_set(c->err, c->path, "program header %u: p_filesz 0x%llx is larger "
                                "than p_memsz 0x%llx", i, (ull)filesz, (ull)memsz);
        if (off + filesz < off)
            return tz_error_set(c->err, c->path, "program header %u: p_offset 0x%llx + p_filesz "
                                "0x%llx overflows", i, (ull)off, (ull)filesz);
        if (!in_file(off, filesz, c->size))
            return tz_error_set(c->err, c->path, "truncated: segment of program header %u ends "
                                "at %llu, file is %zu bytes", i, (ull)(off + filesz), c->size);
        if (memsz && paddr + (memsz - 1) < paddr)
            return tz_error_set(c->err, c->path, "program header %u: p_paddr 0x%llx + p_memsz "
                                "0x%llx wraps around the 64-bit address space", i, (ull)paddr,
                                (ull)memsz);
        struct tz_segment *s = &img->seg[img->nseg++];
        s->paddr = paddr;
        s->memsz = memsz;
        s->filesz = filesz;
        s->data = c->b + off;
        /* The entry point is a virtual address; with the MMU off at reset
         * the CPU needs the physical one. Use the segment that maps it. */
        if (!entry_mapped && *entry >= vaddr && *entry - vaddr < memsz) {
            entry_pa = paddr + (*entry - vaddr);
            entry_mapped = true;
        }
    }
    *entry = entry_pa;
    return 0;
}

/* By address; at one address the largest symbol last (tz_image_symbolize
 * walks backwards and so prefers it), ties by name, first name last. */
static int sym_cmp(const void *a, const void *b)
{
    const struct tz_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return -strcmp(x->name, y->name);
}

/* Section header i (checked to be in the file by the caller). */
static const uint8_t *shdr(struct elf_ctx *c, uint64_t shoff, unsigned i)
{
    return c->b + shoff + (uint64_t)i * SHDR_SIZE;
}

static int elf_symbols(struct elf_ctx *c, struct tz_image *img, uint64_t shoff, unsigned shnum)
{
    if (shoff == 0)
        return 0; /* stripped of section headers: no symbols */
    if (!in_file(shoff, SHDR_SIZE, c->size))
        return tz_error_set(c->err, c->path, "truncated: section header table at %llu runs "
                            "past the end of the file (%zu bytes)", (ull)shoff, c->size);
    if (shnum == 0) {
        /* Extended numbering (gABI "Sections"): section 0's sh_size holds
         * the count. Anything that does not fit the file fails below. */
        uint64_t n = le64(shdr(c, shoff, 0) + 32);
        if (n > c->size / SHDR_SIZE)
            return tz_error_set(c->err, c->path, "truncated: section header table of %llu "
                                "entries does not fit in the file (%zu bytes)", (ull)n, c->size);
        shnum = (unsigned)n;
    }
    uint64_t tab_end = shoff + (uint64_t)shnum * SHDR_SIZE;
    if (tab_end < shoff || !in_file(shoff, (uint64_t)shnum * SHDR_SIZE, c->size))
        return tz_error_set(c->err, c->path, "truncated: section header table (%u entries) ends "
                            "at %llu, file is %zu bytes", shnum, (ull)tab_end, c->size);

    /* .symtab, else .dynsym */
    unsigned symsec = 0;
    for (unsigned want = SHT_SYMTAB; want; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0) {
        for (unsigned i = 1; i < shnum && !symsec; i++)
            if (le32(shdr(c, shoff, i) + 4) == want)
                symsec = i;
        if (symsec)
            break;
    }
    if (!symsec)
        return 0;

    const uint8_t *sh = shdr(c, shoff, symsec);
    uint64_t off = le64(sh + 24), size = le64(sh + 32), entsize = le64(sh + 56);
    unsigned link = le32(sh + 40);
    if (entsize != SYM_SIZE)
        return tz_error_set(c->err, c->path, "section %u (symbol table): sh_entsize is %llu, "
                            "expected %d", symsec, (ull)entsize, SYM_SIZE);
    if (size % SYM_SIZE)
        return tz_error_set(c->err, c->path, "section %u (symbol table): size %llu is not a "
                            "multiple of %d", symsec, (ull)size, SYM_SIZE);
    if (!in_file(off, size, c->size))
        return tz_error_set(c->err, c->path, "truncated: section %u (symbol table) ends at "
                            "%llu, file is %zu bytes", symsec, (ull)(off + size), c->size);
    if (link == 0 || link >= shnum || le32(shdr(c, shoff, link) + 4) != SHT_STRTAB)
        return tz_error_set(c->err, c->path, "section %u (symbol table): sh_link %u is not a "
                            "string table", symsec, link);
    const uint8_t *ssh = shdr(c, shoff, link);
    uint64_t stroff = le64(ssh + 24), strsize = le64(ssh + 32);
    if (!in_file(stroff, strsize, c->size))
        return tz_error_set(c->err, c->path, "truncated: section %u (string table) ends at "
                            "%llu, file is %zu bytes", link, (ull)(stroff + strsize), c->size);
    const char *strtab = (const char *)c->b + stroff;

    size_t n = (size_t)(size / SYM_SIZE), keep = 0;
    for (size_t i = 1; i < n; i++) {
        const uint8_t *s = c->b + off + i * SYM_SIZE;
        unsigned type = s[4] & 0xf, shndx = le16(s + 6);
        if ((type == STT_FUNC || type == STT_OBJECT) && shndx != SHN_UNDEF)
            keep++;
    }
    if (keep == 0)
        return 0;
    img->sym = calloc(keep, sizeof *img->sym);
    if (!img->sym)
        return tz_error_set(c->err, c->path, "out of memory");
    for (size_t i = 1; i < n; i++) {
        const uint8_t *s = c->b + off + i * SYM_SIZE;
        unsigned type = s[4] & 0xf, shndx = le16(s + 6);
        if (!((type == STT_FUNC || type == STT_OBJECT) && shndx != SHN_UNDEF))
            continue;
        uint32_t name = le32(s);
        if (name >= strsize)
            return tz_error_set(c->err, c->path, "symbol %zu: name offset %u is past the end of "
                                "its string table (%llu bytes)", i, name, (ull)strsize);
        size_t maxlen = (size_t)(strsize - name);
        size_t len = strnlen(strtab + name, maxlen);
        if (len == maxlen)
            return tz_error_set(c->err, c->path, "symbol %zu: name at offset %u is not "
                                "NUL-terminated within its string table", i, name);
        if (len == 0)
            continue;
        struct tz_symbol *sym = &img->sym[img->nsym];
        sym->name = malloc(len + 1);
        if (!sym->name)
            return tz_error_set(c->err, c->path, "out of memory");
        memcpy(sym->name, strtab + name, len + 1);
        sym->addr = le64(s + 8);
        sym->size = le64(s + 16);
        img->nsym++;
    }
    qsort(img->sym, img->nsym, sizeof *img->sym, sym_cmp);
    return 0;
}

static int load_elf(struct tz_image *img, struct tz_error *err)
{
    struct elf_ctx c = { .path = img->path, .b = img->buf, .size = img->size, .err = err };
    uint64_t phoff = 0, shoff = 0, entry = 0;
    unsigned phnum = 0, shnum = 0;

    if (elf_header(&c, &phoff, &phnum, &shoff, &shnum, &entry))
        return -1;
    if (elf_segments(&c, img, phoff, phnum, &entry))
        return -1;
    img->entry = entry;
    return elf_symbols(&c, img, shoff, shnum);
}

/* ---- raw ---------------------------------------------------------------- */

static int load_raw(struct tz_image *img, uint64_t addr, struct tz_error *err)
{
    if (img->size == 0)
        return tz_error_set(err, img->path, "raw image is empty");
    if (addr + (img->size - 1) < addr)
        return tz_error_set(err, img->path, "raw image of %zu bytes at 0x%llx wraps around the "
                            "64-bit address space", img->size, (ull)addr);
    img->seg = calloc(1, sizeof *img->seg);
    if (!img->seg)
        return tz_error_set(err, img->path, "out of memory");
    img->seg[0] = (struct tz_segment){ addr, img->size, img->size, img->buf };
    img->nseg = 1;
    img->entry = addr;
    return 0;
}

/* ---- OP-TEE v2 ---------------------------------------------------------- */

/* dir of `path` + name */
static char *sibling(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    char *s = malloc(dlen + strlen(name) + 1);
    if (s) {
        memcpy(s, path, dlen);
        strcpy(s + dlen, name);
    }
    return s;
}

struct optee_entry {
    uint64_t addr;
    uint32_t size;
    bool given;      /* present in the header */
    bool any_addr;   /* load address all ones: the loader decides */
};


/* Reads one of the image files a header names; its size must match. */
static int optee_part(const char *hdr_path, const char *file, const char *what, uint32_t size,
                      uint8_t **out, size_t *out_size, struct tz_error *err)
{
    char *p = sibling(hdr_path, file);
    if (!p)
        return tz_error_set(err, hdr_path, "out of memory");
    struct tz_error e;
    if (read_file(p, out, out_size, &e)) {
        tz_error_set(err, NULL, "%s (the %s image of OP-TEE header %s)", e.msg, what, hdr_path);
        free(p);
        return -1;
    }
    if (*out_size != size) {
        tz_error_set(err, p, "%s image is %zu bytes, but OP-TEE header %s says %u", what,
                     *out_size, hdr_path, size);
        free(p);
        free(*out);
        *out = NULL;
        return -1;
    }
    free(p);
    return 0;
}

static int load_optee(struct tz_image *img, struct tz_sha256 *sha, struct tz_error *err)
{
    const uint8_t *b = img->buf;
    const char *path = img->path;
    struct optee_entry ent[2];

    memset(ent, 0, sizeof ent);
    if (img->size == 0)
        return tz_error_set(err, path, "not an OP-TEE header (the file is empty)");
    if (img->size < 4 || le32(b) != OPTEE_MAGIC)
        return tz_error_set(err, path, "not an OP-TEE header (bad magic 0x%08x, expected "
                            "0x%08x, \"OPTE\")%s", img->size >= 4 ? le32(b) : 0, OPTEE_MAGIC,
                            img->size >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0
                                ? ": it is an ELF file, load it as elf" : "");
    if (img->size < OPTEE_HDR_SIZE)
        return tz_error_set(err, path, "truncated: the OP-TEE header is %d bytes, file is %zu "
                            "bytes", OPTEE_HDR_SIZE, img->size);
    unsigned version = b[4], arch = b[5];
    uint32_t nb = le32(b + 8);
    if (version == 1)
        return tz_error_set(err, path, "OP-TEE header version 1 (tee.bin), expected 2: give "
                            "tee-header_v2.bin, with tee-pager_v2.bin beside it");
    if (version != 2)
        return tz_error_set(err, path, "OP-TEE header version %u, expected 2", version);
    if (arch != OPTEE_ARCH_AARCH64)
        return tz_error_set(err, path, "OP-TEE arch %u (%s), expected 1 (AArch64)", arch,
                            arch == 0 ? "AArch32" : "unknown");
    if (nb == 0 || nb > 2)
        return tz_error_set(err, path, "OP-TEE header lists %u images, expected 1 or 2", nb);
    size_t need = OPTEE_HDR_SIZE + (size_t)nb * OPTEE_IMG_SIZE;
    if (img->size < need)
        return tz_error_set(err, path, "truncated: an OP-TEE header with %u images is %zu bytes, "
                            "file is %zu bytes", nb, need, img->size);
    if (img->size > need)
        return tz_error_set(err, path, "OP-TEE header with %u images should be %zu bytes, file "
                            "is %zu bytes (not a tee-header_v2.bin?)", nb, need, img->size);

    for (uint32_t i = 0; i < nb; i++) {
        const uint8_t *e = b + OPTEE_HDR_SIZE + i * OPTEE_IMG_SIZE;
        uint32_t hi = le32(e), lo = le32(e + 4), id = le32(e + 8), size = le32(e + 12);
        if (id != OPTEE_PAGER_ID && id != OPTEE_PAGEABLE_ID)
            return tz_error_set(err, path, "image %u: id %u, expected 0 (pager) or 1 (pageable)",
                                i, id);
        if (ent[id].given)
            return tz_error_set(err, path, "image %u: a second image with id %u", i, id);
        ent[id].given = true;
        ent[id].any_addr = hi == UINT32_MAX && lo == UINT32_MAX;
        ent[id].addr = (uint64_t)hi << 32 | lo;
        ent[id].size = size;
    }
    struct optee_entry *pg = &ent[OPTEE_PAGER_ID], *pa = &ent[OPTEE_PAGEABLE_ID];
    if (!pg->given)
        return tz_error_set(err, path, "OP-TEE header has no pager image (id 0)");
    if (pg->any_addr)
        return tz_error_set(err, path, "pager image has no load address (all ones)");
    if (pg->size == 0)
        return tz_error_set(err, path, "pager image size is 0");
    if (pg->addr + (pg->size - 1) < pg->addr)
        return tz_error_set(err, path, "pager image 0x%llx + 0x%x wraps around the address "
                            "space", (ull)pg->addr, pg->size);
    bool has_pageable = pa->given && pa->size > 0;
    if (has_pageable) {
        if (pa->any_addr)
            pa->addr = pg->addr + OPTEE_PAGEABLE_DEFAULT_OFFSET;
        if (pa->addr + (pa->size - 1) < pa->addr)
            return tz_error_set(err, path, "pageable image 0x%llx + 0x%x wraps around the "
                                "address space", (ull)pa->addr, pa->size);
    }

    uint8_t *pager = NULL, *pageable = NULL;
    size_t pager_size = 0, pageable_size = 0;
    if (optee_part(path, OPTEE_PAGER_FILE, "pager", pg->size, &pager, &pager_size, err))
        return -1;
    if (has_pageable && optee_part(path, OPTEE_PAGEABLE_FILE, "pageable", pa->size, &pageable,
                                   &pageable_size, err)) {
        free(pager);
        return -1;
    }

    img->extra_size = pager_size + pageable_size;
    img->extra = malloc(img->extra_size);
    img->seg = calloc(2, sizeof *img->seg);
    if (!img->extra || !img->seg) {
        free(pager);
        free(pageable);
        return tz_error_set(err, path, "out of memory");
    }
    memcpy(img->extra, pager, pager_size);
    if (pageable_size)
        memcpy(img->extra + pager_size, pageable, pageable_size);
    tz_sha256_update(sha, pager, pager_size);
    if (pageable_size)
        tz_sha256_update(sha, pageable, pageable_size);
    free(pager);
    free(pageable);

    img->seg[0] = (struct tz_segment){ pg->addr, pager_size, pager_size, img->extra };
    img->nseg = 1;
    if (has_pageable)
        img->seg[img->nseg++] = (struct tz_segment){ pa->addr, pageable_size, pageable_size,
                                                     img->extra + pager_size };
    img->entry = pg->addr;
    img->optee_pageable_addr = has_pageable ? pa->addr : 0;
    return 0;
}

/* ---- entry points --------------------------------------------------------- */

int tz_image_load(const char *path, enum tz_image_kind kind, bool has_addr, uint64_t load_addr,
                  struct tz_image **out, struct tz_error *err)
{
    *out = NULL;
    if (kind != TZ_IMAGE_ELF && kind != TZ_IMAGE_RAW && kind != TZ_IMAGE_OPTEE)
        return tz_error_set(err, path, "unknown image kind %d", (int)kind);
    if (kind == TZ_IMAGE_RAW && !has_addr)
        return tz_error_set(err, path, "a raw image needs a load address (raw binaries carry "
                            "none)");
    if (kind != TZ_IMAGE_RAW && has_addr)
        return tz_error_set(err, path, "a load address applies only to raw images; %s images "
                            "carry their own", tz_image_kind_name(kind));

    struct tz_image *img = image_new(path, kind);
    if (!img)
        return tz_error_set(err, path, "out of memory");
    if (read_file(path, &img->buf, &img->size, err)) {
        tz_image_free(img);
        return -1;
    }

    struct tz_sha256 sha;
    tz_sha256_init(&sha);
    tz_sha256_update(&sha, img->buf, img->size);
    int rc;
    switch (kind) {
    case TZ_IMAGE_ELF: rc = load_elf(img, err); break;
    case TZ_IMAGE_RAW: rc = load_raw(img, load_addr, err); break;
    default: rc = load_optee(img, &sha, err); break;
    }
    if (rc) {
        tz_image_free(img);
        return -1;
    }
    uint8_t digest[32];
    tz_sha256_final(&sha, digest);
    tz_sha256_hex(digest, img->sha256);
    *out = img;
    return 0;
}

/* Formats [base, base+size) as "0x...", end exclusive. */
#define RANGE_FMT "0x%llx..0x%llx"
#define RANGE_ARGS(b, s) (ull)(b), (ull)((b) + (s))

int tz_images_check(struct tz_image *const *imgs, int n, const struct tz_platform *p,
                    struct tz_error *err)
{
    for (int i = 0; i < n; i++) {
        const struct tz_image *img = imgs[i];
        for (int k = 0; k < img->nseg; k++) {
            const struct tz_segment *s = &img->seg[k];
            if (s->memsz == 0)
                continue;
            if (tz_platform_mem_at(p, s->paddr, s->memsz))
                continue;
            const struct tz_mem_region *start = tz_platform_mem_at(p, s->paddr, 1);
            if (start)
                return tz_error_set(err, img->path, "segment " RANGE_FMT " does not fit in one "
                                    "memory region: it starts in %s (" RANGE_FMT ") of %s and "
                                    "runs past its end", RANGE_ARGS(s->paddr, s->memsz),
                                    start->name, RANGE_ARGS(start->base, start->size), p->path);
            return tz_error_set(err, img->path, "segment " RANGE_FMT " is outside memory: no "
                                "memory region of %s contains its start",
                                RANGE_ARGS(s->paddr, s->memsz), p->path);
        }
    }
    /* Pairwise overlap: images are few and have few segments. Segments do
     * not wrap (checked at load). */
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < imgs[i]->nseg; k++) {
            const struct tz_segment *a = &imgs[i]->seg[k];
            if (a->memsz == 0)
                continue;
            for (int j = 0; j <= i; j++) {
                for (int l = 0; l < (j == i ? k : imgs[j]->nseg); l++) {
                    const struct tz_segment *b = &imgs[j]->seg[l];
                    if (b->memsz == 0)
                        continue;
                    if (a->paddr <= b->paddr + (b->memsz - 1) &&
                        b->paddr <= a->paddr + (a->memsz - 1))
                        return tz_error_set(err, imgs[i]->path, "segment " RANGE_FMT
                                            " overlaps %s segment " RANGE_FMT,
                                            RANGE_ARGS(a->paddr, a->memsz), imgs[j]->path,
                                            RANGE_ARGS(b->paddr, b->memsz));
                }
            }
        }
    }
    return 0;
}

/* How far a symbol reaches: its size, or for a size-0 symbol (assembler
 * labels without .size) up to the next symbol at a higher address, or for
 * the last one to the end of the segment holding it (by address, assuming
 * it was linked at its load address). */
static bool sym_covers(const struct tz_image *img, size_t i, uint64_t addr)
{
    const struct tz_symbol *s = &img->sym[i];
    uint64_t off = addr - s->addr;
    if (s->size)
        return off < s->size;
    for (size_t j = i + 1; j < img->nsym; j++)
        if (img->sym[j].addr > s->addr)
            return addr < img->sym[j].addr;
    for (int k = 0; k < img->nseg; k++) {
        const struct tz_segment *g = &img->seg[k];
        if (s->addr >= g->paddr && s->addr - g->paddr < g->memsz)
            return addr - g->paddr < g->memsz;
    }
    return off == 0;
}

#define SYMBOLIZE_LOOKBACK 16 /* enclosing symbols searched below the nearest */

const struct tz_symbol *tz_image_symbolize(const struct tz_image *img, uint64_t addr,
                                           uint64_t *off)
{
    if (!img || img->nsym == 0)
        return NULL;
    /* Last symbol with sym.addr <= addr. */
    size_t lo = 0, hi = img->nsym;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (img->sym[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    /* The nearest symbol may fall short of addr when symbols nest (a
     * function inside a larger object, a label inside a function), so look
     * back a little for one that covers it. */
    for (size_t i = lo - 1, seen = 0; seen < SYMBOLIZE_LOOKBACK; seen++) {
        if (sym_covers(img, i, addr)) {
            if (off)
                *off = addr - img->sym[i].addr;
            return &img->sym[i];
        }
        if (i == 0)
            break;
        i--;
    }
    return NULL;
}

int tz_image_kind_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "elf") == 0)
        return TZ_IMAGE_ELF;
    if (strcmp(name, "raw") == 0)
        return TZ_IMAGE_RAW;
    if (strcmp(name, "optee") == 0)
        return TZ_IMAGE_OPTEE;
    return -1;
}

const char *tz_image_kind_name(enum tz_image_kind k)
{
    switch (k) {
    case TZ_IMAGE_ELF: return "elf";
    case TZ_IMAGE_RAW: return "raw";
    case TZ_IMAGE_OPTEE: return "optee";
    }
    return "unknown";
}
