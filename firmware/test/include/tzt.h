/* SPDX-License-Identifier: MIT */
/*
 * tzt.h — shared definitions of tzsim's test firmware (monitor.elf, sel1.elf,
 * nsel1.elf, nsel1-smp.elf and the small EL3 programs).
 *
 * Everything here is usable from C and from assembler (.S) files. The protocol
 * numbers are documented in firmware/README.md; keep the two in step.
 */
#ifndef TZT_H
#define TZT_H

/* ---- memory map of the qemu-virt platform (secure=on) --------------------- */

#define TZT_SEC_SRAM_BASE       0x0e000000  /* 1 MiB: monitor.elf, el3-*.elf */
#define TZT_SEC_DRAM_BASE       0x0e100000  /* 15 MiB: sel1.elf */
#define TZT_NS_DRAM_BASE        0x40000000  /* 1 GiB */
#define TZT_NS_DRAM_SIZE        0x40000000

#define TZT_MONITOR_BASE        0x0e000000  /* monitor.elf load address = entry */
#define TZT_SEL1_ENTRY          0x0e100000  /* sel1.elf entry (cold boot) */
#define TZT_NSEL1_ENTRY         0x40080000  /* nsel1.elf / nsel1-smp.elf entry */

#define TZT_UART0_BASE          0x09000000  /* PL011, non-secure console */
#define TZT_UART1_BASE          0x09040000  /* PL011, secure console */
#define TZT_UART_DR             0x00        /* UARTDR */
#define TZT_UART_FR             0x18        /* UARTFR */
#define TZT_UART_FR_TXFF        (1 << 5)    /* transmit FIFO full */

/* tzsim power controller (secure-only), 32-bit registers. The base can be
 * overridden at build time (-DTZT_POWERCTL_BASE=...) to run the images on a
 * machine with a stand-in for it. */
#ifndef TZT_POWERCTL_BASE
#define TZT_POWERCTL_BASE       0x090c0000
#endif
#define TZT_PWR_SYSTEM          0x00  /* W: 1 = system off, 2 = system reset */
#define TZT_PWR_CPU_ON          0x04  /* W: core index; starts it at EL3 at ENTRY, x0 = index */
#define TZT_PWR_ENTRY_LO        0x08  /* RW: entry address used by CPU_ON, bits [31:0] */
#define TZT_PWR_ENTRY_HI        0x0c  /* RW: bits [63:32] */
#define TZT_PWR_CPU_OFF         0x10  /* W: any value powers the calling core off */
#define TZT_PWR_STATUS          0x14  /* R: bit n = core n powered */
#define TZT_PWR_SYSTEM_OFF      1
#define TZT_PWR_SYSTEM_RESET    2

/* Cores: MPIDR_EL1.Aff0 is the core index; Aff1..Aff3 are 0 on this
 * platform. The firmware has per-core state for this many cores. */
#define TZT_MAX_CORES           8

/* ---- test protocol between the worlds (SMC function ids) ------------------ */

/* Fast SMC32 calls owned by the Trusted OS (owning entity 50). */
#define TZT_FID_CALL_BASE       0xB2000000  /* NS calls 0xB2000000..0xB20000FF are */
#define TZT_FID_CALL_LAST       0xB20000FF  /*   forwarded to S-EL1 by the monitor */
#define TZT_FID_ADD             0xB2000001  /* x1=a, x2=b -> a+b, a^b, count, 0 */
#define TZT_FID_ECHO            0xB2000002  /* x1..x4 -> x1..x4 */
#define TZT_FID_ENTRY_DONE      0xB2000100  /* S-EL1 -> monitor: booted, x1 = call entry */
#define TZT_FID_CALL_DONE       0xB2000101  /* S-EL1 -> monitor: x1..x4 = results */
#define TZT_FID_UNKNOWN         0xB2000FFF  /* not served by anyone: -1 from the monitor */

/* Interrupt flows (firmware/README.md "Interrupt flows", docs/gic.md
 * "End-to-end flows"). TZT_FID_IRQ_SETUP switches them on, per core; until
 * then the calls of the 0xB2000003..0xB200000F range reach S-EL1's ordinary
 * call entry, which answers -1. After it, the monitor forwards that range to
 * S-EL1's interrupt entry (ENTRY_DONE x2). */
#define TZT_FID_IRQ_CALL_FIRST  0xB2000003
#define TZT_FID_IRQ_CALL_LAST   0xB200000F
#define TZT_FID_YIELD_LOOP      0xB2000003  /* x1 = iterations, x2 = secure timer delay (0: none):
                                             * a yielding call with interrupts unmasked ->
                                             * 0, iterations, preemptions, secure interrupts
                                             * handled in it; or TZT_INTERRUPTED */
#define TZT_FID_RESUME          0xB2000004  /* x1 = cookie: go on with the interrupted call */
#define TZT_FID_SEC_TIMER       0xB2000005  /* x1 = delay in counter ticks: arm the secure timer */
#define TZT_FID_IRQ_STATS       0xB2000006  /* x1 = core -> secure interrupts taken from the
                                             * normal world, handled in the secure world,
                                             * preemptions, last secure INTID */
#define TZT_FID_SEND_SGI        0xB2000007  /* x1 = target core, x2 = secure SGI (8..15) */
#define TZT_FID_FIQ             0xB2000102  /* monitor -> S-EL1 interrupt entry (x0): a secure
                                             * interrupt was taken to EL3 from the normal world */
#define TZT_FID_FIQ_DONE        0xB2000103  /* S-EL1 -> monitor: handled, resume the normal world */
#define TZT_FID_IRQ_SETUP       0xB2000110  /* NS -> monitor: GIC security set-up and interrupt
                                             * routing on this core -> 0, GIC version (2 or 3) */
/* x0 of a yielding call preempted by a normal-world interrupt (as OP-TEE's
 * foreign-interrupt RPC): x1 = cookie for TZT_FID_RESUME, x2 = preemptions
 * of this call so far. */
#define TZT_INTERRUPTED         0xFFFF0004

/* Arm SMC Calling Convention (DEN0028) */
#define SMCCC_VERSION           0x80000000
#define SMCCC_VERSION_1_1       0x10001
#define SMCCC_NOT_SUPPORTED     (-1)

/* Arm Power State Coordination Interface (DEN0022) */
#define PSCI_VERSION            0x84000000
#define PSCI_CPU_SUSPEND        0xC4000001
#define PSCI_CPU_OFF            0x84000002
#define PSCI_CPU_ON             0xC4000003  /* x1 = target MPIDR, x2 = entry, x3 = context id */
#define PSCI_AFFINITY_INFO      0xC4000004  /* x1 = target MPIDR, x2 = lowest affinity level */
#define PSCI_SYSTEM_OFF         0x84000008
#define PSCI_SYSTEM_RESET       0x84000009
#define PSCI_FEATURES           0x8400000A  /* x1 = function id */
#define PSCI_VERSION_1_1        0x10001

#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_ON_PENDING         (-5)
#define PSCI_INTERNAL_FAILURE   (-6)
#define PSCI_INVALID_ADDRESS    (-9)

#define PSCI_AFF_ON             0
#define PSCI_AFF_OFF            1
#define PSCI_AFF_ON_PENDING     2

/* ---- architectural constants (Arm ARM, DDI 0487) -------------------------- */

/* SPSR_ELx.M[3:0] with DAIF (bits 9:6) all set: AArch64 EL1 using SP_EL1. */
#define TZT_SPSR_EL1H_DAIF      0x3c5

#define SCR_NS                  (1 << 0)
#define SCR_IRQ                 (1 << 1)
#define SCR_FIQ                 (1 << 2)
#define SCR_EA                  (1 << 3)
#define SCR_RES1                ((1 << 4) | (1 << 5))
#define SCR_SMD                 (1 << 7)
#define SCR_HCE                 (1 << 8)
#define SCR_RW                  (1 << 10)

#define HCR_RW                  (1ul << 31)

/* SCTLR_EL1 with only its RES1 bits set (MMU, caches and alignment checks
 * off): bits 11, 20, 22, 23, 28, 29. */
#define TZT_SCTLR_EL1_RESET     0x30d00800
/* SCTLR_EL3: RES1 bits 4, 5, 11, 16, 18, 22, 23, 28, 29, plus SA (bit 3,
 * SP alignment check). MMU and caches off, little-endian. */
#define TZT_SCTLR_EL3_VALUE     0x30c50838
/* CPTR_EL2 RES1 bits (13:12, 9:0); TFP = 0. */
#define TZT_CPTR_EL2_VALUE      0x33ff

#define ESR_EC_SHIFT            26
#define ESR_EC_SMC64            0x17  /* SMC from AArch64 */

#define TZT_STACK_SIZE          4096  /* per core, every image */

#ifndef __ASSEMBLER__

#include <stdint.h>
#include <stddef.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

/* ---- system registers and barriers --------------------------------------- */

#define read_sysreg(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((u64)(v)))
#define isb()  __asm__ volatile("isb" ::: "memory")
#define dsb()  __asm__ volatile("dsb sy" ::: "memory")
#define dmb()  __asm__ volatile("dmb sy" ::: "memory")
#define wfi()  __asm__ volatile("wfi" ::: "memory")

#define TZT_NORETURN __attribute__((noreturn))
#define TZT_UNUSED   __attribute__((unused))

/* Accesses another core may make concurrently: never cached in a register,
 * never merged or torn by the compiler. */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

static inline u32 mmio_read32(uintptr_t a) { return *(volatile u32 *)a; }
static inline void mmio_write32(uintptr_t a, u32 v) { *(volatile u32 *)a = v; }

/* MPIDR_EL1.Aff0 (at NS-EL1 this reads VMPIDR_EL2, which the monitor sets to
 * the real MPIDR_EL1). */
static inline unsigned tzt_core_index(void) { return (unsigned)(read_sysreg(mpidr_el1) & 0xff); }

/* ---- SMC ------------------------------------------------------------------ */

struct tzt_smc_res { u64 x0, x1, x2, x3; };

/* SMC #0 with x0..x4; returns x0..x3. x5..x17 are declared clobbered although
 * SMCCC 1.1 has the callee preserve them (tzt_smc_preserve_check tests that). */
static inline struct tzt_smc_res tzt_smc(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4)
{
    register u64 x0 __asm__("x0") = fid;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    register u64 x4 __asm__("x4") = a4;
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
                     :
                     : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                       "x15", "x16", "x17", "memory");
    return (struct tzt_smc_res){ x0, x1, x2, x3 };
}

/* common/smc_check.S: loads x5..x17 and x19..x28 with values derived from
 * seed, performs SMC #0 with x0..x4 = fid, a1..a4, stores x0..x3 to *res and
 * returns a bit mask of the registers (bit n = xn) among x4..x28 (x18
 * excepted) whose value changed across the SMC — 0 when the callee preserved
 * them all, as SMCCC 1.1 requires. */
u64 tzt_smc_preserve_check(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 seed,
                           struct tzt_smc_res *res);

/* ---- console (common/console.c) ------------------------------------------- */

/* Each image defines these two: the PL011 it prints on and its name used in
 * panic messages. */
extern const uintptr_t tzt_console_base;
extern const char tzt_image_name[];

void tzt_putc(char c);
void tzt_puts(const char *s);  /* no newline added */
/* %s %c %d %u %x %p with optional '0' flag, width and 'l'/'ll'/'z'. */
void tzt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- power ------------------------------------------------------------------ */

/* Writes the power controller's SYSTEM register (secure world only). */
TZT_NORETURN void tzt_powerctl_system(u32 what);

/* ---- EL1 images (common/el1_vectors.S, common/el1_panic.c) ---------------- */

extern char tzt_el1_vectors[];  /* VBAR_EL1 value: report and power off */
/* Prints "<image>: PANIC <why>" and asks the monitor for SYSTEM_OFF. */
TZT_NORETURN void tzt_el1_panic(const char *why);

/* ---- freestanding string functions (common/string.c) ---------------------- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif /* !__ASSEMBLER__ */

#endif /* TZT_H */
