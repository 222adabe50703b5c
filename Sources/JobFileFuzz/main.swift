// The entry point. SwiftPM links executables with their own `main`, so libFuzzer's is not used: in a
// fuzzer build this hands the command line to libFuzzer's driver; otherwise it replays the files
// named on the command line through the same check (to reproduce a crash without the fuzzer).
import Foundation

#if JOBFILE_FUZZER
import CLibFuzzer

// JOBFILE_FUZZ_DICTIONARY=FILE: write the token dictionary (for -dict=FILE) and exit.
if let path = ProcessInfo.processInfo.environment["JOBFILE_FUZZ_DICTIONARY"] {
    exit(FileManager.default.createFile(atPath: path, contents: Data(fuzzDictionary().utf8)) ? 0 : 1)
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
#else
var failed = false
for path in CommandLine.arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        failed = true
        continue
    }
    data.withUnsafeBytes { checkJobFile($0) }
    print("ok \(path)")
}
exit(failed ? 1 : 0)
#endif
