// Times commands for INFO commandstats, SLOWLOG and LATENCY without a clock_gettime call per command: a cycle
// counter (the TSC on x86-64, as Redis's monotonic clock uses when available) converted to microseconds with a
// rate measured once against the monotonic clock. Only on a machine whose kernel clocksource is the TSC, so that
// the counter is invariant; otherwise the monotonic clock is read directly.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

/// The server keeps one (`Server.timer`): a stored rate is read with a load, where a global would cost a
/// lazy-initialization check on every command.
struct CommandTimer {
    /// Measured once per process.
    private static let calibrated: Double = calibrate()

    /// Counter ticks per microsecond, or 0 when the counter is not trustworthy here.
    let ticksPerMicrosecond: Double

    init() { ticksPerMicrosecond = CommandTimer.calibrated }

    @inline(__always)
    func now() -> UInt64 {
        ticksPerMicrosecond > 0 ? cinnabar_cycles() : UInt64(monotonicMicroseconds())
    }

    /// Microseconds between two `now()` readings.
    @inline(__always)
    func microseconds(from start: UInt64, to end: UInt64) -> Int64 {
        let delta = end &- start
        if ticksPerMicrosecond > 0 { return Int64(Double(delta) / ticksPerMicrosecond) }
        return Int64(bitPattern: delta)
    }

    private static func calibrate() -> Double {
        #if arch(x86_64) && os(Linux)
        guard let f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r") else { return 0 }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = fgets(&buffer, 32, f)
        fclose(f)
        guard String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "tsc"
        else { return 0 }
        let t0 = monotonicMicroseconds()
        let c0 = cinnabar_cycles()
        usleep(20_000)
        let t1 = monotonicMicroseconds()
        let c1 = cinnabar_cycles()
        guard t1 > t0, c1 > c0 else { return 0 }
        return Double(c1 - c0) / Double(t1 - t0)
        #else
        return 0
        #endif
    }
}
