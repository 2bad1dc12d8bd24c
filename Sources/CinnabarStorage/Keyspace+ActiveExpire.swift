// Active expiry: Redis's adaptive cycle. Lazy expiry alone leaves keys that are never read again in memory, so
// the server cron samples volatile keys in every database and deletes the expired ones, repeating while more than
// `acceptable stale` percent of a sample had expired, within a CPU budget per call:
//  - slow cycle, from the cron at `hz`: up to 25 % of the cron period (plus effort);
//  - fast cycle, scheduled right after a slow cycle that ran out of time: at most 1 ms, not more often than every
//    2 ms, so a burst of expiring keys is cleared quickly without starving clients.
// Sampling uses the expires table's O(1) uniform random index instead of Redis's scan cursor; the statistics it
// keeps (expired_stale_perc, expired_time_cap_reached_count, expire_cycle_cpu_milliseconds) mean the same.
// Each cycle first expires hash fields (Keyspace+FieldExpire.swift).
// SPDX-License-Identifier: BSD-3-Clause

public enum ExpireCycleKind: Sendable { case slow, fast }

extension Keyspace {
    /// Runs one active-expire cycle and returns whether it stopped because its time budget ran out.
    /// - Parameters:
    ///   - hz: the server cron frequency (the slow cycle's budget is a share of one cron period).
    ///   - effort: `active-expire-effort`, 1...10.
    ///   - monotonicMicros: the clock for the budget (injectable for tests).
    @discardableResult
    public func activeExpireCycle(
        kind: ExpireCycleKind, hz: Int, effort: Int = 1,
        monotonicMicros: () -> Int64 = monotonicMicroseconds
    ) -> Bool {
        if isExpiryPaused { return false }
        let e = max(1, min(effort, 10)) - 1
        let keysPerLoop = 20 + 20 / 4 * e
        let acceptableStale = 10 - e
        let cpuPercent = 25 + 2 * e
        let start = monotonicMicros()
        let budget: Int64 = kind == .fast ? Int64(1000 + 1000 / 4 * e) : Int64(1_000_000 * cpuPercent / max(hz, 1) / 100)
        var timedOut = false
        var totalSampled = 0
        var totalExpired = 0
        updateTime()
        // Hash fields first, as Redis 7.4 interleaves them: a quota of fields, not a share of the time budget.
        activeExpireHashFields(hz: hz)
        dbLoop: for db in databases where db.expires.count > 0 {
            var iteration = 0
            while true {
                let volatile = db.expires.count
                if volatile == 0 { break }
                let samples = min(volatile, keysPerLoop)
                var expired = 0
                var ttlSum: Int64 = 0
                var ttlSamples: Int64 = 0
                for _ in 0..<samples {
                    guard let x = db.expires.randomIndex(&random) else { break }
                    let entry = db.expires.entry(x)
                    let when = entry.pointee.value
                    if when < now {  // Redis activeExpireCycleTryExpire: `now > when`
                        let key = entry.pointee.key
                        let found = key.withUnsafeBytes { db.keys.find($0, hash: keyHash($0)) }
                        if let index = found {
                            db.expireKey(index: index, expireIndex: x)
                        } else {
                            db.expires.remove(at: x)
                        }
                        expired += 1
                    } else {
                        ttlSum += when - now
                        ttlSamples += 1
                    }
                }
                totalSampled += samples
                totalExpired += expired
                if ttlSamples > 0 {
                    let avg = ttlSum / ttlSamples
                    // Running average weighted towards history, as Redis does.
                    db.averageTTL = db.averageTTL == 0 ? avg : (db.averageTTL / 50) * 49 + avg / 50
                }
                iteration += 1
                if iteration & 0xF == 0 && monotonicMicros() - start > budget {
                    timedOut = true
                    break dbLoop
                }
                if expired * 100 <= samples * acceptableStale { break }
            }
        }
        let elapsed = monotonicMicros() - start
        stats.expireCycleMicroseconds += elapsed
        if timedOut { stats.expiredTimeCapReachedCount += 1 }
        let current = totalSampled > 0 ? Double(totalExpired) / Double(totalSampled) : 0
        stats.expiredStalePercent = current * 0.05 + stats.expiredStalePercent * 0.95
        return timedOut
    }
}
