/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The proposals built into the model: one line per module, each a file
 * src/ext/NAME.c exporting `const struct ext_ops NAME_ext_ops`. The order
 * is the order in which the core calls them (hooks.h). No include guard:
 * hooks.h and modules.c expand the list with their own EXT_MODULE().
 */
EXT_MODULE(kmem_limit)
EXT_MODULE(mm_memcg)
EXT_MODULE(move_charge)
EXT_MODULE(shmcg)
EXT_MODULE(pins_cgroup)
EXT_MODULE(dmabuf)
EXT_MODULE(remote)
EXT_MODULE(recharge)
EXT_MODULE(recharge_objcg)
