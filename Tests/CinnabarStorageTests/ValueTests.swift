// Tests for Value: string encodings (int / embstr / raw), integer formatting, mutateString growth and copy-on-write, stringBytes invariants, and collection values.
@testable import CinnabarStorage
import Testing

private func text(_ s: String) -> [UInt8] { Array(s.utf8) }

private func stringValue(_ s: String) -> Value { text(s).withUnsafeBytes { Value(string: $0) } }
private func stringValue(_ b: [UInt8]) -> Value { b.withUnsafeBytes { Value(string: $0) } }

private func contents(_ v: Value) -> [UInt8] { v.withStringBytes { Array($0) } }

/// A minimal collection for the type-agnostic paths.
private final class FakeList: EncodedCollection {
    var items: [Int]
    init(_ items: [Int]) { self.items = items }
    var encodingName: String { "listpack" }
    func duplicate() -> AnyObject { FakeList(items) }
}

@Suite("Value")
struct ValueTests {
    @Test(
        "Canonical integers of up to 20 characters are int-encoded",
        arguments: [
            ("123", Int64(123)), ("0", 0), ("-1", -1), ("9223372036854775807", .max),
            ("-9223372036854775808", .min), ("10", 10),
        ])
    func intEncoded(_ input: String, _ expected: Int64) {
        let v = stringValue(input)
        #expect(v.integer == expected)
        #expect(v.stringEncoding == "int")
        #expect(v.encodingName == "int")
        #expect(v.type == .string)
        #expect(contents(v) == text(input))
        #expect(v.stringLength == input.utf8.count)
    }

    @Test(
        "Non-canonical or out-of-range numbers stay strings",
        arguments: ["0123", "-0", "+1", " 1", "1 ", "12345678901234567890", "9223372036854775808",
            "-9223372036854775809", "00", "", "1.5", "0x10", "-"])
    func notIntEncoded(_ input: String) {
        let v = stringValue(input)
        #expect(v.integer == nil)
        #expect(v.stringEncoding == "embstr")
        #expect(contents(v) == text(input))
    }

    @Test("Strings up to 44 bytes are embstr, longer ones raw; the heap starts at 24 bytes")
    func embstrBoundary() {
        for n in [0, 1, 23, 24, 44, 45, 100] {
            let raw = [UInt8](repeating: UInt8(ascii: "a"), count: n)
            let v = stringValue(raw)
            #expect(v.stringEncoding == (n <= 44 ? "embstr" : "raw"), "length \(n)")
            #expect(v.stringLength == n)
            #expect(contents(v) == raw)
            #expect((v.object != nil) == (n > 23), "length \(n)")
        }
    }

    @Test("rawString with markRaw reports raw for inline and heap strings, and never int-encodes")
    func markRaw() {
        let short = text("123").withUnsafeBytes { Value(rawString: $0, markRaw: true) }
        #expect(short.stringEncoding == "raw")
        #expect(short.integer == nil)
        #expect(contents(short) == text("123"))
        #expect(short.stringLength == 3)
        let unmarked = text("123").withUnsafeBytes { Value(rawString: $0, markRaw: false) }
        #expect(unmarked.stringEncoding == "embstr")
        #expect(unmarked.integer == nil)
        let long = [UInt8](repeating: 7, count: 30).withUnsafeBytes { Value(rawString: $0, markRaw: true) }
        #expect(long.stringEncoding == "raw")
        #expect(long.stringLength == 30)
        // The raw flag is not part of the bytes.
        #expect(short.stringBytes == Bytes(text("123")))
        #expect(short.stringBytes.keyHash == Bytes(text("123")).keyHash)
    }

    @Test("Integer values format their decimal form through stringBytes, withStringBytes and stringLength")
    func integerFormatting() {
        for n: Int64 in [0, 7, -7, 10, -10, 1_000_000, .max, .min, .max - 1, .min + 1] {
            let v = Value(integer: n)
            #expect(v.integer == n)
            #expect(v.stringEncoding == "int")
            #expect(v.stringBytes == Bytes(String(n)))
            #expect(v.stringBytes.keyHash == Bytes(String(n)).keyHash)
            #expect(contents(v) == text(String(n)))
            #expect(v.stringLength == String(n).utf8.count)
        }
    }

    @Test("decimalLength and formatInt64 agree with String(describing:)")
    func decimalHelpers() {
        var values: [Int64] = [0, -1, .max, .min]
        var x: Int64 = 1
        for _ in 0..<18 {
            x *= 10
            values += [x - 1, x, -x, -(x - 1)]
        }
        for v in values {
            #expect(decimalLength(v) == String(v).count)
            var buffer = [UInt8](repeating: 0, count: 24)
            let n = buffer.withUnsafeMutableBytes { formatInt64(v, into: $0) }
            #expect(Array(buffer[0..<n]) == text(String(v)))
        }
    }

    @Test("stringBytes of a heap string shares its storage")
    func stringBytesSharesStorage() {
        let raw = [UInt8](repeating: 9, count: 50)
        let v = stringValue(raw)
        let b = v.stringBytes
        #expect(b.heap === v.object)
        #expect(b == Bytes(raw))
    }

    @Test("mutateString grows with zero bytes, keeps the prefix and turns the value raw")
    func mutateGrows() {
        var v = stringValue("abc")
        #expect(v.stringEncoding == "embstr")
        let seen = v.mutateString(minimumCount: 10) { view -> [UInt8] in
            #expect(view.count == 10)
            #expect(view.capacity >= 32)
            return view.withUnsafeMutableBytes { buf in
                buf[9] = UInt8(ascii: "z")
                return Array(buf)
            }
        }
        #expect(seen == text("abc") + [0, 0, 0, 0, 0, 0] + text("z"))
        #expect(contents(v) == seen)
        #expect(v.stringLength == 10)
        #expect(v.stringEncoding == "raw")
        #expect(v.integer == nil)
        #expect(v.type == .string)
    }

    @Test("mutateString with a smaller minimumCount keeps the length")
    func mutateKeepsLength() {
        var v = stringValue(String(repeating: "q", count: 30))
        v.mutateString(minimumCount: 0) { view in
            #expect(view.count == 30)
            view.withUnsafeMutableBytes { $0[0] = UInt8(ascii: "Q") }
        }
        #expect(contents(v) == text("Q" + String(repeating: "q", count: 29)))
    }

    @Test("mutateString of an int value starts from its decimal form")
    func mutateInteger() {
        var v = stringValue("12345")
        #expect(v.integer == 12345)
        v.mutateString(minimumCount: 7) { view in
            view.withUnsafeMutableBytes { buf in
                buf[5] = UInt8(ascii: "6")
                buf[6] = UInt8(ascii: "7")
            }
        }
        #expect(v.integer == nil)
        #expect(contents(v) == text("1234567"))
        #expect(v.stringEncoding == "raw")
    }

    @Test("mutateString grows capacity sds-style: doubling below 1 MB, +1 MB above")
    func growthPolicy() {
        var v = stringValue(String(repeating: "a", count: 100))
        v.mutateString(minimumCount: 1000) { view in #expect(view.capacity >= 2000) }
        var big = stringValue(String(repeating: "b", count: 100))
        let needed = 2 * 1024 * 1024
        big.mutateString(minimumCount: needed) { view in
            #expect(view.count == needed)
            #expect(view.capacity >= needed + 1024 * 1024)
        }
        #expect(big.stringLength == needed)
    }

    @Test("A uniquely referenced raw string is modified in place while it has room")
    func mutateInPlace() {
        var v = stringValue("hello")
        v.mutateString(minimumCount: 6) { _ in }
        // ObjectIdentifier does not retain, so the storage stays uniquely referenced.
        let first = ObjectIdentifier(v.object!)
        v.mutateString(minimumCount: 8) { view in
            view.withUnsafeMutableBytes { $0[7] = UInt8(ascii: "!") }
        }
        #expect(ObjectIdentifier(v.object!) == first)
        #expect(contents(v) == text("hello") + [0, 0, UInt8(ascii: "!")])
    }

    @Test("Mutating a copy never changes the original that shares its storage")
    func copyOnWrite() {
        let originalBytes = text(String(repeating: "x", count: 40))
        let original = stringValue(originalBytes)
        var copy = original
        #expect(copy.object === original.object)
        copy.mutateString(minimumCount: 0) { view in
            view.withUnsafeMutableBytes { $0[0] = UInt8(ascii: "Y") }
        }
        #expect(contents(original) == originalBytes)
        #expect(original.stringEncoding == "embstr")
        #expect(contents(copy).first == UInt8(ascii: "Y"))
        #expect(copy.object !== original.object)

        // Also for two values that were both mutated (raw, spare capacity): the copy must copy again.
        var a = stringValue("start")
        a.mutateString(minimumCount: 6) { view in view.withUnsafeMutableBytes { $0[5] = UInt8(ascii: "A") } }
        var b = a
        b.mutateString(minimumCount: 6) { view in view.withUnsafeMutableBytes { $0[5] = UInt8(ascii: "B") } }
        #expect(contents(a) == text("startA"))
        #expect(contents(b) == text("startB"))
        // And a Bytes taken from the value keeps the old contents.
        let snapshot = a.stringBytes
        a.mutateString(minimumCount: 6) { view in view.withUnsafeMutableBytes { $0[5] = UInt8(ascii: "C") } }
        #expect(snapshot.array == text("startA"))
        #expect(contents(a) == text("startC"))
    }

    @Test("duplicate of a string shares storage but stays independent under mutation")
    func duplicateString() {
        let v = stringValue(String(repeating: "d", count: 30))
        var d = v.duplicate()
        #expect(d.object === v.object)
        d.mutateString(minimumCount: 31) { _ in }
        #expect(v.stringLength == 30)
        #expect(d.stringLength == 31)
    }

    @Test("stringBytes of a short mutated string equals and hashes like the same bytes built directly")
    func stringBytesOfShortRawString() {
        for n in [0, 1, 5, 23, 24, 30] {
            var v = stringValue("")
            v.mutateString(minimumCount: n) { view in
                view.withUnsafeMutableBytes { buf in
                    for i in 0..<buf.count { buf[i] = UInt8(ascii: "a") + UInt8(i % 26) }
                }
            }
            let expected = Bytes((0..<n).map { UInt8(ascii: "a") + UInt8($0 % 26) })
            let got = v.stringBytes
            #expect(got.array == expected.array)
            #expect(got == expected, "length \(n)")
            #expect(got.keyHash == expected.keyHash, "length \(n)")
            #expect(got.hashValue == expected.hashValue, "length \(n)")
            #expect((got.heap == nil) == (n <= Bytes.inlineCapacity), "length \(n)")
        }
    }

    @Test("Collection values report their type, encoding and deep-copy on duplicate")
    func collections() {
        let list = FakeList([1, 2, 3])
        let v = Value(object: list, type: .list)
        #expect(v.type == .list)
        #expect(!v.isString)
        #expect(v.encodingName == "listpack")
        #expect(v.collection === list)
        let d = v.duplicate()
        #expect(d.type == .list)
        #expect(d.collection !== list)
        #expect((d.collection as! FakeList).items == [1, 2, 3])
        for type in [ValueType.list, .set, .zset, .hash, .stream] {
            #expect(Value(object: FakeList([]), type: type).type == type)
        }
        #expect(stringValue("x").isString)
    }

    @Test("ValueType names are the TYPE command's answers")
    func typeNames() {
        #expect(
            [ValueType.string, .list, .set, .zset, .hash, .stream].map(\.name)
                == ["string", "list", "set", "zset", "hash", "stream"])
    }
}
