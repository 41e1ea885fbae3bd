/* Guest image loaders: ELF64 (program headers, entry, symbols), raw binary at
 * an address, and OP-TEE's v2 header format. Loading parses and validates the
 * file; placing the bytes into guest memory is the machine's job
 * (tz_machine_load_image), after tz_images_check() against the memory map.
 */
#ifndef TZ_LOADER_H
#define TZ_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "platform.h"

enum tz_image_kind { TZ_IMAGE_ELF = 0, TZ_IMAGE_RAW = 1, TZ_IMAGE_OPTEE = 2 };

/* One contiguous piece of guest memory to fill: filesz bytes from data, then
 * zeros up to memsz. */
struct tz_segment {
    uint64_t paddr;
    uint64_t memsz, filesz;
    const uint8_t *data;     /* points into tz_image.buf (or .extra) */
};

struct tz_symbol {
    uint64_t addr, size;
    char *name;
};

struct tz_image {
    char *path;
    enum tz_image_kind kind;
    uint64_t entry;
    struct tz_segment *seg;
    int nseg;
    uint8_t *buf;            /* the file's bytes */
    size_t size;
    uint8_t *extra;          /* OP-TEE: the pager/pageable files' bytes */
    size_t extra_size;
    struct tz_symbol *sym;   /* FUNC and OBJECT symbols, sorted by addr */
    size_t nsym;
    char sha256[65];         /* of every file read, in order */
    /* OP-TEE v2: the boot arguments a monitor passes (x0 = pageable part
     * address or 0). */
    uint64_t optee_pageable_addr;
};

/* Parses path as `kind`. load_addr is required for RAW (has_addr) and
 * overrides nothing for ELF/OP-TEE (they carry their addresses); for ELF and
 * OP-TEE, has_addr must be false. Errors: "fw.elf: not an ELF file (bad
 * magic)", "fw.elf: ELF machine 62 (x86-64), expected 183 (AArch64)",
 * "fw.elf: truncated: program header 2 ends at 4096, file is 1000 bytes". */
int tz_image_load(const char *path, enum tz_image_kind kind, bool has_addr, uint64_t load_addr,
                  struct tz_image **out, struct tz_error *err);

void tz_image_free(struct tz_image *img);

/* Every segment of every image lies inside one memory region of the platform
 * and no two segments overlap. Error: "b.elf: segment 0x40000000..0x40001000
 * overlaps a.elf segment 0x40000800..0x40002000" or "... is outside memory". */
int tz_images_check(struct tz_image *const *imgs, int n, const struct tz_platform *p,
                    struct tz_error *err);

/* Nearest symbol at or below addr within its size (or the next symbol);
 * NULL if none. *off receives addr - symbol address. */
const struct tz_symbol *tz_image_symbolize(const struct tz_image *img, uint64_t addr,
                                           uint64_t *off);

/* "elf", "raw", "optee" <-> kind; returns -1 for an unknown name. */
int tz_image_kind_parse(const char *name);
const char *tz_image_kind_name(enum tz_image_kind k);

#endif
