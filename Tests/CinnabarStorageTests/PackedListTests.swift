// Tests for PackedList, the listpack of small hashes and sets, whose block is a 4-byte used size and the entries,
// sized by a function of the bytes used, and whose string count travels in its owner's word: growth across the
// 512-byte switch from exact malloc steps to eighths, shrinking by removals and replacements, the block never
// smaller than the size its used bytes call for, and the word round trip.
@testable import CinnabarStorage
import CCinnabarShims
import Testing

private func strings(_ list: PackedList) -> [[UInt8]] {
    var out: [[UInt8]] = []
    list.forEach { s, _ in
        out.append(Array(s))
        return true
    }
    return out
}

/// The allocation is at least what `capacity(for:)` says for the bytes used, so writes within it are safe.
private func checkBlock(_ list: PackedList) {
    guard let base = list.base else { return }
    #expect(cinnabar_malloc_usable_size(base) >= PackedList.blockSize(for: list.usedBytes))
    #expect(PackedList(word: list.word).base == base)
    #expect(PackedList(word: list.word).count == list.count)
}

@Suite("PackedList")
struct PackedListTests {
    @Test("blockSize(for:) is monotonic and never below the header and the bytes used")
    func blockSizeFunction() {
        var previous = 0
        for n in 0...70_000 {
            let c = PackedList.blockSize(for: n)
            #expect(c >= n + PackedList.headerSize && c >= previous, "n \(n)")
            previous = c
        }
        #expect(PackedList.blockSize(for: 36) == 40, "two 8-byte fields and values fill one 48-byte chunk")
    }

    @Test("Appends of growing strings across the 512-byte boundary keep every string", arguments: [1, 3, 7, 60])
    func growth(step: Int) {
        var list = PackedList()
        var expected: [[UInt8]] = []
        for i in 0..<400 {
            let s = (0..<(i % step + 1)).map { UInt8(truncatingIfNeeded: $0 + i) }
            s.withUnsafeBytes { list.append($0) }
            expected.append(s)
            checkBlock(list)
        }
        #expect(list.count == expected.count)
        #expect(strings(list) == expected)
        // Replacements that grow and shrink, then removals down to empty.
        for i in stride(from: 0, to: expected.count, by: 3) {
            let offset = list.offsets()[i]
            let s = [UInt8](repeating: UInt8(i & 0xFF), count: (i * 7) % 90)
            s.withUnsafeBytes { list.replace(at: Int(offset), with: $0) }
            expected[i] = s
            checkBlock(list)
        }
        #expect(strings(list) == expected)
        while list.count > 0 {
            let i = list.count / 2
            list.remove(at: Int(list.offsets()[i]), strings: 1)
            expected.remove(at: i)
            checkBlock(list)
            #expect(list.count == expected.count)
        }
        #expect(list.base == nil, "an emptied list frees its block")
        let copy = list.copy()
        #expect(copy.base == nil)
    }

    @Test("A copy is independent and holds the same strings")
    func copy() {
        var list = PackedList()
        for i in 0..<50 { [UInt8](repeating: UInt8(i), count: i).withUnsafeBytes { list.append($0) } }
        var copy = list.copy()
        #expect(strings(copy) == strings(list))
        copy.remove(at: 0, strings: 10)
        #expect(list.count == 50)
        #expect(copy.count == 40)
        checkBlock(copy)
        copy.release()
        list.release()
    }
}
