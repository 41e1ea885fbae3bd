/* SPDX-License-Identifier: MIT */
/*
 * The TSP's calls: the ABI between a normal-world client (nwd-tsp) and the
 * secure test payload (tsp.elf), carried by the reference monitor, which
 * forwards every Trusted OS call (owning entity 50..63) to the payload's
 * fast or yielding entry unchanged. Documented in firmware/tsp/README.md and
 * docs/firmware.md ("tsp, the secure test payload"). Usable from C and .S.
 *
 * Owning entity 51 (Trusted OS; OP-TEE uses 50 and 63, the dispatcher
 * protocol 62). Every call exists as SMC32 and SMC64 (bit 30); an SMC32
 * call takes and returns 32-bit values (the upper halves are ignored and
 * returned as 0).
 *
 * Results: x0 = status, x1..x3 = values (the payload's CALL_DONE x1..x4).
 */
#ifndef TSP_ABI_H
#define TSP_ABI_H

#define TSP_OEN                 51
#define TSP_FID_SMC64           0x40000000u

/* Fast calls (bit 31 set): interrupts stay masked in the secure world. */
#define TSP_FAST_ECHO           0xB3000001u  /* x1..x3 -> x0 = 0, x1..x3 unchanged */
#define TSP_FAST_ADD            0xB3000002u  /* x1, x2 -> x0 = 0, x1 = x1 + x2 (mod 2^64 or 2^32) */
#define TSP_FAST_CHECKSUM       0xB3000003u  /* x1 = PA, x2 = length -> x0 = 0, x1 = FNV-1a 32 */
#define TSP_FAST_STATS          0xB3000004u  /* -> x0 = 0, x1 = FIQ entries, x2 = native
                                                interrupts, x3 = foreign-interrupt RPCs */
#define TSP_FAST_FILL           0xB3000005u  /* x1 = PA, x2 = length, x3 = seed -> x0 = 0,
                                                x1 = length: writes TSP_FILL_BYTE over
                                                [x1, x1 + x2), uncached (MMU off) */
/* Yielding calls (bit 31 clear): may be preempted and return an RPC. */
#define TSP_YIELD_LOOP          0x33000001u  /* x1 = N -> x0 = 0, x1 = iterations run,
                                                x2 = foreign-interrupt RPCs during the call,
                                                x3 = native interrupts during the call */
#define TSP_YIELD_RETURN_FROM_RPC 0x33000002u /* x1..x3 = as returned by the RPC */

#define TSP_FAST_ECHO64         (TSP_FAST_ECHO | TSP_FID_SMC64)      /* 0xF3000001 */
#define TSP_FAST_ADD64          (TSP_FAST_ADD | TSP_FID_SMC64)       /* 0xF3000002 */
#define TSP_FAST_CHECKSUM64     (TSP_FAST_CHECKSUM | TSP_FID_SMC64)  /* 0xF3000003 */
#define TSP_FAST_STATS64        (TSP_FAST_STATS | TSP_FID_SMC64)     /* 0xF3000004 */
#define TSP_FAST_FILL64         (TSP_FAST_FILL | TSP_FID_SMC64)      /* 0xF3000005 */

/* x0 of a result */
#define TSP_OK                  0x0u
#define TSP_E_BUSY              0x1u         /* a yielding call is already in progress on this core */
#define TSP_E_RESUME            0x2u         /* RETURN_FROM_RPC: nothing to resume, or a wrong token */
#define TSP_E_BADADDR           0x3u         /* CHECKSUM, FILL: the buffer is not inside the
                                                shared memory */
#define TSP_RPC_FOREIGN_INTR    0xFFFF0004u  /* a normal-world interrupt preempted the call:
                                                take it, then RETURN_FROM_RPC with x1..x3 as
                                                returned (x3 = resume token); the value of
                                                OP-TEE's OPTEE_SMC_RETURN_RPC_FOREIGN_INTR */
#define TSP_E_UNKNOWN           0xFFFFFFFFu  /* unknown function */

/* The normal-world memory CHECKSUM may read and FILL may write: OP-TEE's
 * static shared memory on qemu-virt. */
#define TSP_SHM_BASE            0x42000000u
#define TSP_SHM_SIZE            0x00200000u

/* FNV-1a, 32-bit: h = 0x811c9dc5; for each byte b: h = (h ^ b) * 0x01000193 */
#define TSP_FNV_OFFSET          0x811c9dc5u
#define TSP_FNV_PRIME           0x01000193u

/* FILL's pattern: byte i of the range (i counted from x1) is byte i % 4 of
 * the 32-bit seed (little-endian) XOR (i / 4) % 256. From a 4-byte aligned
 * start, 32-bit word k is seed ^ (0x01010101 * (k % 256)). */
#define TSP_FILL_BYTE(seed, i) \
    ((u8)((u8)((u32)(seed) >> (8 * ((i) & 3))) ^ (u8)((i) >> 2)))

/* Interrupts of the qemu-virt platform the TSP and nwd-tsp use. Neither
 * line is wired to a device (the UARTs use SPIs 1 and 8): scenarios drive
 * them with irq { spi = ... }. */
#define TSP_SECURE_SPI          16           /* INTID 48: the TSP's secure interrupt */
#define TSP_SECURE_INTID        (32 + TSP_SECURE_SPI)
#define TSP_NS_SPI              17           /* INTID 49: nwd-tsp's normal-world interrupt */
#define TSP_NS_INTID            (32 + TSP_NS_SPI)

#endif
