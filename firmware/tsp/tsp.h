/* SPDX-License-Identifier: MIT */
/*
 * tsp: the secure test payload (S-EL1) for the reference monitor. Internal
 * definitions shared by entry.S, tsp.c and gic.c. The ABI towards the
 * normal world is tsp_abi.h; towards the monitor it is OP-TEE's dispatcher
 * protocol (firmware/monitor/opteed.h).
 */
#ifndef TSP_H
#define TSP_H

#include "tzt.h"
#include "tsp_abi.h"

#define TSP_MAX_CORES           8
#define TSP_TMP_STACK_SIZE      4096   /* per core: entries, fast calls, FIQ, power */
#define TSP_THREAD_STACK_SIZE   8192   /* per core: the yielding call (survives RPCs) */

/* An interrupt frame on the thread stack (entry.S): x0..x30, ELR_EL1,
 * SPSR_EL1, padded to 16 bytes. */
#define TSP_FRAME_X30           240
#define TSP_FRAME_ELR           248
#define TSP_FRAME_SPSR          256
#define TSP_FRAME_SIZE          272

/* The returns to the monitor (TEESMC_OPTEED_RV(n), opteed.h). */
#define TSP_RV_ENTRY_DONE       0xBE000000u
#define TSP_RV_ON_DONE          0xBE000001u
#define TSP_RV_OFF_DONE         0xBE000002u
#define TSP_RV_SUSPEND_DONE     0xBE000003u
#define TSP_RV_RESUME_DONE      0xBE000004u
#define TSP_RV_CALL_DONE        0xBE000005u
#define TSP_RV_FIQ_DONE         0xBE000006u
#define TSP_RV_SYSTEM_OFF_DONE  0xBE000007u
#define TSP_RV_SYSTEM_RESET_DONE 0xBE000008u

#ifndef __ASSEMBLER__

#include <stdbool.h>

/* entry.S */
extern char tsp_vector_table[];     /* struct optee_vectors, given with ENTRY_DONE */
extern char tsp_el1_vectors[];      /* VBAR_EL1 */
extern char tsp_thread_stacks[];
/* SMC #0 with x0..x4 after masking DAIF; the monitor never returns to it. */
TZT_NORETURN void tsp_smc_return(u64 fid, u64 x1, u64 x2, u64 x3, u64 x4);
/* Runs tsp_thread_main(fid, a1, a2, a3) on the stack whose top is sp. */
TZT_NORETURN void tsp_thread_start(u64 fid, u64 a1, u64 a2, u64 a3, u64 sp);
/* Restores the interrupt frame at frame and returns from the exception. */
TZT_NORETURN void tsp_thread_resume(u64 frame);
/* n iterations of a 3-instruction loop with IRQ and FIQ unmasked; returns n. */
u64 tsp_loop(u64 n);

/* tsp.c, called from entry.S */
TZT_NORETURN void tsp_cold_boot(u64 x0, u64 x1, u64 x2, u64 x3);
TZT_NORETURN void tsp_fast_smc(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7);
TZT_NORETURN void tsp_yield_smc(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7);
TZT_NORETURN void tsp_thread_main(u64 fid, u64 a1, u64 a2, u64 a3);
void tsp_thread_interrupt(u64 *frame);
TZT_NORETURN void tsp_fiq(u64 ns_pc);
TZT_NORETURN void tsp_cpu_on(void);
TZT_NORETURN void tsp_cpu_off(void);
TZT_NORETURN void tsp_cpu_suspend(u64 power_state);
TZT_NORETURN void tsp_cpu_resume(u64 level);
TZT_NORETURN void tsp_system_off(void);
TZT_NORETURN void tsp_system_reset(void);

/* gic.c */
void tsp_gic_init(void);              /* cold boot: claim the secure SPI */
bool tsp_gic_is_v3(void);
u32 tsp_gic_ack(void);                /* acknowledge a secure interrupt: IAR value */
void tsp_gic_eoi(u32 iar);
static inline u32 tsp_gic_intid(u32 iar) { return iar & 0x3ff; }
#define TSP_GIC_SPURIOUS_FIRST  1020  /* INTIDs 1020..1023 are special (nothing acknowledged) */

#endif /* !__ASSEMBLER__ */

#endif
