/* SPDX-License-Identifier: MIT */
/*
 * nwd: the normal-world payload that drives OP-TEE the way the Linux OP-TEE
 * driver does (firmware/nwd, docs/firmware.md).
 */
#ifndef NWD_H
#define NWD_H

#include <stdbool.h>

#include "optee_abi.h"

/* Non-secure DRAM layout: the DTB at its start (loaded by the scenario, and
 * passed in x0), this image at +512 KiB, OP-TEE's reserved shared memory at
 * +32 MiB (its default on QEMU virt; checked against GET_SHM_CONFIG). */
#define NWD_SHM_BASE_EXPECTED   0x42000000ul
#define NWD_SHM_SIZE_EXPECTED   0x00200000ul

/* nwd.c */
void nwd_main(u64 dtb);                 /* from start.S */
void nwd_secondary_main(u64 context);   /* from start.S (PSCI CPU_ON) */
/* Reports a failed check and powers off. */
TZT_NORETURN void nwd_fail(const char *what, u64 got, u64 expected);

/* mmu.c: identity map, DRAM normal write-back, the rest Device-nGnRnE */
void nwd_mmu_build(void);   /* primary core, once */
void nwd_mmu_enable(void);  /* each core */

/* fdt.c: a small flattened-device-tree reader */
bool fdt_valid(const void *fdt);
u32 fdt_total_size(const void *fdt);
/* The value of property `prop` of the node at `path` (no unit addresses
 * elided: "/firmware/optee"), or NULL; *len gets its length. */
const void *fdt_get_prop(const void *fdt, const char *path, const char *prop, u32 *len);
/* Calls fn for each direct child of the node at `path`; returns how many. */
int fdt_for_each_child(const void *fdt, const char *path,
                       void (*fn)(const char *name, void *arg), void *arg);

/* optee.c: the driver */
struct smc_res { u64 a0, a1, a2, a3; };
struct smc_res nwd_smc(const u64 a[8]);

struct rpc_stats {
    unsigned alloc, free, foreign_intr, cmd;
    unsigned cmd_by_id[16];
};

void shm_init(u64 base, u64 size);
void *shm_alloc(u64 size);          /* page-granular, zeroed; NULL when full */
void shm_free(void *p);
unsigned shm_pages_in_use(void);

/* OPTEE_SMC_CALL_WITH_ARG on arg (in shared memory), serving every RPC until
 * OP-TEE returns; returns a0 of the final return. */
u32 optee_call_with_arg(struct optee_msg_arg *arg, struct rpc_stats *st);

#endif
