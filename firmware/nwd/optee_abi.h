/* SPDX-License-Identifier: MIT */
/*
 * OP-TEE's normal-world ABI as the nwd payload uses it: SMC function ids and
 * return codes (OP-TEE's optee_smc.h), the message structure and commands
 * (optee_msg.h), RPC commands (optee_rpc_cmd.h) and the TEE result codes the
 * payload checks (GlobalPlatform TEE Client API). Numbers only; the layouts
 * are written out here.
 */
#ifndef NWD_OPTEE_ABI_H
#define NWD_OPTEE_ABI_H

#include "tzt.h"

/* ---- SMC function ids (all SMC32) ------------------------------------------- */

/* Owning entity 63 (Trusted OS API), SMCCC general queries */
#define OPTEE_SMC_CALLS_UID             0xBF00FF01u
#define OPTEE_SMC_CALLS_REVISION        0xBF00FF03u
/* Owning entity 50 (Trusted OS), fast calls */
#define OPTEE_SMC_GET_OS_UUID           0xB2000000u
#define OPTEE_SMC_GET_OS_REVISION       0xB2000001u
#define OPTEE_SMC_GET_SHM_CONFIG        0xB2000007u
#define OPTEE_SMC_EXCHANGE_CAPABILITIES 0xB2000009u
/* Owning entity 50, yielding calls */
#define OPTEE_SMC_CALL_RETURN_FROM_RPC  0x32000003u
#define OPTEE_SMC_CALL_WITH_ARG         0x32000004u

/* CALLS_UID: 384fb3e0-e7f8-11e3-af63-0002a5d5c51b, in a0..a3 */
#define OPTEE_MSG_UID_0                 0x384fb3e0u
#define OPTEE_MSG_UID_1                 0xe7f811e3u
#define OPTEE_MSG_UID_2                 0xaf630002u
#define OPTEE_MSG_UID_3                 0xa5d5c51bu
#define OPTEE_MSG_REVISION_MAJOR        2
/* GET_OS_UUID: 486178e0-e7f8-11e3-bc5e-0002a5d5c51b */
#define OPTEE_OS_UUID_0                 0x486178e0u
#define OPTEE_OS_UUID_1                 0xe7f811e3u
#define OPTEE_OS_UUID_2                 0xbc5e0002u
#define OPTEE_OS_UUID_3                 0xa5d5c51bu

/* EXCHANGE_CAPABILITIES, secure-world bits in a1 */
#define OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM (1u << 0)
#define OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM  (1u << 1)
#define OPTEE_SMC_SEC_CAP_DYNAMIC_SHM       (1u << 2)
#define OPTEE_SMC_SEC_CAP_MEMREF_NULL       (1u << 4)
#define OPTEE_SMC_SEC_CAP_ASYNC_NOTIF       (1u << 5)
#define OPTEE_SMC_SEC_CAP_RPC_ARG           (1u << 6)
#define OPTEE_SMC_SHM_CACHED                1

/* a0 on return */
#define OPTEE_SMC_RETURN_OK                 0x0u
#define OPTEE_SMC_RETURN_ETHREAD_LIMIT      0x1u
#define OPTEE_SMC_RETURN_EBUSY              0x2u
#define OPTEE_SMC_RETURN_ERESUME            0x3u
#define OPTEE_SMC_RETURN_EBADADDR           0x4u
#define OPTEE_SMC_RETURN_EBADCMD            0x5u
#define OPTEE_SMC_RETURN_ENOMEM             0x6u
#define OPTEE_SMC_RETURN_ENOTAVAIL          0x7u
#define OPTEE_SMC_RETURN_UNKNOWN_FUNCTION   0xFFFFFFFFu
/* RPC requests: 0xFFFF0000 | function */
#define OPTEE_SMC_RETURN_IS_RPC(a0) \
    ((u32)(a0) != OPTEE_SMC_RETURN_UNKNOWN_FUNCTION && ((u32)(a0) & 0xFFFF0000u) == 0xFFFF0000u)
#define OPTEE_SMC_RPC_FUNC(a0)              ((u32)(a0) & 0xFFFFu)
#define OPTEE_SMC_RPC_FUNC_ALLOC            0  /* a1 = size -> a1:a2 = PA, a4:a5 = cookie */
#define OPTEE_SMC_RPC_FUNC_FREE             2  /* a1:a2 = cookie */
#define OPTEE_SMC_RPC_FUNC_FOREIGN_INTR     4  /* a normal-world interrupt is pending */
#define OPTEE_SMC_RPC_FUNC_CMD              5  /* a1:a2 = cookie of a struct optee_msg_arg */

/* ---- messages (optee_msg.h) --------------------------------------------------- */

#define OPTEE_MSG_ATTR_TYPE_NONE            0x0
#define OPTEE_MSG_ATTR_TYPE_VALUE_INPUT     0x1
#define OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT    0x2
#define OPTEE_MSG_ATTR_TYPE_VALUE_INOUT     0x3
#define OPTEE_MSG_ATTR_TYPE_TMEM_INPUT      0x9
#define OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT     0xa
#define OPTEE_MSG_ATTR_TYPE_TMEM_INOUT      0xb
#define OPTEE_MSG_ATTR_TYPE_MASK            0xff
#define OPTEE_MSG_ATTR_META                 (1u << 8)

#define OPTEE_MSG_LOGIN_PUBLIC              0

#define OPTEE_MSG_CMD_OPEN_SESSION          0
#define OPTEE_MSG_CMD_INVOKE_COMMAND        1
#define OPTEE_MSG_CMD_CLOSE_SESSION         2

struct optee_msg_param {
    u64 attr;
    union {
        struct { u64 buf_ptr, size, shm_ref; } tmem;
        struct { u64 a, b, c; } value;
    } u;
};

struct optee_msg_arg {
    u32 cmd;
    u32 func;
    u32 session;
    u32 cancel_id;
    u32 pad;
    u32 ret;
    u32 ret_origin;
    u32 num_params;
    struct optee_msg_param params[];
};

_Static_assert(sizeof(struct optee_msg_arg) == 32, "optee_msg_arg");
_Static_assert(sizeof(struct optee_msg_param) == 32, "optee_msg_param");

#define OPTEE_MSG_ARG_SIZE(n) (sizeof(struct optee_msg_arg) + (n) * sizeof(struct optee_msg_param))

/* ---- RPC commands (optee_rpc_cmd.h) -------------------------------------------- */

#define OPTEE_RPC_CMD_LOAD_TA               0
#define OPTEE_RPC_CMD_RPMB                  1
#define OPTEE_RPC_CMD_FS                    2
#define OPTEE_RPC_CMD_GET_TIME              3
#define OPTEE_RPC_CMD_NOTIFICATION          4
#define OPTEE_RPC_CMD_SUSPEND               5
#define OPTEE_RPC_CMD_SHM_ALLOC             6
#define OPTEE_RPC_CMD_SHM_FREE              7

/* ---- TEE result codes ---------------------------------------------------------- */

#define TEEC_SUCCESS                        0x00000000u
#define TEEC_ERROR_GENERIC                  0xFFFF0000u
#define TEEC_ERROR_BAD_PARAMETERS           0xFFFF0006u
#define TEEC_ERROR_ITEM_NOT_FOUND           0xFFFF0008u
#define TEEC_ERROR_OUT_OF_MEMORY            0xFFFF000Cu
#define TEEC_ERROR_COMMUNICATION            0xFFFF000Eu
#define TEEC_ERROR_SHORT_BUFFER             0xFFFF0010u

#define TEEC_ORIGIN_API                     1
#define TEEC_ORIGIN_COMMS                   2
#define TEEC_ORIGIN_TEE                     3
#define TEEC_ORIGIN_TRUSTED_APP             4

#endif
