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
T0=$(up)
"$SHARE/bin/diobench" "$@"
rc=$?
TOOK=$(awk -v a="$T0" -v b="$(up)" 'BEGIN { printf "%.1f", b - a }')
say "diobench exited with status $rc after ${TOOK}s"
echo "script_start_s=$START boot_to_ready_s=$T0 diobench_s=$TOOK status=$rc" >"$SHARE/lab-timing.txt"
exit $rc
