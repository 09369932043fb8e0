#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A pod recorded with `smemcg record` (docs/record.md): a pause container
# holds the pod; "db" builds an SQLite database of about 50 MiB (written
# with write(2): its page cache is charged to db) and exits; "report"
# maps the database (PRAGMA mmap_size) and aggregates it twice; "batch"
# sorts 60 MiB of text; db's cgroup is removed while report still maps its
# pages. Needs root, sqlite3 and a cgroup filesystem with the memory
# controller. Writes pod.smc in the current directory.
#   usage: examples/record_pod.sh [SMEMCG]     (default ./smemcg)
set -eu
SMEMCG=${1:-./smemcg}
case $SMEMCG in /*) ;; *) SMEMCG=$(pwd)/$SMEMCG ;; esac
out=$(pwd)/pod.smc
. "$(dirname "$0")/../tests/record/cgroup.sh"
make_cgroup_parent demo-pod
[ -n "$cgparent" ] || { echo "record_pod: $why" >&2; exit 77; }
pod=$cgparent
work=$(mktemp -d "$(pwd)/demo-pod-data.XXXXXX")
pause=""
cleanup() {
	set +e
	[ -n "$pause" ] && kill "$pause" 2>/dev/null && wait "$pause"
	rm -rf "$work"
	for d in "$pod"/*/; do rmdir "$d" 2>/dev/null; done
	rmdir "$pod" 2>/dev/null
}
trap cleanup EXIT
mkdir "$pod/pause" "$pod/db" "$pod/report" "$pod/batch"
# run CGROUP COMMAND...: the command in that cgroup of the pod
run() {
	cg=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$pod/$cg" "$@"
}

"$SMEMCG" record --cgroup "${pod#"$mnt"}" --interval 500ms -o "$out" &
rec=$!
# (run's own shell: $! must be the process that execs the command)
sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$pod/pause" sleep 3600 &
pause=$!
sleep 1
cat >"$work/build.sql" <<'EOF'
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, item TEXT, amount REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600000)
INSERT INTO orders SELECT i, i % 5000, 'item-' || (i * 7919 % 100000), (i % 977) / 10.0 FROM n;
EOF
run db sqlite3 "$work/shop.db" <"$work/build.sql"
sleep 1
# report keeps the database mapped while it works, and a while after
sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$pod/report" \
	sqlite3 -cmd 'PRAGMA mmap_size=268435456' "$work/shop.db" >/dev/null <<'EOF' &
SELECT customer % 10, count(*), sum(amount) FROM orders GROUP BY 1;
SELECT item, sum(amount) FROM orders GROUP BY item ORDER BY 2 DESC LIMIT 3;
.shell sleep 6
EOF
report=$!
seq 1 3000000 | awk '{ print ($1 * 7919) % 1000003, "line", $1 }' >"$work/lines.txt"
run batch sort -n "$work/lines.txt" >/dev/null
rmdir "$pod/db"
wait $report
kill $pause
{ wait $pause; } 2>/dev/null || true
pause=""
wait $rec
