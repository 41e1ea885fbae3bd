/* SPDX-License-Identifier: MIT */
/*
 * nwd-rpi entry points and EL2 vectors (firmware/nwd/rpi.c).
 *
 * _start           primary core, entered by TF-A's BL31 at EL2h (SPSR 0x3c9)
 *                  with the MMU off, DAIF masked and x0 = the device tree:
 *                  zero .bss, then rpi_main(dtb).
 * rpi_secondary    PSCI CPU_ON entry, x0 = context id: rpi_secondary_main(x0).
 *
 * Both set VBAR_EL2 (any exception is reported and powers off) and
 * SP = top of this core's stack (MPIDR_EL1.Aff0; EL2 reads the real
 * MPIDR_EL1). Neither function returns.
 */

#include "boot.S"
#define RPI_CORES       4
#define RPI_STACK_SIZE  8192

    .macro set_vbar_and_stack
    adrp    x9, rpi_el2_vectors
    add     x9, x9, :lo12:rpi_el2_vectors
    msr     vbar_el2, x9
    isb
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cmp     x9, #RPI_CORES
    b.hs    park
    add     x9, x9, #1
    mov     x10, #RPI_STACK_SIZE
    mul     x9, x9, x10
    adrp    x10, rpi_stacks
    add     x10, x10, :lo12:rpi_stacks
    add     x9, x10, x9
    mov     sp, x9
    .endm

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    mov     x19, x0
    zero_bss
    set_vbar_and_stack
    mov     x0, x19
    bl      rpi_main
    b       park
    .size _start, . - _start

    .global rpi_secondary
    .type rpi_secondary, %function
rpi_secondary:
    set_vbar_and_stack          /* x0 (context id) untouched */
    bl      rpi_secondary_main
    b       park
    .size rpi_secondary, . - rpi_secondary

park:
    wfi
    b       park

/* EL2 vectors (Arm ARM D1.10.2): none is expected. Each entry calls
 * rpi_exception(index) on the current stack, which reports and powers off. */
    .macro vent id
    .balign 0x80
    mov     x0, #\id
    b       rpi_exception
    .endm

    .section .text.rpi_el2_vectors, "ax"
    .balign 0x800
rpi_el2_vectors:
    .irp    id, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vent    \id
    .endr

    .bss
    .balign 16
rpi_stacks:
    .space  RPI_CORES * RPI_STACK_SIZE
