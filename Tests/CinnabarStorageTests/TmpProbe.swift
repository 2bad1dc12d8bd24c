@testable import CinnabarStorage
import Testing

@Test func tmpProbe() {
    let t = KeyTable<Int>()
    for i in 0..<1000 { let k = Array("key:\(i)".utf8); k.withUnsafeBytes { _ = t.insert(Bytes($0), hash: keyHash($0), value: i) } }
    while t.rehashStep(100) {}
    var next = 1000
    var cursor: UInt64 = 0
    var step = 0
    var emitted = 0
    let start = monotonicMicroseconds()
    repeat {
        cursor = t.scan(cursor: cursor) { _ in emitted += 1 }
        if step % 16 == 3 && step < 160 {
            for _ in 0..<1500 { let k = Array("key:\(next)".utf8); k.withUnsafeBytes { _ = t.insert(Bytes($0), hash: keyHash($0), value: next) }; next += 1 }
        }
        step += 1
    } while cursor != 0
    print("PROBE steps \(step) emitted \(emitted) buckets \(t.bucketCount) rehashing \(t.isRehashing) micros \(monotonicMicroseconds() - start)")
}
