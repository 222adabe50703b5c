/// What stops a lab command, with the command that fixes it where there is one.
public enum LabError: Error, CustomStringConvertible, Equatable {
    case notAPackage(String)
    case packageNotFound(searched: [String])
    case toolMissing(tool: String, fix: String)
    case imageMissing(directory: String)
    case commandFailed(command: String, status: Int32)
    case guestLibraryMissing(binary: String, libraries: [String], image: String)
    case guestGlibcTooOld(binary: String, needs: String, guest: String)

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
        }
    }
}
