// Issue 15's options: file_service_type, rw= backward suffixes, rw_sequencer, verify_interval/offset/dump.

import Testing
@testable import JobFile
import Vocabulary

@Suite("File service and offset modifier options")
struct FileServiceOptionTests {
    @Test("file_service_type: kinds, :N, the non-uniform ones with their parameters")
    func fileServiceType() throws {
        #expect(try job(options: "nrfiles=2").fileService == FileService())
        #expect(try job(options: "file_service_type=random:8").fileService == FileService(kind: .random, run: 8))
        #expect(try job(options: "file_service_type=sequential").fileService.kind == .sequential)
        let zipf = try job(options: "file_service_type=zipf:1.4").fileService
        #expect(zipf.kind == .zipf && zipf.distribution == .zipf(theta: 1.4, center: nil))
        #expect(try job(options: "file_service_type=gauss").fileService.kind == .normal)
        #expect(parseError("[j]\nfile_service_type=roundrobin:0\n")?.description.contains("count of I/Os") == true)
        let typo = try #require(parseError("[j]\nfile_service_type=sequental\n"))
        #expect(typo.description.hasPrefix("test.fio:2: option 'file_service_type': 'sequental'"), "\(typo)")
        #expect(typo.description.contains("did you mean 'sequential'"), "\(typo)")
        #expect(parseError("[j]\nfile_service_type=zipf:1\n")?.description.contains("theta") == true)
    }

    @Test("rw=read:-8k steps back; rw_sequencer; verify_interval, verify_offset, verify_dump")
    func modifiersAndVerify() throws {
        let back = try job(options: "rw=read:-8k")
        #expect(back.rw == .read && back.rwSequenceModifier == 8192 && back.rwSequenceBackward)
        #expect(parseError("[j]\nrw=read:-\n") != nil)
        #expect(try job(options: "rw=randread:4\nrw_sequencer=identical").rwSequencer == .identical)
        #expect(parseError("[j]\nrw_sequencer=same\n")?.description.contains("sequential, identical") == true)
        let v = try job(options: "verify=crc32c\nverify_interval=1k\nverify_offset=100\nverify_dump=1").verify
        #expect(v.interval == 1024 && v.headerOffset == 100 && v.dump)
    }
}
