import Testing
@testable import Report

/// fio's num2str rules, on values whose fio rendering is known from fio 3.33's output.
@Suite("fio number format")
struct NumberFormatTests {
    @Test(arguments: [
        (UInt64(19_611), false, FioNumberFormat.Unit.none, "19.6k"),
        (UInt64(80_303_070), true, .bytePerSecond, "76.6MiB/s"),
        (UInt64(80_303_070), false, .bytePerSecond, "80.3MB/s"),
        (UInt64(8_388_608), true, .byte, "8192KiB"),
        (UInt64(8_388_608), false, .byte, "8389kB"),
        (UInt64(160_432_128), true, .byte, "153MiB"),
        (UInt64(292), false, .none, "292"),
        (UInt64(4_240), true, .byte, "4240B"),
        (UInt64(1_048_575), true, .byte, "1024KiB"),
    ])
    func matchesFio(value: UInt64, pow2: Bool, unit: FioNumberFormat.Unit, expected: String) {
        #expect(FioNumberFormat.string(value, pow2: pow2, unit: unit) == expected)
    }

    @Test func latencyMinMaxUseSixDigits() {
        #expect(FioNumberFormat.latency(6_414_700) == "6414.7k")
        #expect(FioNumberFormat.latency(4_751) == "4751")
        #expect(FioNumberFormat.latency(14_555_123) == "14555k")
    }
}
