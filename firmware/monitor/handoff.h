/* SPDX-License-Identifier: MIT */
/*
 * The boot handoff: what the reference EL3 monitor (firmware/monitor) is told
 * to boot. tzsim (the scenario's machine{ handoff = ... }) writes this
 * structure into secure memory before reset, where a real platform's boot
 * loader (TF-A's BL2) would leave its entry-point information. The monitor
 * reads it once, at cold boot on the primary core; nothing about the images
 * is compiled into the monitor. Documented in docs/handoff.md.
 *
 * All fields are little-endian. The structure is 8-byte aligned.
 */
#ifndef MON_HANDOFF_H
#define MON_HANDOFF_H

/* Where the monitor looks for it: the last 4 KiB page of qemu-virt's secure
 * SRAM (0x0e000000..0x0e0fffff). The monitor image must end below it. */
#ifndef MON_HANDOFF_ADDR
#define MON_HANDOFF_ADDR        0x0e0ff000
#endif

#define MON_HANDOFF_MAGIC       0x4f485a54u  /* "TZHO" read as a little-endian u32 */
#define MON_HANDOFF_VERSION     1u

/* flags */
#define MON_HANDOFF_F_NONE      0u          /* no flag is defined in version 1 */

/* Byte offsets (for the writer in tzsim and for assembler). */
#define HO_MAGIC                0x00  /* u32 MON_HANDOFF_MAGIC */
#define HO_VERSION              0x04  /* u32 MON_HANDOFF_VERSION */
#define HO_SIZE                 0x08  /* u32 bytes of the structure: 0x50 in version 1 */
#define HO_CHECKSUM             0x0c  /* u32: the 32-bit words [0, size) sum to 0 mod 2^32 */
#define HO_BL32_ENTRY           0x10  /* u64 S-EL1 payload (OP-TEE) entry, 0 = none */
#define HO_BL32_X0              0x18  /* u64 x0 for BL32: OP-TEE's pageable part, 0 = none */
#define HO_BL33_ENTRY           0x20  /* u64 normal-world entry (required) */
#define HO_BL33_EL              0x28  /* u64 1 = NS-EL1h, 2 = NS-EL2h */
#define HO_BL33_X0              0x30  /* u64 x0 for BL33 (Linux: the DTB address) */
#define HO_DTB                  0x38  /* u64 DTB in normal memory, 0 = none: x2 for BL32 */
#define HO_FLAGS                0x40  /* u64 MON_HANDOFF_F_*, 0 in version 1 */
#define HO_RESERVED             0x48  /* u64 0 */
#define HO_SIZE_V1              0x50

#ifndef __ASSEMBLER__
#include <stdint.h>

struct mon_handoff {
    uint32_t magic;
    uint32_t version;
    uint32_t size;
    uint32_t checksum;
    uint64_t bl32_entry;
    uint64_t bl32_x0;
    uint64_t bl33_entry;
    uint64_t bl33_el;
    uint64_t bl33_x0;
    uint64_t dtb;
    uint64_t flags;
    uint64_t reserved;
};

_Static_assert(__builtin_offsetof(struct mon_handoff, bl32_entry) == HO_BL32_ENTRY, "handoff");
_Static_assert(__builtin_offsetof(struct mon_handoff, bl33_x0) == HO_BL33_X0, "handoff");
_Static_assert(__builtin_offsetof(struct mon_handoff, flags) == HO_FLAGS, "handoff");
_Static_assert(sizeof(struct mon_handoff) == HO_SIZE_V1, "handoff");
#endif

#endif
