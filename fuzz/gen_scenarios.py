#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Grammar-based generator of random valid scenarios, run with the invariant checker.

Each scenario is written from the grammar of the scenario language
(docs/scenario.md): every statement, every control file the model has, a
`policy` line with one value of every key. It is run with
`smemcg run --check` (the invariant checker after every statement). A
statement that fails, as random ones do (ENOMEM, EBUSY, ESRCH...), is
rewritten into `expect-error ERRNO STATEMENT` (inside a repeat block it is
dropped) and the scenario is run again from the start, until it runs to its
end: what is left is a valid scenario, reproducible on its own. A finding is
a broken invariant, a crash, a sanitizer report, a load error of a
generated scenario (a bug of the generator or the parser) or a run over the
time limit; it is saved, with a minimised copy, under --out.

Usage:
  fuzz/gen_scenarios.py --smemcg build/smemcg [--seed N] [--count N | --duration S]
                        [--sets default|pairwise|all|KEY=V,KEY=V...] [--out DIR]

--sets pairwise (the default for --duration) is a covering set of the seven
policy keys, the kernel baseline included: every pair of values of two keys
occurs in some set (32 sets, against 1536 for the cross product: recharge
has 8 values, smemcg 4, kmem 3, the others 2); --sets all is the cross
product. --duration S runs each set for S
seconds; --count N runs N scenarios of each set (deterministic for a seed).
Exit status: 0 no finding, 1 findings, 2 usage.
"""
import argparse
import itertools
import os
import random
import re
import subprocess
import sys
import tempfile
import time

# Every key and value of `smemcg run --help`, 6.1's first.
POLICIES = [
    ("recharge", ["none", "reparent", "evict", "mapper", "mapper-mayfail", "deferred", "auto",
                  "objcg"]),
    ("smemcg", ["borrow", "full", "borrow-fail", "full-fail"]),
    ("owner", ["mm-owner", "mm-memcg"]),
    ("shared", ["owner", "common-ancestor"]),
    ("kmem", ["on", "off", "limited"]),
    ("stock", ["on", "off"]),
    ("kernel", ["6.1", "6.12"]),
]


def pairwise_sets():
    """A covering set: every pair of values of two keys in some row (greedy)."""
    keys = [k for k, _ in POLICIES]
    rows = list(itertools.product(*[v for _, v in POLICIES]))
    need = set()
    for (i, (_, vi)), (j, (_, vj)) in itertools.combinations(enumerate(POLICIES), 2):
        for a in vi:
            for b in vj:
                need.add((i, a, j, b))
    chosen = []
    while need:
        best, gain = None, -1
        for r in rows:
            g = sum(1 for (i, a, j, b) in need if r[i] == a and r[j] == b)
            if g > gain:
                best, gain = r, g
        chosen.append(best)
        need = {(i, a, j, b) for (i, a, j, b) in need if not (best[i] == a and best[j] == b)}
    return [dict(zip(keys, r)) for r in chosen]


def policy_sets(spec):
    if spec == "default":
        return [{k: v[0] for k, v in POLICIES}]
    if spec == "pairwise":
        return pairwise_sets()
    if spec == "all":
        keys = [k for k, _ in POLICIES]
        return [dict(zip(keys, r)) for r in itertools.product(*[v for _, v in POLICIES])]
    sets = []
    for one in spec.split(";"):
        d = {k: v[0] for k, v in POLICIES}
        for kv in one.split(","):
            k, _, v = kv.partition("=")
            d[k] = v
        sets.append(d)
    return sets


def set_name(ps):
    return ",".join("%s=%s" % (k, ps[k]) for k, _ in POLICIES)


SIZES = ["4K", "8K", "16K", "64K", "128K", "256K", "1M", "2M", "4M", "8M", "16M"]
CACHES = ["dentry", "inode", "task_struct", "sock", "pipe", "bytes:64", "bytes:4K", "bytes:100K"]
DEVICES = ["/dev/vfio", "/dev/rdma", "/dev/iouring"]
SIGNALS = ["SIGKILL", "SIGTERM", "SIGBUS", "SIGSEGV", "SIGHUP", "SIGSTOP", "SIGCONT",
           "SIGCHLD", "SIGWINCH", "SIGUSR1", "9", "15", "17", "19", "28", "34"]
READ_FILES = ["memory.current", "memory.stat", "memory.events", "memory.events.local",
              "memory.swap.current", "memory.swap.events", "memory.peak", "memory.numa_stat",
              "memory.kmem.current", "memory.smemcg", "pins.current", "pins.events",
              "cgroup.stat", "cgroup.procs", "cgroup.events", "cgroup.controllers",
              "cgroup.subtree_control", "memory.max", "memory.high", "memory.low",
              "memory.min", "memory.zswap.current"]
STAT_KEYS = [("memory.stat", "anon"), ("memory.stat", "file"), ("memory.stat", "shmem"),
             ("memory.stat", "kernel"), ("memory.stat", "file_dirty"),
             ("memory.stat", "swapcached"), ("memory.events", "oom_kill"),
             ("memory.events", "max"), ("cgroup.stat", "nr_dying_descendants")]


class Gen:
    """One random scenario; state is tracked loosely (failures are rewritten later)."""

    def __init__(self, rng, ps, length):
        self.r = rng
        self.ps = ps
        self.length = length
        self.cgroups = ["/"]
        self.ctrl = {"/": set()}
        self.procs = {}          # name -> {"maps": set, "fds": set}
        self.mounts = []
        self.files = []
        self.smemcgs = []
        self.bufs = []
        self.fd_names = set()
        self.out = []

    # -- helpers --
    def pick(self, seq):
        return self.r.choice(seq)

    def size(self, big=False):
        s = self.pick(SIZES)
        return self.pick(["32M", "64M"]) if big and self.r.random() < 0.3 else s

    def cg(self):
        return self.pick(self.cgroups)

    def cg_file(self, name):
        c = self.cg()
        return ("" if c == "/" else c) + "/" + name

    def proc(self):
        return self.pick(sorted(self.procs)) if self.procs else None

    def new_proc_name(self):
        return "p%d" % self.r.randrange(6)

    def path(self):
        if self.files and self.r.random() < 0.6:
            return self.pick(self.files)
        base = self.pick(self.mounts) if self.mounts and self.r.random() < 0.5 else "/data"
        if self.r.random() < 0.2:
            base += "/d%d" % self.r.randrange(2)
        p = "%s/f%d" % (base, self.r.randrange(6))
        if p not in self.files:
            self.files.append(p)
        return p

    def name(self, names, new, prefix, n):
        """One of names, or (new) a name PREFIX0..PREFIXn-1, added to them."""
        if not new and names:
            return self.pick(sorted(names))
        name = "%s%d" % (prefix, self.r.randrange(n))
        names.add(name)
        return name

    def map_name(self, p, new):
        return self.name(self.procs[p]["maps"], new, "m", 6)

    def fd_name(self, p, new):
        n = self.name(self.procs[p]["fds"], new, "f", 4)
        self.fd_names.add(n)
        return n

    # -- the header --
    def header(self):
        mem = self.pick(["16M", "32M", "64M", "128M", "256M"])
        line = "machine memory=%s" % mem
        if self.r.random() < 0.7:
            line += " swap=%s" % self.pick(["8M", "32M", "128M"])
        line += " cpus=%d" % self.r.randint(1, 4)
        if self.r.random() < 0.2:
            line += " nodes=%d" % self.r.randint(1, 2)
        self.out.append(line)
        opts = [o for o in ("memory_recursiveprot", "memory_localevents") if self.r.random() < 0.3]
        if opts:
            self.out.append("cgroup-options " + " ".join(opts))
        self.out.append("policy " + " ".join("%s=%s" % (k, self.ps[k]) for k, _ in POLICIES))
        self.out.append("write /cgroup.subtree_control +memory" +
                        (" +pins" if self.r.random() < 0.5 else ""))
        self.ctrl["/"] = {"memory"}

    # -- statements --
    def s_mkdir(self):
        parent = self.pick([c for c in self.cgroups if c.count("/") < 4 or c == "/"])
        name = ("" if parent == "/" else parent) + "/c%d" % self.r.randrange(5)
        if name not in self.cgroups:
            self.cgroups.append(name)
            self.ctrl[name] = set()
        return "mkdir " + name

    def s_rmdir(self):
        leaves = [c for c in self.cgroups[1:]
                  if not any(d.startswith(c + "/") for d in self.cgroups)]
        if not leaves:
            return None
        c = self.pick(leaves)
        self.cgroups.remove(c)
        return "rmdir " + c

    def s_subtree(self):
        c = self.cg()
        ctl = self.pick(["memory", "pins"])
        sign = "+" if self.r.random() < 0.7 else "-"
        return "write %s %s%s" % (self.cg_file("cgroup.subtree_control"), sign, ctl)

    def s_write_limit(self):
        f = self.pick(["memory.max", "memory.high", "memory.low", "memory.min",
                       "memory.swap.max", "memory.swap.high", "memory.kmem.max", "pins.max",
                       "memory.zswap.max"])
        v = "max" if self.r.random() < 0.2 else self.size(big=True)
        return "write %s %s" % (self.cg_file(f), v)

    def s_write_misc(self):
        choice = self.r.randrange(8)
        if choice == 0:
            return "write %s %s" % (self.cg_file("memory.reclaim"), self.size())
        if choice == 1:
            return "write %s %d" % (self.cg_file("memory.oom.group"), self.r.randrange(2))
        if choice == 2:
            return "write %s %d" % (self.cg_file("memory.move_charge_at_immigrate"),
                                    self.pick([0, 1, 3]))
        if choice == 3 and self.smemcgs:
            return "write %s %s%s" % (self.cg_file("memory.smemcg"),
                                      self.pick("+-"), self.pick(self.smemcgs))
        if choice == 4:
            return "write %s %s" % (self.cg_file(self.pick(["cgroup.max.descendants",
                                                             "cgroup.max.depth"])),
                                    self.pick(["max", "2", "10"]))
        if choice == 5 and self.r.random() < 0.2:
            return "write %s 1" % self.cg_file("cgroup.kill")
        if choice == 6 and self.smemcgs:
            s = self.pick(self.smemcgs)
            if self.r.random() < 0.5:
                return "write @%s/memory.max %s" % (s, self.size(big=True))
            return "write @%s/borrow.max %s %s" % (s, self.cg(), self.size())
        return None

    def s_read(self):
        if self.smemcgs and self.r.random() < 0.15:
            return "read @%s/%s" % (self.pick(self.smemcgs),
                                     self.pick(["memory.current", "memory.stat", "attached",
                                                "memory.events", "borrow.max"]))
        if self.r.random() < 0.1:
            return "read " + self.pick(["/proc/zombies", "/proc/mounts", "/proc/zombie_holders"])
        return "read " + self.cg_file(self.pick(READ_FILES))

    def s_expect(self):
        k = self.r.randrange(4)
        if k == 0 and self.procs:
            return "expect %s %s" % (self.proc(), self.pick(["alive", "exited", "killed"]))
        if k == 1:
            f, key = self.pick(STAT_KEYS)
            return "expect %s %s >= 0" % (self.cg_file(f), key)
        if k == 2:
            return "expect %s ~ %s %s" % (self.cg_file("memory.current"), self.size(),
                                          self.pick(["", "10%", "1M"]))
        return "expect %s %s %s" % (self.cg_file("memory.current"),
                                     self.pick(["==", "!=", "<", "<=", ">", ">="]), self.size())

    def s_spawn(self):
        n = self.new_proc_name()
        c = self.cg()
        self.procs[n] = {"maps": set(), "fds": set(), "cg": c}
        cpu = " cpu=%d" % self.r.randrange(2) if self.r.random() < 0.3 else ""
        return "spawn %s %s%s" % (n, c, cpu)

    def s_fork(self):
        p = self.proc()
        if not p:
            return None
        c = self.new_proc_name()
        if c == p:
            return None
        vm = self.r.random() < 0.3
        self.procs[c] = {"maps": self.procs[p]["maps"] if vm else set(self.procs[p]["maps"]),
                         "fds": set(self.procs[p]["fds"]), "cg": self.procs[p]["cg"]}
        return "%s %s %s" % ("clone-vm" if vm else "fork", p, c)

    def s_proc_misc(self):
        p = self.proc()
        if not p:
            return None
        k = self.r.randrange(10)
        if k < 4:
            self.procs[p]["cg"] = self.cg()
            return "move %s %s" % (p, self.procs[p]["cg"])
        if k == 4:
            del self.procs[p]
            return "exit " + p
        if k == 5:
            sig = self.pick(SIGNALS) if self.r.random() < 0.7 else "SIGKILL"
            if sig not in ("SIGSTOP", "SIGCONT", "SIGCHLD", "SIGWINCH", "17", "19", "28"):
                del self.procs[p]
            return "kill %s %s" % (p, sig)
        if k == 6:
            return "%s oom_score_adj %d" % (p, self.pick([-1000, -500, 0, 300, 1000]))
        if k == 7:
            return "%s setrlimit %s" % (p, self.pick(["memlock 64K", "memlock unlimited",
                                                     "memlock 8M", "nofile 4", "nofile 2048"]))
        if k == 8:
            return "%s cap ipc_lock" % p
        return "explain " + self.cg()

    def s_mmap(self):
        p = self.proc()
        if not p:
            return None
        m = self.map_name(p, True)
        if self.r.random() < 0.5:
            return "%s mmap %s anon %s%s" % (p, m, self.size(big=True),
                                             " shared" if self.r.random() < 0.3 else "")
        extra = ""
        if self.r.random() < 0.6:
            extra += " " + self.pick(["shared", "private"])
        if self.r.random() < 0.2:
            extra += " offset=%s" % self.pick(["0", "4K", "64K", "1M"])
        return "%s mmap %s file %s %s%s" % (p, m, self.path(), self.size(big=True), extra)

    def s_touch(self):
        p = self.proc()
        if not p or not self.procs[p]["maps"]:
            return None
        m = self.map_name(p, False)
        k = self.r.randrange(8)
        if k < 4:
            return "%s touch %s%s" % (p, m, " ro" if self.r.random() < 0.3 else "")
        if k == 4:
            return "%s touch %s %s %s%s" % (p, m, self.pick(["0", "4K", "64K"]), self.size(),
                                          " ro" if self.r.random() < 0.3 else "")
        if k == 5:
            self.procs[p]["maps"].discard(m)
            return "%s munmap %s" % (p, m)
        return "%s %s %s" % (p, self.pick(["mlock", "munlock"]), m)

    def s_file(self):
        p = self.proc()
        if not p:
            return None
        k = self.r.randrange(9)
        path = self.path()
        if k < 3:
            return "%s write %s %s %s" % (p, path, self.pick(["0", "4K", "1M"]), self.size(big=True))
        if k < 5:
            return "%s read %s 0 %s" % (p, path, self.size(big=True))
        if k == 5:
            return "%s truncate %s %s" % (p, path, self.pick(["0", "4K", "1M", "16M"]))
        if k == 6:
            return "%s unlink %s" % (p, path)
        if k == 7:
            base = self.pick(self.mounts) if self.mounts and self.r.random() < 0.5 else "/data"
            return "%s mkdir %s/d%d" % (p, base, self.r.randrange(3))
        # under a regular file: ENOTDIR
        return "%s write %s/x 0 4K" % (p, path)

    def s_mount(self):
        p = self.proc()
        if not p:
            return None
        k = self.r.randrange(4)
        if k == 0 and self.mounts:
            d = self.pick(self.mounts)
            self.mounts.remove(d)
            self.files = [f for f in self.files if not f.startswith(d + "/")]
            return "%s umount %s" % (p, d)
        if k == 1 and self.mounts:
            return "%s remount %s memcg=%s" % (p, self.pick(self.mounts), self.cg())
        d = "/t%d" % self.r.randrange(3)
        if d not in self.mounts:
            self.mounts.append(d)
        fs = self.pick(["tmpfs", "tmpfs", "ext4"])
        opts = ""
        if fs == "tmpfs" and self.r.random() < 0.5:
            opts += " size=%s" % self.size(big=True)
        if self.r.random() < 0.4:
            opts += " memcg=%s" % self.cg()
        elif self.smemcgs and self.r.random() < 0.4:
            opts += " smemcg=%s" % self.pick(self.smemcgs)
        return "%s mount %s %s%s" % (p, fs, d, opts)

    def s_kmem(self):
        p = self.proc()
        if not p:
            return None
        return "%s %s %s %d" % (p, self.pick(["kmalloc", "kmalloc", "kfree"]), self.pick(CACHES),
                                self.pick([1, 10, 100, 1000]))

    def s_pins(self):
        p = self.proc()
        if not p:
            return None
        k = self.r.randrange(6)
        if k < 2 or not self.procs[p]["fds"]:
            keep = " keep-pins" if self.r.random() < 0.3 else ""
            return "%s open %s %s%s" % (p, self.fd_name(p, True), self.pick(DEVICES), keep)
        fd = self.fd_name(p, False)
        if k < 4 and self.procs[p]["maps"]:
            m = self.map_name(p, False)
            rng = " 0 %s" % self.pick(["4K", "64K", "1M"]) if self.r.random() < 0.5 else ""
            return "%s %s %s %s%s" % (p, self.pick(["pin", "pin", "unpin"]), fd, m, rng)
        if k == 4:
            self.procs[p]["fds"].discard(fd)
            return "%s close %s" % (p, fd)
        return "%s release %s" % (p, self.pick(sorted(self.fd_names)))

    def s_smemcg(self):
        k = self.r.randrange(5)
        if k == 0 and self.smemcgs:
            s = self.pick(self.smemcgs)
            self.smemcgs.remove(s)
            return "smemcg destroy " + s
        p = self.proc()
        if k >= 3 and p:
            if k == 4 and self.bufs and self.r.random() < 0.7:
                return "%s import %s %s" % (p, self.pick(self.bufs), self.map_name(p, True))
            b = "b%d" % self.r.randrange(4)
            if b not in self.bufs:
                self.bufs.append(b)
            sm = " smemcg=%s" % self.pick(self.smemcgs) if self.smemcgs and self.r.random() < 0.6 else ""
            return "%s dmabuf %s %s%s" % (p, b, self.size(), sm)
        s = "s%d" % self.r.randrange(3)
        if s not in self.smemcgs:
            self.smemcgs.append(s)
        return "smemcg create %s%s" % (s, " max=%s" % self.size(big=True) if self.r.random() < 0.5 else "")

    def s_sleep(self):
        return "sleep %s" % self.pick(["1ms", "100ms", "1s", "5s", "40s", "2min"])

    def s_repeat(self):
        p = self.proc()
        if not p:
            return None
        n = self.pick([2, 3, 8, 20])
        body = self.pick([
            ["%s write /data/r$i 0 %s" % (p, self.pick(["4K", "64K", "256K"]))],
            ["%s kmalloc dentry 10" % p, "%s kfree dentry 5" % p],
            ["mkdir /r$i", "rmdir /r$i"],
            ["%s mkdir /data/rd$i" % p],
            ["%s mmap r$i anon 64K" % p, "%s touch r$i" % p, "%s munmap r$i" % p],
            ["sleep 10ms", "read /memory.stat"],
        ])
        return ["repeat %d" % n] + body + ["end"]

    # -- idioms: sequences that reach states single random statements rarely do --
    def i_evacuate(self):
        """Move the processes of a leaf cgroup to its parent, then rmdir it."""
        leaves = [c for c in self.cgroups[1:]
                  if not any(d.startswith(c + "/") for d in self.cgroups)]
        if not leaves:
            return None
        c = self.pick(leaves)
        parent = c.rsplit("/", 1)[0] or "/"
        out = []
        for n, pr in sorted(self.procs.items()):
            if pr["cg"] == c:
                pr["cg"] = parent
                out.append("move %s %s" % (n, parent))
        self.cgroups.remove(c)
        out.append("rmdir " + c)
        if self.r.random() < 0.5:
            out.append(self.s_sleep())
        return out

    def i_swap_cycle(self):
        """Fault a mapping in, reclaim its cgroup, fault it back (read or write)."""
        p = self.proc()
        if not p:
            return None
        m = self.map_name(p, True)
        c = self.procs[p]["cg"]
        f = ("" if c == "/" else c)
        out = ["%s mmap %s anon %s" % (p, m, self.pick(["64K", "1M", "4M"])),
               "%s touch %s" % (p, m),
               "write %s/memory.reclaim %s" % (f, self.pick(["1M", "8M", "64M"]))]
        if self.r.random() < 0.5 and len(self.cgroups) > 1:
            self.procs[p]["cg"] = self.cg()
            out.append("move %s %s" % (p, self.procs[p]["cg"]))
        out.append("%s touch %s%s" % (p, m, " ro" if self.r.random() < 0.6 else ""))
        return out

    def i_toggle(self):
        """Take the memory controller away from a parent's children, and back."""
        parents = [c for c in self.cgroups if any(d.startswith(c.rstrip("/") + "/") and d != c
                                                  for d in self.cgroups)]
        if not parents:
            return None
        c = self.pick(parents)
        f = ("" if c == "/" else c) + "/cgroup.subtree_control"
        out = ["write %s -memory" % f]
        out.extend(self.pick([[], [self.s_touch() or "sleep 1ms"], [self.s_kmem() or "sleep 1ms"],
                              [self.s_file() or "sleep 1ms"]]))
        if self.r.random() < 0.7:
            out.append("write %s +memory" % f)
        return out

    def s_echo(self):
        return "echo step %d" % len(self.out)

    WEIGHTS = [
        ("s_mkdir", 6), ("s_rmdir", 3), ("s_subtree", 4), ("s_write_limit", 6),
        ("s_write_misc", 4), ("s_read", 3), ("s_expect", 3), ("s_spawn", 5), ("s_fork", 3),
        ("s_proc_misc", 6), ("s_mmap", 8), ("s_touch", 12), ("s_file", 8), ("s_mount", 3),
        ("s_kmem", 3), ("s_pins", 5), ("s_smemcg", 3), ("s_sleep", 3), ("s_repeat", 2),
        ("s_echo", 1), ("i_evacuate", 3), ("i_swap_cycle", 3), ("i_toggle", 2),
    ]

    def generate(self):
        self.header()
        names = [n for n, _ in self.WEIGHTS]
        weights = [w for _, w in self.WEIGHTS]
        # a start that has something to work with
        for _ in range(2):
            self.out.append(self.s_mkdir())
        self.out.append(self.s_spawn())
        while len(self.out) < self.length:
            st = getattr(self, self.r.choices(names, weights)[0])()
            if st is None:
                continue
            if isinstance(st, list):
                self.out.extend(st)
            else:
                self.out.append(st)
        return self.out


# ---- running ----

STOP_RE = re.compile(r"^not ok \d+ - .*\(line (\d+); (?:failed with (\S+?)(?::|\))|not supported yet)")
LOAD_RE = re.compile(r":(\d+):\d+: error: (.*)")
SAN_RE = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer")


class Result:
    def __init__(self):
        self.kind = None      # None (ran to the end), "stop", "finding"
        self.line = None
        self.errno = None
        self.what = ""


WRAP = []     # a command prefix for smemcg (--wrap: valgrind)


def run_once(smemcg, lines, tmpdir, timeout):
    path = os.path.join(tmpdir, "s.smc")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    res = Result()
    try:
        p = subprocess.run(WRAP + [smemcg, "run", "--check", "--quiet", path], capture_output=True,
                           text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        res.kind, res.what = "finding", "timeout: over %d s" % timeout
        return res
    if p.returncode < 0 or p.returncode > 2 or SAN_RE.search(p.stderr):
        res.kind = "finding"
        m = SAN_RE.search(p.stderr)
        res.what = "crash: status %d%s" % (p.returncode, ": " + p.stderr[m.start():m.start() + 200]
                                           .split("\n")[0] if m else "")
        return res
    if p.returncode == 2:
        m = LOAD_RE.search(p.stderr)
        res.kind, res.what = "finding", "load error: " + (p.stderr.strip().split("\n")[0])
        if m:
            res.line = int(m.group(1))
        return res
    for l in p.stdout.split("\n"):
        if "invariant broken" in l:
            res.kind = "finding"
            res.what = "invariant: " + l.split("invariant broken: ", 1)[1]
            m = STOP_RE.match(l)
            res.line = int(m.group(1)) if m else None
            return res
        m = STOP_RE.match(l)
        if m:
            res.kind, res.line, res.errno = "stop", int(m.group(1)), m.group(2)
            return res
    return res


def block_of(lines):
    """For each line, the index of its enclosing `repeat` line, or -1."""
    stack, owner = [], []
    for i, l in enumerate(lines):
        owner.append(stack[-1] if stack else -1)
        w = l.split()
        if w and w[0] == "repeat":
            stack.append(i)
        elif w and w[0] == "end" and stack:
            stack.pop()
    return owner


def settle(smemcg, lines, tmpdir, timeout, stats):
    """Rewrite failing statements until the scenario runs to its end or finds something."""
    for _ in range(len(lines) * 2 + 10):
        stats["runs"] += 1
        res = run_once(smemcg, lines, tmpdir, timeout)
        if res.kind != "stop":
            return lines, res
        i = res.line - 1
        owner = block_of(lines)[i]
        if owner >= 0 or res.errno is None or res.errno == "E?" or \
                lines[i].startswith("expect-error"):
            del lines[i]
            if owner >= 0 and lines[owner + 1].split()[0] == "end":
                del lines[owner:owner + 2]
        else:
            lines[i] = "expect-error %s %s" % (res.errno, lines[i])
        stats["rewritten"] += 1
    return lines, Result()


def same_finding(a, b):
    def key(r):
        w = r.what
        w = re.sub(r"\d+", "N", w)
        return w.split(":")[0] + ":" + (w.split(":")[1] if ":" in w else "")
    return b.kind == "finding" and key(a) == key(b)


def minimise(smemcg, lines, found, tmpdir, timeout, budget=400):
    """Drop lines (and whole repeat blocks) while the same finding stays."""
    runs = 0
    chunk = max(1, len(lines) // 4)
    while chunk >= 1 and runs < budget:
        i, changed = 4, False     # keep the header lines
        while i < len(lines) and runs < budget:
            cand = lines[:i] + lines[i + chunk:]
            if sum(1 for l in cand if l.startswith("repeat")) != sum(1 for l in cand if l == "end"):
                i += chunk
                continue
            runs += 1
            if same_finding(found, run_once(smemcg, cand, tmpdir, timeout)):
                lines, changed = cand, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smemcg", default="build/smemcg")
    ap.add_argument("--seed", type=int, default=None)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--count", type=int, help="scenarios per policy set")
    g.add_argument("--duration", type=float, help="seconds per policy set")
    ap.add_argument("--sets", default=None, help="default | pairwise | all | K=V,K=V;K=V...")
    ap.add_argument("--length", type=int, default=120, help="statements per scenario")
    ap.add_argument("--out", default="build/gen-scenarios")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per run")
    ap.add_argument("--wrap", default="", help="a command prefix for smemcg, e.g. valgrind")
    ap.add_argument("--shard", default="1/1",
                    help="K/N: the K-th of N interleaved parts of the sets (for N jobs)")
    ap.add_argument("--print-sets", action="store_true")
    ap.add_argument("--tap", action="store_true",
                    help="TAP: a point per policy set, not ok when it found something")
    a = ap.parse_args()
    WRAP[:] = a.wrap.split()
    if a.count is None and a.duration is None:
        a.count = 10
    sets = policy_sets(a.sets or ("pairwise" if a.duration else "default"))
    k, _, n = a.shard.partition("/")
    # each set keeps its number in the whole list: its seed, whatever the shard
    sets = [(i, ps) for i, ps in enumerate(sets) if i % int(n) == int(k) - 1]
    if a.print_sets:
        for _, ps in sets:
            print(set_name(ps))
        return 0
    seed = a.seed if a.seed is not None else int(time.time())
    os.makedirs(a.out, exist_ok=True)
    findings = 0
    total = {"scenarios": 0, "statements": 0, "runs": 0, "rewritten": 0}
    say = (lambda t: print("# " + t)) if a.tap else print
    if a.tap:
        print("TAP version 13")
    say("gen-scenarios: seed %d, %d policy set(s), %s each, %s" %
        (seed, len(sets), "%d scenarios" % a.count if a.count else "%g s" % a.duration,
         a.smemcg))
    with tempfile.TemporaryDirectory() as tmpdir:
        for si, (set_no, ps) in enumerate(sets):
            rng = random.Random("%d/%d" % (seed, set_no))
            stats = {"scenarios": 0, "statements": 0, "runs": 0, "rewritten": 0}
            found_here = []
            t0 = time.time()
            n = 0
            while (a.count is not None and n < a.count) or \
                    (a.duration is not None and time.time() - t0 < a.duration):
                lines = Gen(rng, ps, a.length).generate()
                lines, res = settle(a.smemcg, lines, tmpdir, a.timeout, stats)
                stats["scenarios"] += 1
                stats["statements"] += len(lines)
                n += 1
                if res.kind == "finding":
                    findings += 1
                    name = os.path.join(a.out, "finding-%d-%d-%d" % (seed, si, n))
                    with open(name + ".smc", "w") as f:
                        f.write("# %s\n# %s\n" % (set_name(ps), res.what))
                        f.write("\n".join(lines) + "\n")
                    small = minimise(a.smemcg, list(lines), res, tmpdir, a.timeout)
                    with open(name + ".min.smc", "w") as f:
                        f.write("# %s\n# %s\n" % (set_name(ps), res.what))
                        f.write("\n".join(small) + "\n")
                    found_here.append("%s (%s.min.smc, %d lines)" % (res.what, name, len(small)))
            for k in total:
                total[k] += stats[k]
            line = ("set %d/%d %s: %d scenarios, %d statements, %d runs, %d rewritten, "
                    "%d findings" % (si + 1, len(sets), set_name(ps), stats["scenarios"],
                                     stats["statements"], stats["runs"], stats["rewritten"],
                                     len(found_here)))
            if a.tap:
                print("%s %d - %s" % ("not ok" if found_here else "ok", si + 1, line))
            else:
                print("%s, %.0f s" % (line, time.time() - t0))
            for f in found_here:
                say("  finding: " + f)
            sys.stdout.flush()
    say("gen-scenarios: %d scenarios, %d statements, %d runs, %d findings" %
        (total["scenarios"], total["statements"], total["runs"], findings))
    if a.tap:
        print("1..%d" % len(sets))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
