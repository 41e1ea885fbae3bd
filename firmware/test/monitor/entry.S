/* SPDX-License-Identifier: MIT */
/*
 * tzt monitor: EL3 entry points, exception vectors and the exception return
 * path. All decisions are made in monitor.c; this file only moves registers
 * between the CPU and a struct el3_frame on the core's EL3 stack.
 */
#include "tzt.h"
#include "monitor.h"

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
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:
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
    ldr     x0, =TZT_SCTLR_EL3_VALUE
    msr     sctlr_el3, x0
    adrp    x0, mon_vectors
    add     x0, x0, :lo12:mon_vectors
    msr     vbar_el3, x0
    msr     spsel, #1
    isb
    mrs     x0, mpidr_el1
    ubfx    x1, x0, #8, #16         /* Aff2:Aff1 */
    ubfx    x2, x0, #32, #8         /* Aff3 */
    orr     x1, x1, x2
    cbnz    x1, park
    and     x0, x0, #0xff           /* Aff0 = core index */
    cmp     x0, #TZT_MAX_CORES
    b.hs    park
    adrp    x1, mon_stacks
    add     x1, x1, :lo12:mon_stacks
    add     x0, x0, #1
    mov     x2, #TZT_STACK_SIZE
    madd    x1, x0, x2, x1          /* mon_stacks + (index + 1) * size */
    mov     sp, x1
    ret
park:
    wfi
    b       park
    .size el3_early_init, . - el3_early_init

/* ---- exception return ----------------------------------------------------- */

/* Restores the frame at SP (ELR_EL3, SPSR_EL3, SP_EL0, x0..x30), pops it
 * and returns from the exception. */
    .type el3_exit, %function
el3_exit:
    ldp     x0, x1, [sp, #FRAME_ELR_EL3]
    msr     elr_el3, x0
    msr     spsr_el3, x1
    ldr     x0, [sp, #FRAME_SP_EL0]
    msr     sp_el0, x0
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret
    .size el3_exit, . - el3_exit

/* ---- exception vectors (Arm ARM D1.10.2) ------------------------------- */

/* Stores x2..x30, SP_EL0, ELR_EL3, SPSR_EL3 into the frame at SP (x0 and
 * x1 were stored by the vector entry). */
    .macro save_frame
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mrs     x2, sp_el0
    str     x2, [sp, #FRAME_SP_EL0]
    mrs     x2, elr_el3
    mrs     x3, spsr_el3
    stp     x2, x3, [sp, #FRAME_ELR_EL3]
    .endm

    /* Unexpected exception: vector index in x0. */
    .macro vpanic id
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\id
    b       el3_panic_entry
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
