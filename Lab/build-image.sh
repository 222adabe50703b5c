#!/bin/bash
# build-image.sh - build a bootable Debian trixie guest with OpenZFS 2.3
# (zfs-dkms, compiled for the guest kernel), zfsutils, zfs-test (for the
# OpenZFS performance suite's fio jobs) and fio, for running
# ZFS Direct I/O integration tests under QEMU (see run-in-vm.sh). This is the
# image behind `diobench lab`; everything comes from Debian's packages.
#
# Usage: build-image.sh [CACHE_DIR]     (default: ~/.cache/diobench/lab)
#
# Idempotent: every stage leaves a stamp in CACHE_DIR and is skipped next
# time; a second run with nothing changed does nothing. The image is rebuilt
# when vm-init (next to this script) changed. FORCE=1 starts from scratch.
#
# Produces in CACHE_DIR:
#   rootfs/          guest root tree (debootstrap + packages + zfs module)
#   vmlinuz          guest kernel   \  boot with run-in-vm.sh, or by hand:
#   initrd.img       guest initrd    > qemu -kernel vmlinuz -initrd initrd.img
#   rootfs.img       raw ext4 image /  -append 'root=/dev/vda init=/sbin/vm-init'
#   kernel-version   guest kernel version (uname -r in the guest)
#   zfs-version      zfsutils-linux / zfs-dkms package version
#   build-times.txt  wall seconds of each stage
#
# Host requirements: root; Debian bookworm or newer with access to the
# Debian archive (the mirror the host's own apt sources name). Missing host
# tools (debootstrap, e2fsprogs, qemu-system-x86, debian-archive-keyring) are
# named with the apt-get command that installs them; INSTALL_HOST_TOOLS=1
# installs them instead (CI does). The host's own apt sources are not touched;
# the guest gets MIRROR/SUITE.
#
# Environment knobs:
#   MIRROR=<Debian mirror URL>   (default: the host's apt mirror)   SUITE=trixie
#   EXTRA_PACKAGES="strace gdb"   more guest packages (apt names)
#   IMAGE_SLACK_MB=512            free space left in rootfs.img
#   SLIM=1                        leave compilers, headers, dkms sources and
#                                 apt lists out of rootfs.img (the module is
#                                 already built); SLIM=0 keeps them
#   FORCE=1                       rebuild everything
#   INSTALL_HOST_TOOLS=1          apt-get install missing host tools
set -euo pipefail

CACHE=${1:-${DIOBENCH_LAB_IMAGE_DIR:-$HOME/.cache/diobench/lab}}
# The guest uses the same Debian mirror as the host's apt configuration.
host_mirror() {
    local u
    u=$(grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk '{print $2}' | grep -E '/debian/?$' | head -1)
    [ -n "$u" ] || u=$(grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list 2>/dev/null |
        awk '{print $2}' | grep -E '/debian/?$' | head -1)
    echo "${u%/}"
}
MIRROR=${MIRROR:-$(host_mirror)}
[ -n "$MIRROR" ] || {
    echo "build-image: no Debian mirror found in the host's apt sources (/etc/apt/sources.list*)." >&2
    echo "  fix: MIRROR=http://deb.debian.org/debian $0 $*" >&2
    exit 1
}
SUITE=${SUITE:-trixie}
EXTRA_PACKAGES=${EXTRA_PACKAGES:-}
IMAGE_SLACK_MB=${IMAGE_SLACK_MB:-512}
SLIM=${SLIM:-1}

[ "$(id -u)" = 0 ] || { echo "build-image: must run as root (debootstrap and chroot need it); fix: sudo $0 $*" >&2; exit 1; }
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
ROOT=$CACHE/rootfs
TIMES=$CACHE/build-times.txt

# one build per cache dir at a time
exec 9>"$CACHE/.lock"
flock -n 9 || { echo "another build-image.sh holds $CACHE/.lock" >&2; exit 1; }

log() { echo "[build-image $(date +%T)] $*" >&2; }

# stage NAME FUNCTION: run a stage once, record its wall time
stage() {
    local name=$1; shift
    if [ -e "$CACHE/.stamp-$name" ]; then
        log "stage $name: cached"
        return 0
    fi
    log "stage $name: start"
    local t0=$SECONDS
    "$@"
    local dt=$((SECONDS - t0))
    echo "$name ${dt}s $(date -Is)" >>"$TIMES"
    touch "$CACHE/.stamp-$name"
    log "stage $name: done in ${dt}s"
}

# --- chroot helpers ------------------------------------------------------
mount_chroot() {
    mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
    mountpoint -q "$ROOT/sys" || mount -t sysfs sys "$ROOT/sys"
    mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
    mountpoint -q "$ROOT/dev/pts" || mount -t devpts devpts "$ROOT/dev/pts"
}
umount_chroot() {
    local m
    for m in dev/pts dev sys proc; do
        if mountpoint -q "$ROOT/$m" 2>/dev/null; then umount -l "$ROOT/$m"; fi
    done
    return 0
}
trap umount_chroot EXIT
in_chroot() {
    # NB: `uname -r` in the chroot reports the HOST kernel; every kernel
    # specific step below names the guest kernel version explicitly.
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
guest_kver() {
    # newest kernel that has an image in /boot
    local v
    v=$(cd "$ROOT/boot" && ls vmlinuz-* 2>/dev/null | sed 's/^vmlinuz-//' | sort -V | tail -1)
    [ -n "$v" ] || { echo "no guest kernel in $ROOT/boot" >&2; return 1; }
    echo "$v"
}

# --- stage: host tools ---------------------------------------------------
# Missing tools are named with the command that installs them; INSTALL_HOST_TOOLS=1 runs it.
missing_host_tools() {
    command -v debootstrap >/dev/null || echo debootstrap
    command -v mkfs.ext4 >/dev/null || echo e2fsprogs
    command -v xz >/dev/null || echo xz-utils
    command -v qemu-system-x86_64 >/dev/null || echo qemu-system-x86
    [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || echo debian-archive-keyring
    return 0
}
host_tools() {
    local need
    need=$(missing_host_tools | tr '\n' ' ')
    [ -n "${need// /}" ] || return 0
    local release
    release=$(. /etc/os-release && echo "${VERSION_CODENAME:-stable}")
    if [ "${INSTALL_HOST_TOOLS:-0}" != 1 ]; then
        echo "build-image: missing host tools: $need" >&2
        echo "  fix: apt-get update && apt-get install -y --no-install-recommends -t $release $need" >&2
        echo "  (or run again with INSTALL_HOST_TOOLS=1)" >&2
        exit 1
    fi
    log "installing host packages: $need"
    apt-get update -qq
    # -t: stay on the host's release even when newer suites are listed
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t "$release" $need
}

# The mirror must serve SUITE (and contrib, for zfs-dkms) before debootstrap spends minutes.
check_mirror() {
    local url=$MIRROR/dists/$SUITE/Release fetch=
    if command -v curl >/dev/null; then fetch="curl -fsSL --max-time 30 -o /dev/null"
    elif command -v wget >/dev/null; then fetch="wget -q -T 30 -O /dev/null"
    else return 0; fi   # debootstrap will say what is wrong
    if ! $fetch "$url"; then
        echo "build-image: cannot fetch $url: the Debian mirror is unreachable or has no $SUITE." >&2
        echo "  fix: check the network/proxy, or name a mirror: MIRROR=http://deb.debian.org/debian $0 $CACHE" >&2
        exit 1
    fi
}

# --- stage: debootstrap --------------------------------------------------
do_debootstrap() {
    umount_chroot
    rm -rf "$ROOT"
    debootstrap --variant=minbase --components=main,contrib \
        --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
        "$SUITE" "$ROOT" "$MIRROR"
}

# --- stage: packages (kernel, headers, zfs-dkms, zfsutils, fio ...) -------
do_packages() {
    echo "deb $MIRROR $SUITE main contrib" >"$ROOT/etc/apt/sources.list"
    # no daemons may start inside the build chroot
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod +x "$ROOT/usr/sbin/policy-rc.d"
    # no docs/man pages/locales
    cat >"$ROOT/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    # Small initramfs: it only has to mount an ext4 root on virtio-blk
    # (MODULES=most would pack every storage driver: 36 MB, slower boots).
    # The module list goes into initramfs-tools' conffile after the install
    # (see do_dkms, which regenerates the initramfs).
    mkdir -p "$ROOT/etc/initramfs-tools/conf.d"
    echo 'MODULES=list' >"$ROOT/etc/initramfs-tools/conf.d/zfsvm"
    mount_chroot
    in_chroot apt-get update -qq
    # Kernel + headers first, then zfs-dkms: dkms builds for every kernel in
    # /lib/modules that has headers (i.e. the guest kernel), not `uname -r`.
    in_chroot apt-get install -y --no-install-recommends \
        linux-image-amd64 linux-headers-amd64 initramfs-tools zstd kmod \
        util-linux udev procps iproute2 less
    in_chroot apt-get install -y --no-install-recommends \
        zfs-dkms zfsutils-linux fio liburing2 $EXTRA_PACKAGES
    in_chroot apt-get clean
    umount_chroot
}

# --- stage: OpenZFS's test package (its performance suite's fio jobs) ----
# Its own stage, so that an image built before it gets it without a rebuild.
do_zfs_test() {
    mount_chroot
    in_chroot apt-get update -qq
    in_chroot apt-get install -y --no-install-recommends zfs-test
    in_chroot apt-get clean
    ls "$ROOT/usr/share/zfs/zfs-tests/tests/perf/fio/"
    umount_chroot
}

# --- stage: zfs module for the GUEST kernel ------------------------------
do_dkms() {
    local kver
    kver=$(guest_kver)
    mount_chroot
    if ! ls "$ROOT/lib/modules/$kver"/updates/dkms/zfs.ko* >/dev/null 2>&1; then
        # normally the zfs-dkms postinst already did this
        log "zfs.ko missing for $kver; running dkms autoinstall"
        in_chroot dkms autoinstall -k "$kver"
    fi
    in_chroot dkms status
    ls -la "$ROOT/lib/modules/$kver/updates/dkms/"
    in_chroot depmod -a "$kver"
    in_chroot modinfo -k "$kver" zfs | grep -E '^(filename|version|vermagic)'
    local m
    for m in virtio_pci virtio_blk ext4; do
        grep -qx "$m" "$ROOT/etc/initramfs-tools/modules" ||
            echo "$m" >>"$ROOT/etc/initramfs-tools/modules"
    done
    in_chroot update-initramfs -u -k "$kver"
    umount_chroot
    echo "$kver" >"$CACHE/kernel-version"
    in_chroot dpkg-query -W -f '${Version}\n' zfsutils-linux >"$CACHE/zfs-version"
}

# --- stage: guest configuration ------------------------------------------
do_config() {
    echo zfsvm >"$ROOT/etc/hostname"
    : >"$ROOT/etc/fstab"
    # passwordless root, for debugging boots with the normal init
    in_chroot passwd -d root >/dev/null
    # a stable hostid (zpool import complains about foreign pools otherwise)
    [ -e "$ROOT/etc/hostid" ] || in_chroot zgenhostid 0x7a66736d
    install -m 0755 "$SCRIPT_DIR/vm-init" "$ROOT/sbin/vm-init"
}

# --- stage: raw ext4 image -----------------------------------------------
do_image() {
    local kver stage_dir size_mb
    kver=$(guest_kver)
    cp "$ROOT/boot/vmlinuz-$kver" "$CACHE/vmlinuz"
    cp "$ROOT/boot/initrd.img-$kver" "$CACHE/initrd.img"
    # staging copy of the tree: the rootfs/ itself stays as apt/dkms left it
    stage_dir=$CACHE/rootfs-stage
    rm -rf "$stage_dir"
    mkdir -p "$stage_dir"
    local excl=()
    if [ "$SLIM" = 1 ]; then
        excl=(--exclude=./usr/src --exclude=./usr/lib/gcc --exclude=./usr/libexec/gcc
              --exclude='./usr/lib/x86_64-linux-gnu/*.a' --exclude=./var/lib/dkms
              --exclude=./var/cache/apt --exclude=./var/lib/apt/lists --exclude=./boot
              --exclude="./usr/lib/modules/$kver/build" --exclude="./usr/lib/modules/$kver/source")
    fi
    tar -C "$ROOT" --one-file-system --xattrs --acls "${excl[@]}" -cf - . |
        tar -C "$stage_dir" --xattrs --acls -xpf -
    # Uncompressed modules load ~4 s faster under TCG (no in-guest xz).
    local m
    for m in "$stage_dir/usr/lib/modules/$kver"/updates/dkms/*.ko.xz; do
        if [ -e "$m" ]; then xz -d "$m"; fi
    done
    chroot "$stage_dir" depmod -a "$kver"
    size_mb=$(( $(du -sm "$stage_dir" | cut -f1) * 12 / 10 + IMAGE_SLACK_MB ))
    rm -f "$CACHE/rootfs.img.tmp"
    truncate -s "${size_mb}M" "$CACHE/rootfs.img.tmp"
    # mkfs.ext4 -d fills the file system from a directory, no mount needed
    mkfs.ext4 -q -F -L zfsvm-root -d "$stage_dir" "$CACHE/rootfs.img.tmp"
    mv "$CACHE/rootfs.img.tmp" "$CACHE/rootfs.img"
    rm -rf "$stage_dir"
    ls -las "$CACHE/rootfs.img"
}

if [ "${FORCE:-0}" = 1 ]; then
    umount_chroot
    rm -rf "$ROOT" "$CACHE"/rootfs-stage "$CACHE"/.stamp-* "$CACHE"/rootfs.img "$TIMES"
fi
: >>"$TIMES"
T0=$SECONDS
all_cached() {
    local s
    for s in debootstrap packages zfs-test dkms config image; do [ -e "$CACHE/.stamp-$s" ] || return 1; done
    [ -e "$CACHE/rootfs.img" ] && cmp -s "$SCRIPT_DIR/vm-init" "$ROOT/sbin/vm-init"
}
if all_cached; then
    log "image cached in $CACHE: kernel $(cat "$CACHE/kernel-version"), zfs $(cat "$CACHE/zfs-version") (FORCE=1 rebuilds)"
    exit 0
fi
host_tools   # a stage will run: this host needs the tools
[ -e "$CACHE/.stamp-packages" ] || check_mirror
stage debootstrap do_debootstrap
stage packages do_packages
[ -e "$CACHE/.stamp-zfs-test" ] || rm -f "$CACHE/.stamp-config" "$CACHE/.stamp-image"
stage zfs-test do_zfs_test
stage dkms do_dkms
# redo config + image when vm-init changed or the image is missing
if [ ! -e "$CACHE/rootfs.img" ] || ! cmp -s "$SCRIPT_DIR/vm-init" "$ROOT/sbin/vm-init"; then
    rm -f "$CACHE/.stamp-config" "$CACHE/.stamp-image"
fi
stage config do_config
stage image do_image
log "done in $((SECONDS - T0))s: kernel $(cat "$CACHE/kernel-version"), zfs $(cat "$CACHE/zfs-version")"
log "image $CACHE/rootfs.img ($(du -m "$CACHE/rootfs.img" | cut -f1) MiB allocated)"
