// Geohashes as Redis's geo commands use them (geohash.c, geohash_helper.c): a position is the 52-bit
// interleaving of 26 bits of latitude (even bits) and 26 bits of longitude (odd bits) over Redis's Web-Mercator
// limits (latitude ±85.05112878, longitude ±180), stored as a sorted-set score. A search covers the cell that
// contains the centre at a precision chosen from the radius, plus its eight neighbours, each a contiguous score
// range; candidates are then filtered by exact distance (haversine on a sphere of radius 6372797.560856 m) or by
// the box. The arithmetic follows Redis step by step so that scores, distances and the members found are
// identical.
// SPDX-License-Identifier: BSD-3-Clause
import Glibc

public enum Geohash {
    public static let latitudeMin = -85.05112878
    public static let latitudeMax = 85.05112878
    public static let longitudeMin = -180.0
    public static let longitudeMax = 180.0
    public static let stepMax: UInt8 = 26
    static let earthRadius = 6372797.560856
    static let mercatorMax = 20037726.37
    static let degreesToRadians = Double.pi / 180.0

    /// A geohash of `step` bits per coordinate (`step` 0 with `bits` 0 is Redis's "zero" hash, a skipped cell).
    public struct Bits: Equatable, Sendable {
        public var bits: UInt64
        public var step: UInt8
        var isZero: Bool { bits == 0 && step == 0 }
        static let zero = Bits(bits: 0, step: 0)
    }

    /// The cell a hash denotes.
    struct Area {
        var longitudeMin = 0.0, longitudeMax = 0.0, latitudeMin = 0.0, latitudeMax = 0.0
    }

    struct CoordinateRange {
        var min: Double
        var max: Double
        static let longitude = CoordinateRange(min: Geohash.longitudeMin, max: Geohash.longitudeMax)
        static let latitude = CoordinateRange(min: Geohash.latitudeMin, max: Geohash.latitudeMax)
    }

    // MARK: - Encoding

    static func interleave(_ xlo: UInt32, _ ylo: UInt32) -> UInt64 {
        func spread(_ v: UInt32) -> UInt64 {
            var x = UInt64(v)
            x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
            x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333_3333_3333
            x = (x | (x << 1)) & 0x5555_5555_5555_5555
            return x
        }
        return spread(xlo) | (spread(ylo) << 1)
    }

    static func deinterleave(_ interleaved: UInt64) -> UInt64 {
        func squeeze(_ v: UInt64) -> UInt64 {
            var x = v & 0x5555_5555_5555_5555
            x = (x | (x >> 1)) & 0x3333_3333_3333_3333
            x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F
            x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF
            x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF
            x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF
            return x
        }
        return squeeze(interleaved) | (squeeze(interleaved >> 1) << 32)
    }

    /// geohashEncode: nil outside Redis's limits (or the given ranges).
    static func encode(
        longitude: Double, latitude: Double, step: UInt8,
        longitudeRange: CoordinateRange = .longitude, latitudeRange: CoordinateRange = .latitude
    ) -> Bits? {
        guard step >= 1, step <= 32 else { return nil }
        if longitude > longitudeMax || longitude < longitudeMin || latitude > latitudeMax || latitude < latitudeMin {
            return nil
        }
        if latitude < latitudeRange.min || latitude > latitudeRange.max || longitude < longitudeRange.min
            || longitude > longitudeRange.max
        {
            return nil
        }
        var latOffset = (latitude - latitudeRange.min) / (latitudeRange.max - latitudeRange.min)
        var lonOffset = (longitude - longitudeRange.min) / (longitudeRange.max - longitudeRange.min)
        latOffset *= Double(UInt64(1) << UInt64(step))
        lonOffset *= Double(UInt64(1) << UInt64(step))
        return Bits(bits: interleave(UInt32(latOffset), UInt32(lonOffset)), step: step)
    }

    /// geohashDecode: the cell of a hash.
    static func decode(
        _ hash: Bits, longitudeRange: CoordinateRange = .longitude, latitudeRange: CoordinateRange = .latitude
    ) -> Area? {
        if hash.isZero { return nil }
        let separated = deinterleave(hash.bits)
        let latScale = latitudeRange.max - latitudeRange.min
        let lonScale = longitudeRange.max - longitudeRange.min
        let ilato = UInt32(truncatingIfNeeded: separated)
        let ilono = UInt32(truncatingIfNeeded: separated >> 32)
        let cells = Double(UInt64(1) << UInt64(hash.step))
        var a = Area()
        a.latitudeMin = latitudeRange.min + (Double(ilato) * 1.0 / cells) * latScale
        a.latitudeMax = latitudeRange.min + (Double(ilato &+ 1) * 1.0 / cells) * latScale
        a.longitudeMin = longitudeRange.min + (Double(ilono) * 1.0 / cells) * lonScale
        a.longitudeMax = longitudeRange.min + (Double(ilono &+ 1) * 1.0 / cells) * lonScale
        return a
    }

    /// The 52-bit score of a position, nil outside the limits (GEOADD).
    public static func score(longitude: Double, latitude: Double) -> Double? {
        guard let h = encode(longitude: longitude, latitude: latitude, step: stepMax) else { return nil }
        return Double(align52(h))
    }

    static func align52(_ h: Bits) -> UInt64 { h.bits << UInt64(52 - Int(h.step) * 2) }

    /// The centre of the cell a score denotes, clamped to the limits (decodeGeohash). Any score decodes, as in
    /// Redis, where the double is converted to a 64-bit integer first.
    public static func position(ofScore score: Double) -> (longitude: Double, latitude: Double) {
        // What x86-64 code compiled by GCC yields for (uint64_t)score, out-of-range values included.
        let bits: UInt64
        if score < 9.223372036854775808e18 {
            bits = score >= -9.223372036854775808e18 ? UInt64(bitPattern: Int64(score)) : 0x8000_0000_0000_0000
        } else {
            bits = score < 1.8446744073709551616e19 ? UInt64(score) : 0
        }
        let a = decode(Bits(bits: bits, step: stepMax))!
        var lon = (a.longitudeMin + a.longitudeMax) / 2
        if lon > longitudeMax { lon = longitudeMax }
        if lon < longitudeMin { lon = longitudeMin }
        var lat = (a.latitudeMin + a.latitudeMax) / 2
        if lat > latitudeMax { lat = latitudeMax }
        if lat < latitudeMin { lat = latitudeMin }
        return (lon, lat)
    }

    /// GEOHASH's 11-character standard geohash (latitude over ±90) of the position a score denotes; the last
    /// character is always "0" since only 52 bits exist.
    public static func standardGeohash(ofScore score: Double) -> [UInt8] {
        let alphabet: [UInt8] = Array("0123456789bcdefghjkmnpqrstuvwxyz".utf8)
        let (lon, lat) = position(ofScore: score)
        let h = encode(longitude: lon, latitude: lat, step: 26, longitudeRange: CoordinateRange(min: -180, max: 180),
                       latitudeRange: CoordinateRange(min: -90, max: 90))
        let bits: UInt64 = h?.bits ?? 0
        var out = [UInt8](repeating: alphabet[0], count: 11)
        for i in 0..<10 {
            let shift = UInt64(52 - (i + 1) * 5)
            out[i] = alphabet[Int((bits >> shift) & 0x1F)]
        }
        return out
    }

    // MARK: - Distances

    static func radians(_ degrees: Double) -> Double { degrees * degreesToRadians }
    static func degrees(_ radians: Double) -> Double { radians / degreesToRadians }

    static func latitudeDistance(_ lat1: Double, _ lat2: Double) -> Double {
        earthRadius * abs(radians(lat2) - radians(lat1))
    }

    /// The haversine distance in meters (geohashGetDistance).
    public static func distance(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) -> Double {
        let lon1r = radians(lon1)
        let lon2r = radians(lon2)
        let v = sin((lon2r - lon1r) / 2)
        // Same longitude: the distance along the meridian, without the expensive part.
        if v == 0 { return latitudeDistance(lat1, lat2) }
        let lat1r = radians(lat1)
        let lat2r = radians(lat2)
        let u = sin((lat2r - lat1r) / 2)
        let a = u * u + cos(lat1r) * cos(lat2r) * v * v
        return 2.0 * earthRadius * asin(a.squareRoot())
    }

    // MARK: - Searching

    /// A search area: a circle of `radius` or a `width` × `height` box, in the unit `conversion` meters, around a
    /// centre.
    public struct Shape: Sendable {
        public enum Kind: Sendable {
            case radius(Double)
            case box(width: Double, height: Double)
        }
        public var longitude: Double
        public var latitude: Double
        public var kind: Kind
        /// Meters per unit.
        public var conversion: Double

        public init(longitude: Double, latitude: Double, kind: Kind, conversion: Double) {
            self.longitude = longitude
            self.latitude = latitude
            self.kind = kind
            self.conversion = conversion
        }

        /// The distance from the centre when the position of `score` is inside, else nil (geoWithinShape).
        public func contains(score: Double) -> (longitude: Double, latitude: Double, distance: Double)? {
            let (lon, lat) = Geohash.position(ofScore: score)
            switch kind {
            case let .radius(r):
                let d = Geohash.distance(longitude, latitude, lon, lat)
                return d > r * conversion ? nil : (lon, lat, d)
            case let .box(width, height):
                let w = width * conversion
                let h = height * conversion
                if Geohash.latitudeDistance(lat, latitude) > h / 2 { return nil }
                if Geohash.distance(lon, lat, longitude, lat) > w / 2 { return nil }
                return (lon, lat, Geohash.distance(longitude, latitude, lon, lat))
            }
        }

        /// [min lon, min lat, max lon, max lat] (geohashBoundingBox).
        func boundingBox() -> (Double, Double, Double, Double) {
            let (hHalf, wHalf): (Double, Double)
            switch kind {
            case let .radius(r): (hHalf, wHalf) = (r, r)
            case let .box(w, h): (hHalf, wHalf) = (h / 2, w / 2)
            }
            let height = conversion * hHalf
            let width = conversion * wHalf
            let latDelta = Geohash.degrees(height / Geohash.earthRadius)
            let r = Geohash.earthRadius
            let lonDeltaTop = Geohash.degrees(width / r / cos(Geohash.radians(latitude + latDelta)))
            let lonDeltaBottom = Geohash.degrees(width / r / cos(Geohash.radians(latitude - latDelta)))
            // The hemispheres curve opposite ways: take the wider edge.
            let southern = latitude < 0
            return (southern ? longitude - lonDeltaBottom : longitude - lonDeltaTop, latitude - latDelta,
                    southern ? longitude + lonDeltaBottom : longitude + lonDeltaTop, latitude + latDelta)
        }

        /// Radius in meters, for a box the distance from centre to corner.
        var radiusMeters: Double {
            switch kind {
            case let .radius(r): return r * conversion
            case let .box(w, h): return ((w / 2) * (w / 2) + (h / 2) * (h / 2)).squareRoot() * conversion
            }
        }
    }

    static func estimateSteps(radiusMeters: Double, latitude: Double) -> UInt8 {
        if radiusMeters == 0 { return 26 }
        var range = radiusMeters
        var step = 1
        while range < mercatorMax {
            range *= 2
            step += 1
        }
        step -= 2
        if latitude > 66 || latitude < -66 {
            step -= 1
            if latitude > 80 || latitude < -80 { step -= 1 }
        }
        return UInt8(Swift.min(Swift.max(step, 1), 26))
    }

    static func move(_ h: inout Bits, x d: Int) {
        if d == 0 { return }
        var x = h.bits & 0xAAAA_AAAA_AAAA_AAAA
        let y = h.bits & 0x5555_5555_5555_5555
        let zz: UInt64 = 0x5555_5555_5555_5555 >> UInt64(64 - Int(h.step) * 2)
        if d > 0 { x = x &+ (zz &+ 1) } else { x = (x | zz) &- (zz &+ 1) }
        x &= 0xAAAA_AAAA_AAAA_AAAA >> UInt64(64 - Int(h.step) * 2)
        h.bits = x | y
    }

    static func move(_ h: inout Bits, y d: Int) {
        if d == 0 { return }
        let x = h.bits & 0xAAAA_AAAA_AAAA_AAAA
        var y = h.bits & 0x5555_5555_5555_5555
        let zz: UInt64 = 0xAAAA_AAAA_AAAA_AAAA >> UInt64(64 - Int(h.step) * 2)
        if d > 0 { y = y &+ (zz &+ 1) } else { y = (y | zz) &- (zz &+ 1) }
        y &= 0x5555_5555_5555_5555 >> UInt64(64 - Int(h.step) * 2)
        h.bits = x | y
    }

    static func neighbour(_ h: Bits, _ dx: Int, _ dy: Int) -> Bits {
        var n = h
        move(&n, x: dx)
        move(&n, y: dy)
        return n
    }

    /// The nine cells to scan, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW); cells that cannot hold a
    /// match are zero (geohashCalculateAreasByShapeWGS84).
    public static func searchCells(_ shape: Shape) -> [Bits] {
        let (minLon, minLat, maxLon, maxLat) = shape.boundingBox()
        var steps = estimateSteps(radiusMeters: shape.radiusMeters, latitude: shape.latitude)
        func cells(_ steps: UInt8) -> (Bits, [Bits], Area) {
            let h = encode(longitude: shape.longitude, latitude: shape.latitude, step: steps) ?? .zero
            let n = [neighbour(h, 0, 1), neighbour(h, 0, -1), neighbour(h, 1, 0), neighbour(h, -1, 0),
                     neighbour(h, 1, 1), neighbour(h, -1, 1), neighbour(h, 1, -1), neighbour(h, -1, -1)]
            return (h, n, decode(h) ?? Area())
        }
        var (hash, n, area) = cells(steps)
        // Near the edges of a cell the estimated precision can be too fine for the neighbours to cover the area.
        let north = decode(n[0]) ?? Area(), south = decode(n[1]) ?? Area()
        let east = decode(n[2]) ?? Area(), west = decode(n[3]) ?? Area()
        let decrease = north.latitudeMax < maxLat || south.latitudeMin > minLat || east.longitudeMax < maxLon
            || west.longitudeMin > minLon
        if steps > 1 && decrease {
            steps -= 1
            (hash, n, area) = cells(steps)
        }
        // Drop the neighbours outside the bounding box: N 0, S 1, E 2, W 3, NE 4, NW 5, SE 6, SW 7.
        if steps >= 2 {
            if area.latitudeMin < minLat { for i in [1, 7, 6] { n[i] = .zero } }
            if area.latitudeMax > maxLat { for i in [0, 4, 5] { n[i] = .zero } }
            if area.longitudeMin < minLon { for i in [3, 7, 5] { n[i] = .zero } }
            if area.longitudeMax > maxLon { for i in [2, 6, 4] { n[i] = .zero } }
        }
        return [hash] + n
    }

    /// The score range [min, max) of the positions inside a cell.
    public static func scoreRange(of cell: Bits) -> (min: Double, max: Double) {
        var next = cell
        next.bits += 1
        return (Double(align52(cell)), Double(align52(next)))
    }
}
