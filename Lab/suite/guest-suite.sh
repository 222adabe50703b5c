#!/bin/bash
# guest-suite.sh - runs INSIDE the lab VM for the lab test suite (Tests/LabTests), in one boot.
# Each case leaves its evidence under /mnt/share/cases/<case>/: diobench's JSON results (result.json),
# its stderr, its exit status, and `zfs get`/`zpool`/kstat captures. The host-side tests assert on them;
# this script asserts nothing itself and always runs every case.
#
# Share layout (made by the host): bin/diobench, jobs/ (the project's Jobs/), suite/ (Lab/suite/).
set -u
SHARE=/mnt/share
DIOBENCH=$SHARE/bin/diobench
CASES=$SHARE/cases
rm -rf "$CASES"; mkdir -p "$CASES"
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "[suite $(up)s] $*"; }
T_START=$(up)
timing() { echo "$1 $2" >>"$CASES/timings.txt"; }

modprobe zfs || { say "modprobe zfs failed"; exit 3; }
modprobe loop 2>/dev/null   # for jobs with loop devices (loop_backing)
cat /sys/module/zfs/version >"$CASES/module-version.txt"
# zpool create partitions the whole disk and waits for udev to show the partition; on a loaded host
# (software emulation) that can time out ("no such pool or dataset"): settle and try again.
for attempt in 1 2 3; do
    zpool create -f -o ashift=12 -O compression=off -O atime=off -m /lab lab /dev/disk/by-id/virtio-scratch0 && break
    say "zpool create failed (attempt $attempt); waiting for udev"
    udevadm settle --timeout=30; sleep 2
    [ $attempt = 3 ] && exit 3
done
say "zfs $(cat /sys/module/zfs/version), pool lab on the scratch disk"
timing script_started_at_uptime "$T_START"
timing pool_ready_at_uptime "$(up)"
cd /lab || exit 3

# elapsed T0: seconds since uptime T0, one decimal
elapsed() { awk -v a="$1" -v b="$(up)" 'BEGIN { printf "%.1f", b - a }'; }
# props DATASET FILE: the properties the interrupted cases must get back, as `zfs get` shows them
props() { zfs get -Hp -o property,value,source direct,recordsize "$1" >"$2"; }
# case_dir CASE: the case's evidence folder, in $dir
case_dir() { dir=$CASES/$1; mkdir -p "$dir"; }

# run CASE DIOBENCH-ARGS...: one diobench run in the foreground, evidence in cases/CASE
run() {
    local name=$1; shift
    local dir=$CASES/$name t0 took
    mkdir -p "$dir"
    t0=$(up)
    say "case $name: diobench $*"
    "$DIOBENCH" "$@" --output-format=json --output "$dir/result.json" 2>"$dir/stderr.txt"
    echo $? >"$dir/status"
    took=$(elapsed "$t0")
    timing "$name" "$took"
    say "case $name: status $(cat "$dir/status") in ${took}s"
}

# background JOB [DATASET]: diobench runs suite/JOB in the background with evidence in $dir; sets
# $pid (diobench's own: the cases signal it) and $t0. DATASET reaches the job file as ${DATASET}.
background() {
    t0=$(up)
    DATASET=${2:-} "$DIOBENCH" run "$SHARE/suite/$1" --output-format=json --output "$dir/result.json" 2>"$dir/stderr.txt" &
    pid=$!
}

# wait_for_direct DATASET VALUE SECONDS: until `zfs get direct` shows VALUE
wait_for_direct() {
    local i
    for i in $(seq 1 $(($3 * 2))); do
        [ "$(zfs get -H -o value direct "$1" 2>/dev/null)" = "$2" ] && return 0
        sleep 0.5
    done
    return 1
}

# --- issue 4: O_DIRECT 128k reads on standard vs disabled (with --save, as `lab run` uses it) ------
run issue4 run --save --results-dir "$CASES/issue4/saved" "$SHARE/suite/issue4-direct-read.fio"

# --- issue 5: the same workloads under disabled/standard/always --------------------------------
run direct-settings run "$SHARE/jobs/zfs-direct-settings.fio"
zpool list -H -o name >"$CASES/direct-settings/pools-after.txt"
ls /var/tmp >"$CASES/direct-settings/var-tmp-after.txt"

# --- the seed's scenario: loop device over a file in a direct=always dataset --------------------
run seed run "$SHARE/jobs/seed-loop-direct-always.fio"
dmesg | grep -E 'NULL pointer|BUG:|Oops|Call Trace' >"$CASES/seed/dmesg-oops.txt"
zpool list -H -o name >"$CASES/seed/pools-after.txt"
losetup -a >"$CASES/seed/losetup-after.txt" 2>&1

# --- the dataset found from the file's mount ---------------------------------------------------
zfs create lab/found
run found run "$SHARE/suite/found-from-mount.fio"
props lab/found "$CASES/found/zfs-get-after.txt"

# --- SIGINT mid-job: direct (inherited default) and recordsize come back -------------------------
zfs create lab/sigint
case_dir sigint
props lab/sigint "$dir/zfs-get-before.txt"
say "case sigint: starting a long job, SIGINT once it runs"
background interrupted.fio lab/sigint
wait_for_direct lab/sigint always 120 && sleep 8
props lab/sigint "$dir/zfs-get-during.txt"
kill -INT $pid
wait $pid
echo $? >"$dir/status"
props lab/sigint "$dir/zfs-get-after.txt"
ls -A /run/diobench >"$dir/journals-after.txt" 2>/dev/null
timing sigint "$(elapsed "$t0")"

# --- kill -9 mid-job, then `diobench cleanup`: direct (set locally) and recordsize come back ------
zfs create -o direct=disabled lab/killed
case_dir killed
props lab/killed "$dir/zfs-get-before.txt"
say "case killed: starting a long job, kill -9 once it runs, then diobench cleanup"
background interrupted.fio lab/killed
wait_for_direct lab/killed always 120 && sleep 8
kill -9 $pid
wait $pid
echo $? >"$dir/status"
props lab/killed "$dir/zfs-get-after-kill.txt"
cat /run/diobench/*.json >"$dir/journal-after-kill.json" 2>/dev/null
# the killed run's loop-free job left only ZFS entries; autoclear and the fd's close end the rest
"$DIOBENCH" cleanup >"$dir/cleanup.txt" 2>&1
echo $? >"$dir/cleanup-status"
props lab/killed "$dir/zfs-get-after-cleanup.txt"
ls -A /run/diobench >"$dir/journals-after.txt" 2>/dev/null
timing killed "$(elapsed "$t0")"

# --- the kernel watch: a real hung task reported by the kernel during a job ----------------------
# A writer blocked on the frozen root file system sits in D state; with hung_task_timeout_secs=1 the
# kernel logs "INFO: task ... blocked for more than N seconds". Nothing of the job is on the root fs.
zfs create lab/watched
case_dir kernel-watch
background kernel-watch.fio
wait_for_direct lab/watched always 120 && sleep 3
echo 1 >/proc/sys/kernel/hung_task_timeout_secs
fsfreeze -f /
( echo blocked >/var/tmp/kernel-watch-probe ) &
writer=$!
sleep 5
fsfreeze -u /
wait $writer
echo 120 >/proc/sys/kernel/hung_task_timeout_secs
wait $pid
echo $? >"$dir/status"
rm -f /var/tmp/kernel-watch-probe
timing kernel-watch "$(elapsed "$t0")"

# --- issue 15: OpenZFS's performance suite, its fio jobs unchanged, under fio and diobench ----------
# The jobs come from Debian's zfs-test package; the variables are those perf.shlib exports (smaller sizes
# and runtimes), on datasets made with the suite's PERF_FS_OPTS. Each tool gets its own dataset. Evidence:
# <job>-d<DIRECT>-<tool>.json and .status, mkfiles' bytes (sha256, gzip -1 sizes) and `zfs get`.
PERF_FIO=/usr/share/zfs/zfs-tests/tests/perf/fio
case_dir perf-suite
if [ ! -d "$PERF_FIO" ]; then
    echo "$PERF_FIO is missing: the image has no zfs-test package" >"$dir/missing"
else
    t0=$(up)
    ls "$PERF_FIO" >"$dir/jobs.txt"
    export RUNTIME=2 PERF_RANDSEED=1234 RANDSEED=1234 PERF_COMPPERCENT=66 COMPPERCENT=66 \
        PERF_COMPCHUNK=4096 COMPCHUNK=4096 NUMJOBS=2 FILE_SIZE=16m FILESIZE=16m SYNC_TYPE=0 BLOCKSIZE=128k
    for tool in fio diobench; do
        zfs create -o recsize=8k -o compress=lz4 -o checksum=sha256 -o redundant_metadata=most "lab/perf-$tool"
    done
    # perf_tool TOOL JOB DIRECT: one job file under one tool, on that tool's dataset
    perf_tool() {
        local out=$dir/$2-d$3-$1
        if [ "$1" = fio ]; then
            DIRECTORY=/lab/perf-fio DIRECT=$3 fio --output-format=json --output "$out.json" "$PERF_FIO/$2.fio" \
                2>"$out.stderr"
        else
            DIRECTORY=/lab/perf-diobench DIRECT=$3 "$DIOBENCH" run --output-format=json --output "$out.json" \
                "$PERF_FIO/$2.fio" 2>"$out.stderr"
        fi
        echo $? >"$out.status"
    }
    for tool in fio diobench; do perf_tool "$tool" mkfiles 0; done
    sync
    for tool in fio diobench; do
        for f in /lab/perf-$tool/file*; do
            echo "$(basename "$f") $(stat -c %s "$f") $(sha256sum <"$f" | cut -c1-64) $(gzip -1 <"$f" | wc -c)"
        done >"$dir/mkfiles-$tool.txt"
        zfs get -Hp -o property,value used,logicalused,compressratio "lab/perf-$tool" >"$dir/zfs-$tool.txt"
    done
    for job in random_reads sequential_reads random_writes sequential_writes random_readwrite \
        random_readwrite_fixed sequential_readwrite; do
        for direct in 0 1; do
            for tool in fio diobench; do perf_tool "$tool" "$job" "$direct"; done
        done
    done
    timing perf-suite "$(elapsed "$t0")"
fi

# --- live captures for the ZFS module's parsers --------------------------------------------------
case_dir live; mkdir -p "$dir/kstat"
cp /proc/spl/kstat/zfs/lab/iostats /proc/spl/kstat/zfs/lab/objset-* "$dir/kstat/"
# the same values as the shell reads them, to compare with the Swift parser
awk 'NR > 2 && NF >= 3 { print $1, $3 }' /proc/spl/kstat/zfs/lab/iostats >"$dir/iostats-awk.txt"
for f in /proc/spl/kstat/zfs/lab/objset-*; do
    awk '$1 == "dataset_name" { print $3 }' "$f"
done | sort >"$dir/objset-datasets.txt"
zpool events -H lab >"$dir/zpool-events.txt" 2>&1
zfs get -Hp -o property,value,source all lab/found >"$dir/zfs-get-all.txt"
zfs list -H -o name -r lab >"$dir/zfs-list.txt"
cat /proc/self/mountinfo >"$dir/mountinfo.txt"
stat -f -c '%t' /lab/found >"$dir/statfs-type.txt"
zfs version >"$dir/zfs-version.txt" 2>&1

timing total "$(elapsed "$T_START")"
say "all cases done"
exit 0
