/* SPDX-License-Identifier: MIT */
/*
 * The protocol between an EL3 monitor and OP-TEE OS at S-EL1 (what TF-A's
 * services/spd/opteed speaks). Numbers from OP-TEE's
 * core/arch/arm/include/sm/teesmc_opteed.h and teesmc_opteed_macros.h and
 * TF-A's opteed_private.h (struct optee_vectors).
 */
#ifndef MON_OPTEED_H
#define MON_OPTEED_H

/* SMCs OP-TEE makes to return to the monitor: fast SMC32 calls of owning
 * entity 62 (OPTEE_SMC_OWNER_TRUSTED_OS_OPTEED), function number n. */
#define TEESMC_OPTEED_RV(n)                 (0xBE000000u | (n))
#define TEESMC_OPTEED_RETURN_ENTRY_DONE     TEESMC_OPTEED_RV(0)  /* x1 = vector table */
#define TEESMC_OPTEED_RETURN_ON_DONE        TEESMC_OPTEED_RV(1)  /* x1 = 0 on success */
#define TEESMC_OPTEED_RETURN_OFF_DONE       TEESMC_OPTEED_RV(2)  /* x1 = 0 on success */
#define TEESMC_OPTEED_RETURN_SUSPEND_DONE   TEESMC_OPTEED_RV(3)  /* x1 = 0 on success */
#define TEESMC_OPTEED_RETURN_RESUME_DONE    TEESMC_OPTEED_RV(4)  /* x1 = 0 on success */
#define TEESMC_OPTEED_RETURN_CALL_DONE      TEESMC_OPTEED_RV(5)  /* x1..x4 = NS x0..x3 */
#define TEESMC_OPTEED_RETURN_FIQ_DONE       TEESMC_OPTEED_RV(6)
#define TEESMC_OPTEED_RETURN_SYSTEM_OFF_DONE   TEESMC_OPTEED_RV(7)
#define TEESMC_OPTEED_RETURN_SYSTEM_RESET_DONE TEESMC_OPTEED_RV(8)
#define TEESMC_OPTEED_RETURN_LAST           TEESMC_OPTEED_RETURN_SYSTEM_RESET_DONE

/* struct optee_vectors: one 4-byte instruction (a branch) per entry, at
 * these offsets from the address OP-TEE passes in x1 with ENTRY_DONE. */
#define OPTEE_VEC_YIELD_SMC     0x00  /* yielding (standard) call from NS */
#define OPTEE_VEC_FAST_SMC      0x04  /* fast call from NS */
#define OPTEE_VEC_CPU_ON        0x08  /* a core came on (PSCI CPU_ON) */
#define OPTEE_VEC_CPU_OFF       0x0c  /* a core is going off */
#define OPTEE_VEC_CPU_RESUME    0x10  /* x0 = suspend level */
#define OPTEE_VEC_CPU_SUSPEND   0x14  /* x0 = PSCI power_state */
#define OPTEE_VEC_FIQ           0x18  /* a secure interrupt arrived while NS ran; x0 = NS PC */
#define OPTEE_VEC_SYSTEM_OFF    0x1c
#define OPTEE_VEC_SYSTEM_RESET  0x20

/* SMC Calling Convention function-id fields (DEN0028) */
#define SMC_FID_FAST            0x80000000u  /* bit 31: fast call (else yielding) */
#define SMC_FID_64              0x40000000u  /* bit 30: SMC64 */
#define SMC_FID_OWNER(fid)      (((fid) >> 24) & 0x3f)
#define SMC_OWNER_ARCH          0
#define SMC_OWNER_STANDARD      4   /* PSCI */
#define SMC_OWNER_TOS_FIRST     50  /* Trusted OS calls: 50..63 */
#define SMC_OWNER_TOS_LAST      63
#define SMC_OWNER_OPTEED        62  /* OP-TEE -> monitor returns */

#endif
