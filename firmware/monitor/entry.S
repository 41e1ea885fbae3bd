/* SPDX-License-Identifier: MIT */
/*
 * Reference EL3 monitor: entry points, exception vectors and the exception
 * return. Decisions are made in C (monitor.c); this file only moves
 * registers between the CPU and a struct el3_frame on the core's EL3 stack.
 *
 *   _start          cold boot, primary core (tzsim starts core 0 here)
 *   mon_warm_entry  PSCI CPU_ON: the power controller starts a core here
 *   mon_vectors     VBAR_EL3 (Arm ARM D1.10.2): SMCs and FIQs from the
 *                   lower ELs are served, everything else is a panic
 */
#include "monitor.h"
#include "el3_frame.S"
#include "boot.S"

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    /* Only core 0 cold boots. Any other core arriving here takes the warm
     * path, which refuses it unless PSCI CPU_ON asked for it. */
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, mon_warm_entry

    /* Zero .bss (stacks included) before anything lives there: a system
     * reset restarts here with memory as the previous run left it. */
    zero_bss
    bl      el3_early_init
    sub     sp, sp, #FRAME_SIZE
    mov     x0, sp
    bl      mon_cold_boot
    b       el3_exit
    .size _start, . - _start

    .global mon_warm_entry
    .type mon_warm_entry, %function
mon_warm_entry:
    bl      el3_early_init
    sub     sp, sp, #FRAME_SIZE
    mov     x0, sp
    bl      mon_warm_boot
    b       el3_exit
    .size mon_warm_entry, . - mon_warm_entry

/* SCTLR_EL3 (MMU and caches off), VBAR_EL3, SP_EL3 = top of this core's
 * stack. Uses x0..x2, no stack. A core outside the supported range parks. */
    .type el3_early_init, %function
el3_early_init:
    el3_early_init_body mon_vectors, mon_stacks, MON_MAX_CORES, MON_STACK_SIZE
park:
    wfi
    b       park
    .size el3_early_init, . - el3_early_init

/* Restores the frame at SP (ELR_EL3, SPSR_EL3, SP_EL0, x0..x30), pops it
 * and returns from the exception. */
    .type el3_exit, %function
el3_exit:
    el3_restore_frame_eret
    .size el3_exit, . - el3_exit


    /* A vector entry that pushes a frame and branches to \target. */
    .macro vent target
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    b       \target
    .endm

    /* An unexpected exception: vector number in x0. */
    .macro vpanic id
    vector_panic_slot \id, FRAME_SIZE, el3_panic_entry
    .endm

    .section .text.mon_vectors, "ax"
    .global mon_vectors
    .balign 0x800
mon_vectors:
    vpanic  0                   /* 0x000 current EL, SP_EL0: sync */
    vpanic  1                   /* 0x080 IRQ */
    vpanic  2                   /* 0x100 FIQ */
    vpanic  3                   /* 0x180 SError */
    vpanic  4                   /* 0x200 current EL, SP_EL3: sync */
    vpanic  5                   /* 0x280 IRQ */
    vpanic  6                   /* 0x300 FIQ */
    vpanic  7                   /* 0x380 SError */
    vent    el3_sync_lower      /* 0x400 lower EL, AArch64: sync (SMC) */
    vpanic  VEC_LOWER_A64_IRQ   /* 0x480 IRQ: never routed to EL3 */
    vent    el3_fiq_lower       /* 0x500 FIQ: secure interrupt, NS running */
    vpanic  11                  /* 0x580 SError */
    vpanic  12                  /* 0x600 lower EL, AArch32: sync */
    vpanic  13                  /* 0x680 IRQ */
    vpanic  14                  /* 0x700 FIQ */
    vpanic  15                  /* 0x780 SError */

el3_sync_lower:
    save_frame
    mov     x0, sp
    bl      mon_sync_lower
    b       el3_exit

el3_fiq_lower:
    save_frame
    mov     x0, sp
    bl      mon_fiq_lower
    b       el3_exit

el3_panic_entry:
    save_frame
    mov     x1, sp
    bl      mon_vector_panic
1:  wfi
    b       1b

    .bss
    .balign 16
    .global mon_stacks
mon_stacks:
    .space  MON_MAX_CORES * MON_STACK_SIZE
