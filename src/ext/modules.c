// SPDX-License-Identifier: GPL-2.0-only
/*
 * ext_modules[]: the table the core walks for lifecycle callbacks
 * (hooks.h), built from the list in modules.h.
 */
#include "hooks.h"

#define EXT_MODULE(name) extern const struct ext_ops name##_ext_ops;
#include "modules.h"
#undef EXT_MODULE

const struct ext_ops *const ext_modules[EXT_NR] = {
#define EXT_MODULE(name) [EXT_##name] = &name##_ext_ops,
#include "modules.h"
#undef EXT_MODULE
};
