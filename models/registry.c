#include "registry.h"

#include <string.h>

static const struct tz_device_ops *const models[] = {
    &tz_pl011_ops,
    &tz_power_ctrl_ops,
    &tz_gicv2_ops,
    &tz_gicv3_ops,
    &tz_pl061_ops,
    &tz_dma_ops,
    &tz_rpi_aux_ops,
    &tz_rpi_gpio_ops,
    &tz_rpi_pm_wdt_ops,
    &tz_rpi_local_ctrl_ops,
};

const struct tz_device_ops *tz_model_find(const char *compatible)
{
    for (unsigned i = 0; i < sizeof models / sizeof models[0]; i++)
        for (const char *const *c = models[i]->compatible; *c; c++)
            if (strcmp(*c, compatible) == 0)
                return models[i];
    return NULL;
}
