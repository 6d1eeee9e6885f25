/*
 * plugin.c - the entry of a backend plugin of the shared library
 * (schemac-postgresql.so, schemac-mariadb.so; runtime/meson.build builds
 * one per backend, naming it in SC_PLUGIN_BACKEND).  The plugin holds the
 * backend's file and this one; everything else comes from libschemac.so,
 * whose loader (loader.c) calls sc__plugin_entry() and checks what it
 * returns.
 */
#include "backend.h"

#if !defined(SC_PLUGIN_BACKEND) || !defined(SC_PLUGIN_ABI)
#error "plugin.c is built by runtime/meson.build, which names the backend"
#endif

extern const sc_backend SC_PLUGIN_BACKEND;

static const sc__plugin plugin = {
    SC_PLUGIN_ABI,
    SC_VERSION,
    sizeof(sc_backend),
    &SC_PLUGIN_BACKEND,
};

/* The one name a plugin exports: the other objects are hidden. */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
const sc__plugin *sc__plugin_entry(void);

const sc__plugin *sc__plugin_entry(void)
{
    return &plugin;
}
