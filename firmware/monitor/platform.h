/* SPDX-License-Identifier: MIT */
/*
 * The reference monitor's platform port: qemu-virt as tzsim models it
 * (models/platforms/qemu-virt.dts, docs/platforms.md). These are the fixed
 * facts of the board, the equivalent of TF-A's platform_def.h. What is
 * booted, and where, is not here: it comes from the handoff (handoff.h).
 */
#ifndef MON_PLATFORM_H
#define MON_PLATFORM_H

#include "tzt.h"  /* UART and power-controller bases, PSCI numbers, helpers */

#define PLAT_CONSOLE_BASE       TZT_UART1_BASE      /* secure PL011 */
#define PLAT_POWERCTL_BASE      TZT_POWERCTL_BASE   /* tzsim,power-ctrl */

/* qemu-virt's secure PL061 GPIO: QEMU wires output line 0 to power-off and
 * line 1 to reset (its "gpio-pwr" device; TF-A's plat/qemu uses them), and
 * tzsim models the same (models/gpio/pl061.c). SYSTEM_OFF/RESET drive these
 * lines rather than tzsim's power controller, which QEMU lacks: the same
 * monitor powers off on both (docs/differential.md). */
#define PLAT_SECURE_GPIO_BASE   0x090b0000
#define PLAT_GPIO_POWEROFF_LINE 0
#define PLAT_GPIO_RESET_LINE    1
#define PL061_DIR               0x400

/* The GIC: qemu-virt comes with a GICv2 (platform "qemu-virt": CPU
 * interface at 0x08010000) or a GICv3 (platform "qemu-virt-gicv3":
 * redistributors from 0x080a0000); the distributor is at 0x08000000 in both.
 * gic.c tells them apart by GICD_PIDR2. Set MON_GICD_BASE to 0 when
 * building to skip all GIC set-up (a platform without a GIC). */
#ifndef MON_GICD_BASE
#define MON_GICD_BASE           0x08000000
#endif
#define MON_GICC_BASE           0x08010000  /* GICv2 CPU interface */
#define MON_GICR_BASE           0x080a0000  /* GICv3 redistributors, 128 KiB each */

/* Normal-world DRAM: PSCI entry points must lie inside it. */
#define PLAT_NS_DRAM_BASE       TZT_NS_DRAM_BASE
#define PLAT_NS_DRAM_SIZE       TZT_NS_DRAM_SIZE

/* Per-core state for this many cores (core index = MPIDR_EL1.Aff0). */
#define MON_MAX_CORES           8
#define MON_STACK_SIZE          4096

#endif
