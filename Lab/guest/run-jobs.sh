#!/bin/bash
# run-jobs.sh - runs INSIDE the lab VM (run-in-vm.sh starts it with /mnt/share as cwd).
# Loads ZFS, makes the lab pool on the first scratch disk (for jobs that do not make their own),
# then runs the guest build of diobench with the given arguments from the pool's mountpoint, so
# that relative file names land on ZFS. Used by `diobench lab run`.
#
# Usage: run-jobs.sh [--pool NAME] [--no-pool] -- DIOBENCH_ARGUMENTS...
# The share holds bin/diobench, the job files and results/ (diobench --save writes there).
set -u
POOL=lab
while [ $# -gt 0 ]; do
    case $1 in
        --pool) POOL=$2; shift 2 ;;
        --no-pool) POOL=; shift ;;
        --) shift; break ;;
        *) echo "run-jobs.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
SHARE=$PWD
up() { cut -d' ' -f1 /proc/uptime; }
START=$(up)
say() { echo "[lab $(up)s] $*" >&2; }

modprobe zfs || { say "modprobe zfs failed"; exit 3; }
modprobe loop 2>/dev/null   # for jobs with loop devices (loop_backing)
say "zfs $(cat /sys/module/zfs/version) loaded on $(uname -r)"
# what this image's ZFS says it is, for the host's report (two builds of one version differ in srcversion)
echo "$(cat /sys/module/zfs/version) $(cat /sys/module/zfs/srcversion 2>/dev/null)" >"$SHARE/lab-zfs-version.txt"
WORK=/var/tmp
if [ -n "$POOL" ]; then
    # zpool create partitions the whole disk and waits for udev to show the partition; on a loaded
    # host (software emulation) that can time out ("no such pool or dataset"): settle and try again.
    for attempt in 1 2 3; do
        zpool create -f -o ashift=12 -O compression=off -O atime=off -m "/$POOL" "$POOL" \
            /dev/disk/by-id/virtio-scratch0 && break
        say "zpool create $POOL failed (attempt $attempt); waiting for udev"
        udevadm settle --timeout=30; sleep 2
        [ $attempt = 3 ] && exit 3
    done
    WORK=/$POOL
    say "pool $POOL on the scratch disk, mounted at /$POOL (compression=off, atime=off)"
fi
mkdir -p "$SHARE/results"
cd "$WORK" || exit 3

# A kernel crash (OpenZFS 2.3.0's oops on a loop device, issue 16956) leaves diobench's readers in D state
# for good, so diobench can never be waited for. It runs in the background; when a job crashes the kernel it
# writes its results, then one JSON line per crashed job to $MARKER, and _exits with status 4 (but, with
# threads stuck in the kernel, never ends). This script goes on when diobench ends, when the marker is
# written, or when the kernel log has a crash report and diobench has done no I/O for STUCK_GRACE seconds
# (it could not report: status 5). Then the host (run-in-vm.sh) ends the VM.
STUCK_GRACE=${STUCK_GRACE:-20}
CRASH_PATTERN='BUG:|Oops:|general protection fault|kernel BUG at|Kernel panic'
MARKER=$SHARE/lab-crash-jobs.jsonl
rm -f "$MARKER"
crash_reports() { dmesg 2>/dev/null | grep -c -E "$CRASH_PATTERN"; }
io_done() { awk '/^(rchar|wchar):/ { n += $2 } END { print n + 0 }' "/proc/$1/io" 2>/dev/null; }
REPORTS0=$(crash_reports)
T0=$(up)
DIOBENCH_CRASH_MARKER=$MARKER "$SHARE/bin/diobench" "$@" &
PID=$!
crashed=
oops_seen=
last_io=
still_since=$SECONDS
while kill -0 "$PID" 2>/dev/null; do
    if [ -s "$MARKER" ]; then
        sleep 1   # the marker comes last; let diobench's _exit go through
        crashed=reported
        break
    fi
    if [ -z "$oops_seen" ] && [ "$(crash_reports)" -gt "$REPORTS0" ]; then
        oops_seen=$SECONDS
        say "the kernel log has a crash report; waiting for diobench to report it"
    fi
    if [ -n "$oops_seen" ]; then
        io=$(io_done "$PID")
        if [ "$io" != "$last_io" ]; then last_io=$io; still_since=$SECONDS; fi
        if [ $((SECONDS - still_since)) -ge "$STUCK_GRACE" ]; then
            crashed=stuck
            break
        fi
    fi
    sleep 0.5
done
if [ -z "$crashed" ]; then
    wait "$PID"
    rc=$?
    # a crashed run whose workers were not stuck (they could be killed) ends by itself
    if [ -s "$MARKER" ]; then crashed=reported; fi
fi
if [ -z "$crashed" ]; then
    :
elif [ "$crashed" = reported ]; then
    rc=4
    say "diobench reported a kernel crash: $(cut -c1-300 "$MARKER" | head -3)"
else
    rc=5
    say "the kernel crashed and diobench did no I/O for ${STUCK_GRACE}s without reporting it; going on without it"
fi
TOOK=$(awk -v a="$T0" -v b="$(up)" 'BEGIN { printf "%.1f", b - a }')
say "diobench ended with status $rc after ${TOOK}s"
echo "script_start_s=$START boot_to_ready_s=$T0 diobench_s=$TOOK status=$rc${crashed:+ kernel_crash=$crashed}" >"$SHARE/lab-timing.txt"
sync -f "$SHARE/lab-timing.txt" 2>/dev/null
exit $rc
