/*
 * other-plugin.c - a backend plugin from another build of schemac, for
 * test-plugins.c: its entry says another version, which the loader
 * refuses before it looks at the backend (none here).
 */
#include "backend.h"

__attribute__((visibility("default"))) const sc__plugin *
sc__plugin_entry(void);

static const sc__plugin other = {1, "0.0.0-other", sizeof(sc_backend), NULL};

const sc__plugin *sc__plugin_entry(void)
{
    return &other;
}
