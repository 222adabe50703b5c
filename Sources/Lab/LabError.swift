/// What stops a lab command, with the command that fixes it where there is one.
public enum LabError: Error, CustomStringConvertible, Equatable {
    case notAPackage(String)
    case packageNotFound(searched: [String])
    case toolMissing(tool: String, fix: String)
    case imageMissing(directory: String)
    case commandFailed(command: String, status: Int32)
    case guestLibraryMissing(binary: String, libraries: [String], image: String)
    case guestGlibcTooOld(binary: String, needs: String, guest: String)
    case unknownImage(name: String, known: [String])
    case sourceMissing(path: String)
    case variantBuildFailed(log: String, status: Int32)
    case nameTaken(name: String, key: String, source: String)
    case badImageName(String)

    public var description: String {
        switch self {
        case .notAPackage(let dir):
            return
                "\(dir) is not the diobench source tree (no Package.swift naming diobench with Lab/run-in-vm.sh next to it)"
        case .packageNotFound(let searched):
            return "cannot find the diobench source tree (the lab builds its guest binary from it and runs Lab/*.sh); "
                + "run from a clone or pass --package-dir DIR (looked in \(searched.prefix(4).joined(separator: ", "))…)"
        case .toolMissing(let tool, let fix):
            return "\(tool) is not installed; fix: \(fix)"
        case .imageMissing(let dir):
            return
                "no lab image in \(dir) (vmlinuz, initrd.img, rootfs.img); build it: diobench lab build --image-dir \(dir) (about 6 minutes, once)"
        case .commandFailed(let command, let status):
            return "\(command) failed with exit status \(status)"
        case .guestLibraryMissing(let binary, let libraries, let image):
            return
                "\(binary) needs \(libraries.joined(separator: ", ")), which the lab image in \(image) does not have; "
                + "add the Debian package to the image (EXTRA_PACKAGES=… FORCE=1 Lab/build-image.sh \(image)) or link it statically"
        case .guestGlibcTooOld(let binary, let needs, let guest):
            return
                "\(binary) needs \(needs) but the lab image has glibc \(guest); build the guest binary on an older distribution"
        case .unknownImage(let name, let known):
            return "no lab image named \(name); "
                + (known.isEmpty
                    ? "none is built yet: diobench lab build --zfs-source TREE|TARBALL --name \(name)"
                    : "built: default (Debian's zfs), \(known.joined(separator: ", ")) (diobench lab images lists them)")
        case .sourceMissing(let path):
            return
                "no OpenZFS source at \(path): give a source tree (a git checkout or an unpacked release) or a release tarball"
        case .variantBuildFailed(let log, let status):
            return
                "the OpenZFS build failed (exit status \(status)); its error lines are above, the whole log is \(log)"
        case .nameTaken(let name, let key, let source):
            return "the image name \(name) is taken by another build (key \(key), from \(source)); "
                + "choose another --name, or remove it: diobench lab images --remove \(name)"
        case .badImageName(let name):
            return
                "\(name) cannot name a lab image: use letters, digits and . _ + - (not starting with a dot; default names the base image)"
        }
    }
}
