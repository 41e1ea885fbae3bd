/* SPDX-License-Identifier: MIT */
/*
 * tsp entry points: cold boot, the vector table the monitor enters through
 * (OP-TEE's struct optee_vectors: one branch per entry, opteed.h), the EL1
 * exception vectors and the yielding-call thread.
 *
 * Stacks, per core (index = MPIDR_EL1.Aff0):
 *   tmp stack     every monitor entry starts on its top afresh: nothing lives
 *                 on it between two entries
 *   thread stack  the yielding call runs on it, at EL1h; when a foreign
 *                 interrupt preempts the call its frame stays there while
 *                 the normal world runs, until RETURN_FROM_RPC resumes it
 *
 * Every SMC to the monitor is made at EL1h with DAIF masked (tsp_smc_return),
 * so every entry after the first one on a core (the monitor keeps the SPSR
 * of the last SMC, as TF-A does) starts at EL1h with DAIF masked too.
 */
#include "tsp.h"
#include "boot.S"
#include "gpr_frame.S"

/* SP = top of this core's stack in \stacks (each \size bytes); x9, x10
 * scratch; x0..x7 untouched. A core index beyond the stacks parks. */
    .macro set_stack stacks, size
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #TSP_MAX_CORES
    b.hs    park
    add     x9, x9, #1
    mov     x10, #\size
    mul     x9, x9, x10
    adrp    x10, \stacks
    add     x10, x10, :lo12:\stacks
    add     x9, x10, x9
    mov     sp, x9
    .endm

    .macro set_vbar
    adrp    x9, tsp_el1_vectors
    add     x9, x9, :lo12:tsp_el1_vectors
    msr     vbar_el1, x9
    isb
    .endm

/* Cold boot on the primary core: x0 = pageable part (0), x1 = 0, x2 = the
 * normal world's DTB or 0, x3 = 0 (OP-TEE's boot arguments). */
    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    zero_bss
    set_vbar
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    mov     x3, x22
    bl      tsp_cold_boot
    b       park
    .size _start, . - _start

park:
    msr     daifset, #0xf
1:  wfi
    b       1b

/* ---- the entries the monitor uses (offsets: opteed.h OPTEE_VEC_*) ---------- */

    .section .text.tsp_vector_table, "ax"
    .global tsp_vector_table
    .type tsp_vector_table, %function   /* a symbol scenarios can name */
    .balign 8
tsp_vector_table:
    b       yield_smc_entry     /* 0x00: yielding call, x0..x7 = the caller's */
    b       fast_smc_entry      /* 0x04: fast call */
    b       cpu_on_entry        /* 0x08: core on (fresh context) */
    b       cpu_off_entry       /* 0x0c */
    b       cpu_resume_entry    /* 0x10: x0 = level */
    b       cpu_suspend_entry   /* 0x14: x0 = power_state */
    b       fiq_entry           /* 0x18: secure interrupt while NS ran, x0 = NS PC */
    b       system_off_entry    /* 0x1c */
    b       system_reset_entry  /* 0x20 */
    .size tsp_vector_table, . - tsp_vector_table

yield_smc_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_yield_smc
    b       park
fast_smc_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_fast_smc
    b       park
cpu_on_entry:
    set_vbar                    /* fresh EL1 state on this core */
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_cpu_on
    b       park
cpu_off_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_cpu_off
    b       park
cpu_resume_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_cpu_resume
    b       park
cpu_suspend_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_cpu_suspend
    b       park
fiq_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_fiq
    b       park
system_off_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_system_off
    b       park
system_reset_entry:
    set_stack tsp_tmp_stacks, TSP_TMP_STACK_SIZE
    bl      tsp_system_reset
    b       park

/* void tsp_smc_return(fid, x1, x2, x3, x4): back to the monitor. */
    .text
    .global tsp_smc_return
    .type tsp_smc_return, %function
tsp_smc_return:
    msr     daifset, #0xf
    isb
    smc     #0
    /* The monitor resumes the payload only through tsp_vector_table; a
     * return here means it refused the SMC (x0 = its answer). */
    mov     x1, x0
    adrp    x0, smc_returned_msg
    add     x0, x0, :lo12:smc_returned_msg
    bl      tzt_el1_panic
    .size tsp_smc_return, . - tsp_smc_return

/* ---- the yielding-call thread --------------------------------------------- */

/* tsp_thread_start(fid, a1, a2, a3, sp) */
    .global tsp_thread_start
    .type tsp_thread_start, %function
tsp_thread_start:
    mov     sp, x4
    mov     x29, #0
    mov     x30, #0
    bl      tsp_thread_main
    b       park
    .size tsp_thread_start, . - tsp_thread_start

/* u64 tsp_loop(u64 n): n iterations of a 3-instruction loop, interrupts
 * unmasked (the window in which the call can be preempted); n = 0 runs no
 * iteration. Returns the number of iterations run. */
    .global tsp_loop
    .type tsp_loop, %function
tsp_loop:
    mov     x1, #0
    cbz     x0, 2f
    msr     daifclr, #3         /* IRQ and FIQ */
    .global tsp_loop_body
    .type tsp_loop_body, %function      /* the preemptible window, for scenarios */
tsp_loop_body:
1:  add     x1, x1, #1
    subs    x0, x0, #1
    b.ne    1b
    msr     daifset, #3
2:  mov     x0, x1
    ret
    .size tsp_loop, . - tsp_loop

/* ---- EL1 exception vectors (Arm ARM D1.10.2) -------------------------------- */

    /* An unexpected exception: report (tzt_el1_exception) and power off. */
    .macro vpanic id
    vector_panic_slot \id, TSP_FRAME_SIZE, el1_panic_common
    .endm

    /* An interrupt while the yielding call runs (EL1h, thread stack). */
    .macro vintr
    .balign 0x80
    sub     sp, sp, #TSP_FRAME_SIZE
    stp     x0, x1, [sp]
    b       el1_interrupt
    .endm

    .section .text.tsp_el1_vectors, "ax"
    .global tsp_el1_vectors
    .balign 0x800
tsp_el1_vectors:
    vpanic  0       /* current EL, SP_EL0: sync */
    vpanic  1       /*   IRQ */
    vpanic  2       /*   FIQ */
    vpanic  3       /*   SError */
    vpanic  4       /* current EL, SP_EL1: sync */
    vintr           /*   IRQ: GICv3 Secure Group 1 (native), GICv2 Group 1 (foreign) */
    vintr           /*   FIQ: GICv3 Non-secure Group 1 (foreign), GICv2 Group 0 (native) */
    vpanic  7       /*   SError */
    vpanic  8       /* lower EL, AArch64 */
    vpanic  9
    vpanic  10
    vpanic  11
    vpanic  12      /* lower EL, AArch32 */
    vpanic  13
    vpanic  14
    vpanic  15

    /* Stores x2..x30, ELR_EL1 and SPSR_EL1 in the frame at SP. */
    .macro save_rest
    gpr_save_x2_x30
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #TSP_FRAME_ELR]
    .endm

el1_panic_common:
    save_rest
    mov     x1, sp
    bl      tzt_el1_exception
    b       park

/* tsp_thread_interrupt(frame) returns when it handled a native interrupt;
 * for a foreign one it leaves the frame where it is and returns the RPC to
 * the monitor instead, and RETURN_FROM_RPC comes back through
 * tsp_thread_resume(frame). */
el1_interrupt:
    save_rest
    mov     x0, sp
    bl      tsp_thread_interrupt
    mov     x0, sp
    .global tsp_thread_resume
    .type tsp_thread_resume, %function
tsp_thread_resume:
    mov     sp, x0
    ldp     x0, x1, [sp, #TSP_FRAME_ELR]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    gpr_restore_x2_x30
    ldp     x0, x1, [sp]
    add     sp, sp, #TSP_FRAME_SIZE
    eret
    .size tsp_thread_resume, . - tsp_thread_resume

    .section .rodata.tsp_entry, "a"
smc_returned_msg:
    .asciz  "the monitor returned from an SMC (refused it)"

    .bss
    .balign 16
    .global tsp_tmp_stacks
tsp_tmp_stacks:
    .space  TSP_MAX_CORES * TSP_TMP_STACK_SIZE
    .global tsp_thread_stacks
tsp_thread_stacks:
    .space  TSP_MAX_CORES * TSP_THREAD_STACK_SIZE
