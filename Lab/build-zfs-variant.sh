#!/bin/bash
# build-zfs-variant.sh - build a lab image variant whose ZFS (kernel modules and userland) comes from an
# OpenZFS source tree or release tarball, optionally patched, instead of Debian's zfs packages.
# `diobench lab build --zfs-source` drives it; it also works by hand.
#
# Usage: build-zfs-variant.sh BASE_CACHE VARIANT_DIR SOURCE [PATCH...]
#   BASE_CACHE   the base image built by build-image.sh (its rootfs/ tree is the starting point)
#   VARIANT_DIR  where the variant goes: rootfs.img, vmlinuz, initrd.img, zfs-build.txt, build.log, and
#                layer/ (the build tree and what it installed, for variants built on top of this one)
#   SOURCE       an OpenZFS tree (a git checkout or an unpacked release) or a release tarball (.tar.xz/.gz)
#   PATCH...     applied in order with `patch -p1`
#
# ON_TOP_OF=DIR: DIR is a variant built from the same SOURCE (its layer/ kept) and PATCH... are applied on
# top of its built tree. When every file the patches touch is kernel-side (config/kernel-*, module/os/linux,
# include/os/linux/{spl,kernel}, or the test suite), only the kernel modules are configured, rebuilt and
# installed (userland stays that variant's, which these patches cannot change): minutes instead of a full
# build. Otherwise the patched copy is built in full.
#
# How: the base tree is never changed. A builder layer (build-essential, autotools and the -dev
# packages OpenZFS's configure checks for) is installed once into an overlay over it
# (BASE_CACHE/zfs-builder). Each variant is a second overlay on top: the source is copied in, patched,
# configured against the GUEST kernel's headers (the source/build folder pair Debian's dkms uses) and
# built in a chroot at native speed, then `make install`ed over Debian's zfs (libraries into the
# multiarch folder, so they win over Debian's same-soname copies; Debian's dkms modules are removed, so
# depmod picks the new ones). The merged tree, without compilers and sources, becomes the variant's
# rootfs.img. Needs root, overlayfs and the Debian mirror (for the builder layer, once).
#
# Exit status: 0 built; 3 the build itself failed (compiler error: the last lines of build.log are
# printed); 1 anything else.
set -euo pipefail

[ $# -ge 3 ] || { sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;/^set -euo/d' >&2; exit 2; }
BASE=$(cd "$1" && pwd)
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
SOURCE=$3
shift 3
PATCHES=("$@")
[ "$(id -u)" = 0 ] || { echo "build-zfs-variant: must run as root (overlay mounts and chroot)" >&2; exit 1; }
[ -d "$BASE/rootfs" ] && [ -e "$BASE/.stamp-dkms" ] || {
    echo "build-zfs-variant: no base image tree in $BASE/rootfs; build it first: diobench lab build" >&2
    exit 1
}
[ -e "$SOURCE" ] || { echo "build-zfs-variant: no such source: $SOURCE" >&2; exit 1; }
for p in "${PATCHES[@]}"; do [ -f "$p" ] || { echo "build-zfs-variant: no such patch: $p" >&2; exit 1; }; done
SOURCE=$(cd "$(dirname "$SOURCE")" && pwd)/$(basename "$SOURCE")

log() { echo "[build-zfs $(date +%T)] $*" >&2; }
KVER=$(cat "$BASE/kernel-version")
MIRROR=$(sed -n 's/^deb \([^ ]*\) .*/\1/p' "$BASE/rootfs/etc/apt/sources.list" | head -1)
BUILDER=$BASE/zfs-builder
WORK=$OUT/work
MERGED=$WORK/merged
LAYER=$OUT/layer
BUILD_LOG=$OUT/build.log
ON_TOP_OF=${ON_TOP_OF:-}

# --- mounts: overlays and the chroot's pseudo file systems, all undone on exit -------------------
mounted=()
mount_overlay() { # LOWERDIRS UPPER WORKDIR MERGED
    mkdir -p "$2" "$3" "$4"
    mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4"
    mounted=("$4" "${mounted[@]}")
}
mount_pseudo() { # ROOT
    mount -t proc proc "$1/proc" && mounted=("$1/proc" "${mounted[@]}")
    mount -t sysfs sys "$1/sys" && mounted=("$1/sys" "${mounted[@]}")
    mount --bind /dev "$1/dev" && mounted=("$1/dev" "${mounted[@]}")
    mount -t devpts devpts "$1/dev/pts" && mounted=("$1/dev/pts" "${mounted[@]}")
}
unmount_all() {
    local m
    for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
    mounted=()
}
trap unmount_all EXIT
in_root() { # ROOT COMMAND...
    local root=$1; shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# --- the builder layer, once per base image ----------------------------------------------------------
BUILD_PACKAGES="build-essential autoconf automake libtool gawk pkg-config libblkid-dev uuid-dev libudev-dev
libssl-dev zlib1g-dev libaio-dev libattr1-dev libelf-dev libtirpc-dev libffi-dev python3 python3-dev
python3-setuptools python3-cffi"
if [ ! -e "$BUILDER/.stamp" ] || [ "$(cat "$BUILDER/.stamp")" != "$BUILD_PACKAGES" ]; then
    log "builder layer: installing the build tools into an overlay over $BASE/rootfs (once)"
    rm -rf "$BUILDER"
    mount_overlay "$BASE/rootfs" "$BUILDER/upper" "$BUILDER/ovl-work" "$BUILDER/merged"
    mount_pseudo "$BUILDER/merged"
    t0=$SECONDS
    in_root "$BUILDER/merged" apt-get update -qq
    # shellcheck disable=SC2086
    in_root "$BUILDER/merged" apt-get install -y -qq --no-install-recommends $BUILD_PACKAGES >/dev/null
    in_root "$BUILDER/merged" apt-get clean
    unmount_all
    echo "$BUILD_PACKAGES" >"$BUILDER/.stamp"
    log "builder layer ready in $((SECONDS - t0)) s (mirror $MIRROR)"
fi

# --- the variant's overlay, with the source copied in ---------------------------------------------------
# Paths a patch may touch for a kernel-only rebuild on top of another variant.
kernel_side() {
    local p
    for p in "${PATCHES[@]}"; do
        sed -n 's#^+++ [^/]*/\([^	 ]*\).*#\1#p' "$p"
    done | grep -vE '^(config/kernel-|module/os/linux/|include/os/linux/(spl|kernel)/|tests/)' && return 1
    return 0
}
KERNEL_ONLY=0
LOWER="$BUILDER/upper:$BASE/rootfs"
if [ -n "$ON_TOP_OF" ]; then
    [ -d "$ON_TOP_OF/layer/upper" ] || { echo "build-zfs-variant: $ON_TOP_OF has no layer/ to build on" >&2; exit 1; }
    if kernel_side; then
        KERNEL_ONLY=1
        LOWER="$ON_TOP_OF/layer/upper:$LOWER"
        log "every patched file is kernel-side: rebuilding the modules only, on top of $(basename "$ON_TOP_OF")"
    else
        log "the patches touch userland too: a full build"
    fi
fi
unmount_all
rm -rf "$WORK" "$LAYER"
mount_overlay "$LOWER" "$LAYER/upper" "$LAYER/ovl-work" "$MERGED"
mount_pseudo "$MERGED"
SRC_IN=/usr/src/zfs-variant
mkdir -p "$MERGED$SRC_IN"
if [ $KERNEL_ONLY = 1 ]; then
    log "the built tree of $(basename "$ON_TOP_OF") is the starting point"
elif [ -d "$SOURCE" ]; then
    log "copying the tree $SOURCE"
    tar -C "$SOURCE" --exclude=./.git -cf - . | tar -C "$MERGED$SRC_IN" -xf -
else
    log "unpacking $SOURCE"
    tar -C "$MERGED$SRC_IN" --strip-components=1 -xf "$SOURCE"
fi
for p in "${PATCHES[@]}"; do
    log "patch -p1 < $p"
    patch -d "$MERGED$SRC_IN" -p1 --quiet <"$p"
done

# --- configure, make, make install in the chroot ------------------------------------------------------
# A tree that was configured before (or patched since) is configured again: maintainer mode stops make
# from rerunning autotools itself.
t0=$SECONDS
CONFIG=all
[ $KERNEL_ONLY = 1 ] && CONFIG=kernel
build_script='set -e
cd '"$SRC_IN"'
if [ -f Makefile ] && [ '$KERNEL_ONLY' = 0 ]; then make distclean >/dev/null 2>&1 || true; fi
sh autogen.sh
./configure --with-config='$CONFIG' --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
    --libdir=/usr/lib/x86_64-linux-gnu --disable-pyzfs --disable-sysvinit \
    --with-linux=/usr/src/linux-headers-'"${KVER%-amd64}"'-common --with-linux-obj=/usr/src/linux-headers-'"$KVER"'
make -j'"$(nproc)"'
make install
ldconfig'
log "building ($CONFIG: autogen, configure, make -j$(nproc), make install) against kernel $KVER; log: $BUILD_LOG"
if ! in_root "$MERGED" /bin/bash -c "$build_script" >"$BUILD_LOG" 2>&1; then
    echo "build-zfs-variant: the OpenZFS build failed after $((SECONDS - t0)) s. Its own error lines:" >&2
    grep -E 'error:|Error [0-9]+|\*\*\*' "$BUILD_LOG" | head -20 >&2 || true
    echo "--- last lines of $BUILD_LOG:" >&2
    tail -15 "$BUILD_LOG" >&2
    exit 3
fi
BUILD_SECONDS=$((SECONDS - t0))
log "built and installed in $BUILD_SECONDS s ($CONFIG)"

# The new modules (extra/) must win over Debian's dkms build (updates/dkms/, which depmod prefers).
rm -f "$MERGED/lib/modules/$KVER"/updates/dkms/{zfs,spl}.ko*
MODDIR=$MERGED/lib/modules/$KVER/extra
for m in "$MODDIR"/*.ko.xz "$MODDIR"/*/*.ko.xz; do if [ -e "$m" ]; then xz -df "$m"; fi; done
# Unstripped, the two modules are ~100 MB: strip debug info (faster loads under emulation, smaller image).
find "$MODDIR" -name '*.ko' -exec strip --strip-debug {} +
in_root "$MERGED" depmod -a "$KVER"
ZFS_KO=$(in_root "$MERGED" modinfo -k "$KVER" -F filename zfs)
case "$ZFS_KO" in */extra/*) ;; *) echo "build-zfs-variant: depmod still picks $ZFS_KO, not the new module" >&2; exit 1 ;; esac
VERSION=$(in_root "$MERGED" modinfo -k "$KVER" -F version zfs)
SRCVERSION=$(in_root "$MERGED" modinfo -k "$KVER" -F srcversion zfs)
log "zfs module $ZFS_KO: version $VERSION, srcversion $SRCVERSION"
unmount_all

# --- the image: the merged tree without compilers, headers and sources -----------------------------------
mount_overlay "$LOWER" "$LAYER/upper" "$LAYER/ovl-work" "$MERGED"
t0=$SECONDS
STAGE=$WORK/stage
mkdir -p "$STAGE"
tar -C "$MERGED" --one-file-system --xattrs --acls \
    --exclude=./usr/src --exclude=./usr/lib/gcc --exclude=./usr/libexec/gcc --exclude=./usr/include \
    --exclude='./usr/lib/x86_64-linux-gnu/*.a' --exclude=./var/lib/dkms --exclude=./var/cache/apt \
    --exclude=./var/lib/apt/lists --exclude=./boot \
    --exclude="./usr/lib/modules/$KVER/build" --exclude="./usr/lib/modules/$KVER/source" -cf - . |
    tar -C "$STAGE" --xattrs --acls -xpf -
unmount_all
size_mb=$(($(du -sm "$STAGE" | cut -f1) * 12 / 10 + 512))
rm -f "$OUT/rootfs.img.tmp"
truncate -s "${size_mb}M" "$OUT/rootfs.img.tmp"
mkfs.ext4 -q -F -L zfsvm-root -d "$STAGE" "$OUT/rootfs.img.tmp"
mv "$OUT/rootfs.img.tmp" "$OUT/rootfs.img"
cp "$BASE/vmlinuz" "$OUT/vmlinuz"
cp "$BASE/initrd.img" "$OUT/initrd.img"
rm -rf "$WORK"
# A kernel-only layer is not built on again (one level of building on top is enough): drop it.
if [ $KERNEL_ONLY = 1 ]; then rm -rf "$LAYER"; fi
{
    echo "config=$CONFIG"
    [ -n "$ON_TOP_OF" ] && echo "on_top_of=$(basename "$ON_TOP_OF")"
    echo "version=$VERSION"
    echo "srcversion=$SRCVERSION"
    echo "kernel=$KVER"
    echo "build_seconds=$BUILD_SECONDS"
    echo "image_seconds=$((SECONDS - t0))"
} >"$OUT/zfs-build.txt"
log "variant ready in $OUT ($(du -m "$OUT/rootfs.img" | cut -f1) MiB allocated)"
