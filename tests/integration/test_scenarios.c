/* Every shipped scenario in scenarios/ passes from the CLI (with a trace, so
 * its SQL checks run), as a user would run it. */
#include <dirent.h>

#include "helpers.h"

Test(scenarios, every_shipped_scenario_passes)
{
    const char *dir = src_path("scenarios");
    DIR *d = opendir(dir);
    cr_assert(d, "cannot open %s", dir);
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".lua"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    cr_assert_geq(n, 8, "only %d scenarios found", n);
    for (int i = 0; i < n; i++) {
        char args[2048], *out, *err;
        snprintf(args, sizeof args, "run '%s/%s' --db '%s' --quiet", dir, names[i],
                 tmp_path("shipped.db"));
        int rc = run_cli(args, &out, &err);
        cr_expect_eq(rc, 0, "%s: exit %d\n%s\n%s", names[i], rc, out, err);
        free(out), free(err);
        free(names[i]);
    }
}
