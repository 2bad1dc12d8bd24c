// Per-key access metadata in the 24 bits Redis keeps in each object: under LRU policies (and by default) the
// LRU clock in seconds; under LFU policies 16 bits of "minutes" (last decrement time) and an 8-bit logarithmic
// access counter that new keys start at 5 and that decays by one every `lfu-decay-time` minutes. OBJECT IDLETIME,
// OBJECT FREQ and (later) eviction read them.
// SPDX-License-Identifier: BSD-3-Clause

extension KeyspaceState {
    /// The initial counter of a new key under LFU (LFU_INIT_VAL).
    public static let lfuInitialCounter: UInt32 = 5

    @inlinable
    var lfuMinutes: UInt32 { UInt32(truncatingIfNeeded: (now / 60_000) & 0xFFFF) }

    /// The stamp of a newly written key.
    @inlinable
    public var newStamp: UInt32 {
        usesLFU ? (lfuMinutes << 8 | KeyspaceState.lfuInitialCounter) : lruClock
    }

    /// The stamp after an access to a key stamped `previous`.
    @inlinable
    public func accessStamp(previous: UInt32) -> UInt32 {
        guard usesLFU else { return lruClock }
        var counter = lfuDecayedCounter(previous)
        // Logarithmic increment: the higher the counter, the less likely an access bumps it.
        if counter < 255 {
            let base = Double(counter > KeyspaceState.lfuInitialCounter ? counter - KeyspaceState.lfuInitialCounter : 0)
            let p = 1.0 / (base * Double(lfuLogFactor) + 1)
            if Double(random.next() >> 11) / Double(1 << 53) < p { counter += 1 }
        }
        return lfuMinutes << 8 | counter
    }

    /// The LFU counter after applying decay for the minutes since it was last decremented (LFUDecrAndReturn).
    public func lfuDecayedCounter(_ stamp: UInt32) -> UInt32 {
        let last = stamp >> 8
        let counter = stamp & 0xFF
        let now = lfuMinutes
        let elapsed = now >= last ? now - last : 65535 - last + now
        let periods = lfuDecayTime > 0 ? elapsed / UInt32(lfuDecayTime) : 0
        return periods > counter ? 0 : counter - periods
    }
}
