#!/bin/bash
# zfs-module.sh - runs INSIDE the lab VM: loads ZFS and writes which module the guest loaded
# (version and srcversion, as /sys/module/zfs reports them) to zfs-module.txt in the share.
# `diobench lab build --zfs-source` runs it once on every variant it builds.
set -u
modprobe zfs || { echo "zfs-module.sh: modprobe zfs failed" >&2; modinfo zfs >&2; exit 3; }
{
    echo "version=$(cat /sys/module/zfs/version)"
    echo "srcversion=$(cat /sys/module/zfs/srcversion)"
    echo "kernel=$(uname -r)"
    echo "userland=$(zfs version 2>/dev/null | head -1)"
} >zfs-module.txt
cat zfs-module.txt
