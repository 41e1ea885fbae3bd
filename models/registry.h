/* The registry of device models, by device-tree `compatible` string. A new
 * model adds its ops here (models/registry.c) and nothing else changes. */
#ifndef TZ_MODELS_REGISTRY_H
#define TZ_MODELS_REGISTRY_H

#include "sim/machine.h"

/* The model for a compatible string, or NULL if tzsim has none. */
const struct tz_device_ops *tz_model_find(const char *compatible);

extern const struct tz_device_ops tz_pl011_ops;
extern const struct tz_device_ops tz_power_ctrl_ops;
extern const struct tz_device_ops tz_gicv2_ops;
extern const struct tz_device_ops tz_gicv3_ops;
extern const struct tz_device_ops tz_pl061_ops;  /* models/gpio/pl061.c */
extern const struct tz_device_ops tz_dma_ops;    /* models/dma/dma.c */
/* Raspberry Pi 4 (BCM2711): models/rpi/ */
extern const struct tz_device_ops tz_rpi_aux_ops;
extern const struct tz_device_ops tz_rpi_gpio_ops;
extern const struct tz_device_ops tz_rpi_pm_wdt_ops;
extern const struct tz_device_ops tz_rpi_local_ctrl_ops;

#endif
