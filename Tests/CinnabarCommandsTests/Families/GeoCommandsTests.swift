// GeoCommands: GEOADD, GEOPOS, GEODIST, GEOHASH and the searches (GEORADIUS*, GEOSEARCH[STORE]) with the exact
// replies of Redis 7.2.6 (recorded from redis-server): scores, coordinates as human long doubles (bulk in RESP2,
// doubles in RESP3), four-decimal distances, orders, STORE/STOREDIST and the error texts.
import CinnabarCommands
import Testing

@Suite("Geo commands")
struct GeoCommandsTests {
    func sicily(_ h: Harness) {
        #expect(h.callRaw("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")
            == int(2))
    }

    @Test("GEOADD stores Redis's 52-bit geohash as the score; NX/XX/CH go through ZADD")
    func geoadd() {
        let h = Harness()
        sicily(h)
        #expect(h.callRaw("ZSCORE", "Sicily", "Palermo") == bulk("3479099956230698"))
        #expect(h.callRaw("GEOADD", "Sicily", "XX", "CH", "13", "38", "Palermo", "1", "1", "new") == int(1))
        #expect(h.callRaw("ZCARD", "Sicily") == int(2))
        #expect(h.callRaw("GEOADD", "Sicily", "NX", "13.361389", "38.115556", "Palermo", "1", "1", "new") == int(1))
        #expect(h.callRaw("GEOADD", "Sicily", "NX", "XX", "1", "1", "a") == err("ERR syntax error"))
        #expect(h.callRaw("GEOADD", "Sicily", "1", "1") == err("ERR wrong number of arguments for 'geoadd' command"))
        #expect(h.callRaw("GEOADD", "Sicily", "1", "1", "a", "2") == err("ERR syntax error"))
        #expect(h.callRaw("GEOADD", "Sicily", "181", "1", "a")
            == err("ERR invalid longitude,latitude pair 181.000000,1.000000"))
        #expect(h.callRaw("GEOADD", "Sicily", "1", "85.06", "a")
            == err("ERR invalid longitude,latitude pair 1.000000,85.060000"))
        #expect(h.callRaw("GEOADD", "Sicily", "x", "1", "a") == err("ERR value is not a valid float"))
        h.callRaw("SET", "s", "x")
        #expect(h.callRaw("GEOADD", "s", "1", "1", "a")
            == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
    }

    @Test("GEOPOS, GEODIST and GEOHASH")
    func lookups() {
        let h = Harness()
        sicily(h)
        #expect(h.callRaw("GEOPOS", "Sicily", "Palermo", "NonExisting")
            == array(array(bulk("13.36138933897018433"), bulk("38.11555639549629859")), "*-1\r\n"))
        #expect(h.callRaw("GEOPOS", "nokey", "a") == array("*-1\r\n"))
        #expect(h.callRaw("GEODIST", "Sicily", "Palermo", "Catania") == bulk("166274.1516"))
        #expect(h.callRaw("GEODIST", "Sicily", "Palermo", "Catania", "km") == bulk("166.2742"))
        #expect(h.callRaw("GEODIST", "Sicily", "Palermo", "Catania", "MI") == bulk("103.3182"))
        #expect(h.callRaw("GEODIST", "Sicily", "Palermo", "x") == "$-1\r\n")
        #expect(h.callRaw("GEODIST", "nokey", "a", "b") == "$-1\r\n")
        #expect(h.callRaw("GEODIST", "Sicily", "Palermo", "Catania", "yd")
            == err("ERR unsupported unit provided. please use M, KM, FT, MI"))
        #expect(h.callRaw("GEODIST", "Sicily", "Palermo", "Catania", "km", "x") == err("ERR syntax error"))
        #expect(h.callRaw("GEOHASH", "Sicily", "Palermo", "Catania", "x")
            == array(bulk("sqc8b49rny0"), bulk("sqdtr74hyu0"), "$-1\r\n"))
    }

    @Test("RESP3: coordinates are doubles, missing positions null")
    func resp3() {
        let h = Harness(resp3: true)
        sicily(h)
        #expect(h.callRaw("GEOPOS", "Sicily", "Palermo", "NonExisting")
            == array(array(",13.36138933897018433\r\n", ",38.11555639549629859\r\n"), "_\r\n"))
        #expect(h.callRaw("GEOHASH", "Sicily", "x") == array("_\r\n"))
    }

    @Test("GEORADIUS with WITHDIST/WITHCOORD/WITHHASH, ordering and COUNT")
    func georadius() {
        let h = Harness()
        sicily(h)
        let catania = array(bulk("Catania"), bulk("56.4413"), int(3_479_447_370_796_909),
                            array(bulk("15.08726745843887329"), bulk("37.50266842333162032")))
        let palermo = array(bulk("Palermo"), bulk("190.4424"), int(3_479_099_956_230_698),
                            array(bulk("13.36138933897018433"), bulk("38.11555639549629859")))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC")
            == array(catania, palermo))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "100", "km") == array(bulk("Catania")))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "DESC", "COUNT", "1")
            == array(bulk("Palermo")))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1") == array(bulk("Catania")))
        #expect(h.callRaw("GEORADIUS", "nokey", "15", "37", "200", "km") == "*0\r\n")
        #expect(h.callRaw("GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST")
            == array(array(bulk("Palermo"), bulk("0.0000")), array(bulk("Catania"), bulk("166.2742"))))
        #expect(h.callRaw("GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "100", "km") == array(bulk("Catania")))
    }

    @Test("GEOSEARCH by radius and by box, from a member or a position")
    func geosearch() {
        let h = Harness()
        sicily(h)
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "DESC", "WITHDIST")
            == array(array(bulk("Catania"), bulk("166.2742")), array(bulk("Palermo"), bulk("0.0000"))))
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC")
            == array(bulk("Catania"), bulk("Palermo")))
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "10", "10", "km") == "*0\r\n")
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1", "ANY")
            .hasPrefix("*1\r\n"))
    }

    @Test("STORE, STOREDIST and GEOSEARCHSTORE write sorted sets; an empty result deletes the destination")
    func store() {
        let h = Harness()
        sicily(h)
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "d") == int(2))
        #expect(h.callRaw("ZRANGE", "d", "0", "-1", "WITHSCORES")
            == array(bulk("Catania"), bulk("56.4412578701582"), bulk("Palermo"), bulk("190.44242984775784")))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d") == int(2))
        #expect(h.callRaw("ZSCORE", "d", "Palermo") == bulk("3479099956230698"))
        #expect(h.callRaw("GEOSEARCHSTORE", "d2", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                          "STOREDIST", "COUNT", "1") == int(1))
        #expect(h.callRaw("ZRANGE", "d2", "0", "-1", "WITHSCORES") == array(bulk("Catania"), bulk("56.4412578701582")))
        #expect(h.callRaw("GEOSEARCHSTORE", "d2", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m") == int(0))
        #expect(h.callRaw("EXISTS", "d2") == int(0))
        #expect(h.callRaw("GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "d") == int(0))
        #expect(h.callRaw("EXISTS", "d") == int(0))
    }

    @Test("Search errors are Redis's, in Redis's order")
    func searchErrors() {
        let h = Harness()
        sicily(h)
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "-1", "km") == err("ERR radius cannot be negative"))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "x", "km") == err("ERR need numeric radius"))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "1", "yd")
            == err("ERR unsupported unit provided. please use M, KM, FT, MI"))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY")
            == err("ERR the ANY argument requires COUNT argument"))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0") == err("ERR COUNT must be > 0"))
        #expect(h.callRaw("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d", "WITHDIST")
            == err("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"))
        #expect(h.callRaw("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST")
            == err("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"))
        #expect(h.callRaw("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "d") == err("ERR syntax error"))
        #expect(h.callRaw("GEORADIUSBYMEMBER", "Sicily", "nope", "200", "km")
            == err("ERR could not decode requested zset member"))
        #expect(h.callRaw("GeoSearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST")
            == err("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch"))
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "ASC", "WITHDIST")
            == err("ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"))
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km")
            == err("ERR height or width cannot be negative"))
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "x", "1", "km")
            == err("ERR need numeric width"))
        #expect(h.callRaw("GEOSEARCH", "Sicily", "FROMMEMBER", "a", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km")
            == err("ERR could not decode requested zset member"))
    }
}
