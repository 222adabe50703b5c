import Testing
import Stats
import SystemCalls

@Suite("ErrnoNames")
struct ErrnoNamesTests {
    @Test func describeGivesNameAndStrerrorText() {
        #expect(ErrnoNames.describe(22) == "EINVAL (Invalid argument)")
        #expect(ErrnoNames.describe(5) == "EIO (Input/output error)")
    }
}
