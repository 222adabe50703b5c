/// O_DIRECT from the kernel's uapi <asm/fcntl.h>. Swift's Glibc module only has it under
/// _GNU_SOURCE (which CLiburing's shim keeps off, see shim.h), and its value is per architecture.
#if arch(x86_64) || arch(i386)
let openFlagDirect: Int32 = 0o40000
#elseif arch(arm64) || arch(arm)
let openFlagDirect: Int32 = 0o200000
#else
#error("openFlagDirect: add this architecture's value from <asm/fcntl.h>")
#endif
