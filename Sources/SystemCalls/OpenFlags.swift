// Open flags Swift's Glibc module leaves out.

/// O_DIRECT from the kernel's uapi <asm/fcntl.h>: Swift's Glibc module only has it under _GNU_SOURCE, and its
/// value differs between architectures.
#if arch(x86_64) || arch(i386)
public let openFlagDirect: Int32 = 0o40000
#elseif arch(arm64) || arch(arm)
public let openFlagDirect: Int32 = 0o200000
#else
#error("openFlagDirect: add this architecture's value from <asm/fcntl.h>")
#endif
