/* SPDX-License-Identifier: MIT */
/*
 * tzt monitor: EL3 entry points, exception vectors and the exception return
 * path. All decisions are made in monitor.c; this file only moves registers
 * between the CPU and a struct el3_frame on the core's EL3 stack.
 */
#include "tzt.h"
#include "monitor.h"
#include "el3_frame.S"
#include "boot.S"

/* ---- cold and warm entry ------------------------------------------------ */

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    /* tzsim starts core 0 here at EL3 with the MMU off. Any other core that
     * arrives here (it should come through CPU_ON at mon_warm_entry) takes
     * the warm path, which refuses it unless CPU_ON asked for it. */
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, mon_warm_entry

    /* Zero .bss first: the EL3 stacks live there and nothing is on them
     * yet. The loader zeroes it too, but a SYSTEM_RESET comes back here with
     * memory as the previous run left it. */
    zero_bss
    bl      el3_early_init
    sub     sp, sp, #FRAME_SIZE
    mov     x0, sp
    bl      mon_cold_boot
    b       el3_exit
    .size _start, . - _start

    /* Warm entry: the address the monitor programs into the power
     * controller's ENTRY registers for PSCI CPU_ON (x0 = core index). */
    .global mon_warm_entry
    .type mon_warm_entry, %function
mon_warm_entry:
    bl      el3_early_init
    sub     sp, sp, #FRAME_SIZE
    mov     x0, sp
    bl      mon_warm_boot
    b       el3_exit
    .size mon_warm_entry, . - mon_warm_entry

/* SCTLR_EL3, VBAR_EL3 and SP_EL3 = top of this core's stack. Uses x0..x3
 * and no stack. A core whose MPIDR is outside the firmware's range parks. */
    .type el3_early_init, %function
el3_early_init:
    el3_early_init_body mon_vectors, mon_stacks, TZT_MAX_CORES, TZT_STACK_SIZE
park:
    wfi
    b       park
    .size el3_early_init, . - el3_early_init

/* ---- exception return ----------------------------------------------------- */

/* Restores the frame at SP (ELR_EL3, SPSR_EL3, SP_EL0, x0..x30), pops it
 * and returns from the exception. */
    .type el3_exit, %function
el3_exit:
    el3_restore_frame_eret
    .size el3_exit, . - el3_exit

/* ---- exception vectors (Arm ARM D1.10.2) ------------------------------- */


    /* Unexpected exception: vector index in x0. */
    .macro vpanic id
    vector_panic_slot \id, FRAME_SIZE, el3_panic_entry
    .endm

    .section .text.mon_vectors, "ax"
    .global mon_vectors
    .balign 0x800
mon_vectors:
    vpanic  0   /* 0x000 current EL with SP_EL0: sync */
    vpanic  1   /* 0x080 IRQ */
    vpanic  2   /* 0x100 FIQ */
    vpanic  3   /* 0x180 SError */
    vpanic  4   /* 0x200 current EL with SP_EL3: sync */
    vpanic  5   /* 0x280 IRQ */
    vpanic  6   /* 0x300 FIQ */
    vpanic  7   /* 0x380 SError */

    .balign 0x80    /* 0x400 lower EL using AArch64: sync (SMC) */
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    b       el3_lower_sync_entry

    vpanic  9   /* 0x480 lower EL AArch64: IRQ */
    vpanic  10  /* 0x500 FIQ */
    vpanic  11  /* 0x580 SError */
    vpanic  12  /* 0x600 lower EL using AArch32: sync */
    vpanic  13  /* 0x680 IRQ */
    vpanic  14  /* 0x700 FIQ */
    vpanic  15  /* 0x780 SError */

el3_lower_sync_entry:
    save_frame
    mov     x0, sp
    bl      mon_lower_sync
    b       el3_exit

el3_panic_entry:
    save_frame
    mov     x1, sp
    bl      mon_vector_panic
1:  wfi
    b       1b

/* ---- exception vectors with the interrupt flows on ----------------------- */

/* TZT_FID_IRQ_SETUP switches a core to this table (monitor.c): SMCs go
 * through mon_lower_sync_irq, which also sets SCR_EL3's interrupt routing
 * for the world it returns to, and an FIQ from a lower EL (a secure
 * interrupt while the normal world runs: SCR_EL3.FIQ = 1 there) goes to
 * mon_lower_fiq. A separate table keeps the SMC path of mon_vectors as it
 * is for cores that never switch the flows on. */
    .section .text.mon_vectors_irq, "ax"
    .global mon_vectors_irq
    .balign 0x800
mon_vectors_irq:
    vpanic  0   /* 0x000 current EL with SP_EL0: sync */
    vpanic  1   /* 0x080 IRQ */
    vpanic  2   /* 0x100 FIQ */
    vpanic  3   /* 0x180 SError */
    vpanic  4   /* 0x200 current EL with SP_EL3: sync */
    vpanic  5   /* 0x280 IRQ (EL3 runs with interrupts masked) */
    vpanic  6   /* 0x300 FIQ */
    vpanic  7   /* 0x380 SError */

    .balign 0x80    /* 0x400 lower EL using AArch64: sync (SMC) */
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    b       el3_lower_sync_irq_entry

    vpanic  9   /* 0x480 lower EL AArch64: IRQ (SCR_EL3.IRQ is never set) */

    .balign 0x80    /* 0x500 lower EL using AArch64: FIQ */
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    b       el3_lower_fiq_entry

    vpanic  11  /* 0x580 SError */
    vpanic  12  /* 0x600 lower EL using AArch32: sync */
    vpanic  13  /* 0x680 IRQ */
    vpanic  14  /* 0x700 FIQ */
    vpanic  15  /* 0x780 SError */

el3_lower_sync_irq_entry:
    save_frame
    mov     x0, sp
    bl      mon_lower_sync_irq
    b       el3_exit

el3_lower_fiq_entry:
    save_frame
    mov     x0, sp
    bl      mon_lower_fiq
    b       el3_exit
