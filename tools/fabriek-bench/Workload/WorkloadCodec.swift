import EventLog

/// Fabriek's payload format for the workload: a compact binary encoding written by hand.
///
/// Each payload is its fields in declaration order, with no field names and no type tag (the
/// type is the log's event type):
/// - integers: zigzag LEB128 varint;
/// - strings: varint byte length, then UTF-8;
/// - instants and dates (`…_at`, `deadline`, `start_date`, `period_…`): seconds or days since
///   1970-01-01 as in Fabriek's catalogue (see `CivilTime`), or the text when not canonical;
/// - string lists: varint count, then each string;
/// - closed sets (country, bidder kind, ...): one byte;
/// - `ProfileFields`: one byte of presence bits (skills, rate, neighbourhood, city, country,
///   email = bits 0...5), then the present fields;
/// - `Bidder`: one byte (bit 0 kind, bit 1 name present), the name if present, the kvk list.
///
/// `encode` appends to a caller-owned buffer (reuse it: clear with
/// `removeAll(keepingCapacity: true)`) and never fails; `decode` reads straight from the stored
/// bytes and throws `WorkloadCodecError` for bytes that are not a whole payload of the given type.
enum WorkloadCodec {
    static func encode(_ event: WorkloadEvent, into out: inout [UInt8]) {
        // Reserve the worst case once, write through a pointer, then trim: no per-byte capacity
        // or uniqueness checks.
        let bound = maximumSize(event)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        let written = out.withUnsafeMutableBytes { buffer in
            var w = PayloadWriter(buffer.baseAddress! + start)
            w.write(event)
            return w.count
        }
        out.removeLast(bound - written)
    }

    /// An upper bound of the encoded size: every string's bytes, 10 bytes per varint or code.
    private static func maximumSize(_ event: WorkloadEvent) -> Int {
        func s(_ v: String) -> Int { v.utf8.count + 10 }
        func l(_ v: [String]) -> Int { v.reduce(10) { $0 + s($1) } }
        func o(_ v: String?) -> Int { v.map(s) ?? 0 }
        func p(_ v: ProfileFields) -> Int { 1 + (v.skills.map(l) ?? 0) + 10 + o(v.neighbourhood) + o(v.city) + 1 + o(v.email) }
        func b(_ v: Bidder) -> Int { 1 + o(v.name) + l(v.kvk) }
        switch event {
        case .memberJoined(let e):
            return s(e.kvk) + s(e.name) + s(e.email) + l(e.skills) + s(e.neighbourhood) + s(e.city) + 1 + 10 + s(e.joinedAt)
        case .memberProfileUpdated(let e):
            return s(e.kvk) + p(e.changes) + p(e.previous) + 2 + s(e.updatedAt)
        case .tenderPublished(let e):
            return s(e.tenderId) + s(e.title) + s(e.client) + l(e.requiredSkills) + s(e.neighbourhood) + s(e.city) + 10
                + s(e.publishedAt) + s(e.deadline)
        case .tenderClosed(let e):
            return s(e.tenderId) + 1 + 30 + 1 + s(e.closedBy) + s(e.closedAt)
        case .tenderAwarded(let e):
            return s(e.tenderId) + s(e.bidId) + b(e.awardedTo) + 10 + s(e.awardedAt) + s(e.justification)
        case .bidSubmitted(let e):
            return s(e.bidId) + s(e.tenderId) + b(e.bidder) + 20 + s(e.startDate) + s(e.note) + s(e.submittedAt)
        case .crossBorderWorkRegistered(let e):
            return s(e.registrationId) + s(e.kvk) + 1 + 10 + s(e.periodStart) + s(e.periodEnd) + s(e.clientName)
                + s(e.clientVat) + s(e.a1Certificate) + s(e.registeredAt)
        }
    }

    static func decode(_ kind: WorkloadEventKind, from bytes: UnsafeRawBufferPointer) throws(WorkloadCodecError) -> WorkloadEvent {
        var r = PayloadReader(bytes)
        let event: WorkloadEvent
        switch kind {
        case .memberJoined:
            event = .memberJoined(MemberJoined(
                kvk: try r.string(), name: try r.string(), email: try r.string(),
                skills: try r.strings(), neighbourhood: try r.string(), city: try r.string(),
                country: try r.code(Country.init(code:)), hourlyRateEur: try r.int(),
                joinedAt: try r.instant()))
        case .memberProfileUpdated:
            event = .memberProfileUpdated(MemberProfileUpdated(
                kvk: try r.string(), changes: try r.profile(), previous: try r.profile(),
                updatedBy: try r.code(MemberProfileUpdated.UpdatedBy.init(code:)),
                source: try r.code(MemberProfileUpdated.Source.init(code:)),
                updatedAt: try r.instant()))
        case .tenderPublished:
            event = .tenderPublished(TenderPublished(
                tenderId: try r.string(), title: try r.string(), client: try r.string(),
                requiredSkills: try r.strings(), neighbourhood: try r.string(),
                city: try r.string(), budgetEur: try r.int(), publishedAt: try r.instant(),
                deadline: try r.instant()))
        case .tenderClosed:
            event = .tenderClosed(TenderClosed(
                tenderId: try r.string(), reason: try r.code(TenderClosed.Reason.init(code:)),
                bidsReceived: try r.int(), lowestBidEur: try r.int(), highestBidEur: try r.int(),
                nextStep: try r.code(TenderClosed.NextStep.init(code:)),
                closedBy: try r.string(), closedAt: try r.instant()))
        case .tenderAwarded:
            event = .tenderAwarded(TenderAwarded(
                tenderId: try r.string(), bidId: try r.string(), awardedTo: try r.bidder(),
                amountEur: try r.int(), awardedAt: try r.instant(), justification: try r.string()))
        case .bidSubmitted:
            event = .bidSubmitted(BidSubmitted(
                bidId: try r.string(), tenderId: try r.string(), bidder: try r.bidder(),
                amountEur: try r.int(), hours: try r.int(), startDate: try r.date(),
                note: try r.string(), submittedAt: try r.instant()))
        case .crossBorderWorkRegistered:
            event = .crossBorderWorkRegistered(CrossBorderWorkRegistered(
                registrationId: try r.string(), kvk: try r.string(),
                country: try r.code(Country.init(code:)), days: try r.int(),
                periodStart: try r.date(), periodEnd: try r.date(),
                clientName: try r.string(), clientVat: try r.string(),
                a1Certificate: try r.string(), registeredAt: try r.instant()))
        }
        guard r.isAtEnd else { throw .trailingBytes(offset: r.offset) }
        return event
    }
}

/// Why bytes are not a payload of the type given to `WorkloadCodec.decode`.
enum WorkloadCodecError: Error, Sendable, Equatable {
    /// The payload ends inside a field that starts before `offset`.
    case truncated(offset: Int)
    /// A one-byte code at `offset` names no member of its closed set.
    case badCode(offset: Int, code: UInt8)
    /// A varint at `offset` is longer than 64 bits.
    case badVarint(offset: Int)
    /// An instant or date at `offset` lies outside the years 0000-9999.
    case badCivilTime(offset: Int)
    /// The payload has bytes left after its last field.
    case trailingBytes(offset: Int)
}

/// Signed integers as unsigned, small magnitudes small: 0, -1, 1, -2 → 0, 1, 2, 3.
private enum ZigZag {
    @inline(__always)
    static func encode(_ n: Int64) -> UInt64 { UInt64(bitPattern: (n << 1) ^ (n >> 63)) }

    @inline(__always)
    static func decode(_ z: UInt64) -> Int64 { Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))) }
}

// MARK: - Writing

/// Writes fields at a pointer into space the caller reserved (`WorkloadCodec.maximumSize`).
private struct PayloadWriter {
    let base: UnsafeMutableRawPointer
    private(set) var count = 0

    init(_ base: UnsafeMutableRawPointer) { self.base = base }

    mutating func write(_ event: WorkloadEvent) {
        switch event {
        case .memberJoined(let e):
            string(e.kvk); string(e.name); string(e.email); strings(e.skills); string(e.neighbourhood)
            string(e.city); byte(e.country.code); int(e.hourlyRateEur); instant(e.joinedAt)
        case .memberProfileUpdated(let e):
            string(e.kvk); profile(e.changes); profile(e.previous); byte(e.updatedBy.code)
            byte(e.source.code); instant(e.updatedAt)
        case .tenderPublished(let e):
            string(e.tenderId); string(e.title); string(e.client); strings(e.requiredSkills)
            string(e.neighbourhood); string(e.city); int(e.budgetEur); instant(e.publishedAt); instant(e.deadline)
        case .tenderClosed(let e):
            string(e.tenderId); byte(e.reason.code); int(e.bidsReceived); int(e.lowestBidEur)
            int(e.highestBidEur); byte(e.nextStep.code); string(e.closedBy); instant(e.closedAt)
        case .tenderAwarded(let e):
            string(e.tenderId); string(e.bidId); bidder(e.awardedTo); int(e.amountEur)
            instant(e.awardedAt); string(e.justification)
        case .bidSubmitted(let e):
            string(e.bidId); string(e.tenderId); bidder(e.bidder); int(e.amountEur); int(e.hours)
            date(e.startDate); string(e.note); instant(e.submittedAt)
        case .crossBorderWorkRegistered(let e):
            string(e.registrationId); string(e.kvk); byte(e.country.code); int(e.days)
            date(e.periodStart); date(e.periodEnd); string(e.clientName); string(e.clientVat)
            string(e.a1Certificate); instant(e.registeredAt)
        }
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        Varint.encode(value) { byte($0) }
    }

    @inline(__always)
    mutating func int(_ value: Int) {
        varint(ZigZag.encode(Int64(value)))
    }

    @inline(__always)
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes(utf8)
        }
    }

    @inline(__always)
    private mutating func bytes(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let source = utf8.baseAddress else { return }
        (base + count).copyMemory(from: source, byteCount: utf8.count)
        count += utf8.count
    }

    /// An instant or date: `varint(zigzag(n) << 1 | 1)` when `CivilTime` converts it, otherwise
    /// `varint(length << 1)` and the UTF-8 bytes.
    @inline(__always)
    mutating func instant(_ value: String) { civil(value) { CivilTime.parseInstant($0) } }

    @inline(__always)
    mutating func date(_ value: String) { civil(value) { CivilTime.parseDate($0) } }

    @inline(__always)
    private mutating func civil(_ value: String, _ parse: (UnsafeBufferPointer<UInt8>) -> Int64?) {
        var value = value
        value.withUTF8 { utf8 in
            if let n = parse(utf8) {
                varint(ZigZag.encode(n) << 1 | 1)
            } else {
                varint(UInt64(utf8.count) << 1)
                bytes(utf8)
            }
        }
    }

    mutating func strings(_ values: [String]) {
        varint(UInt64(values.count))
        for value in values { string(value) }
    }

    mutating func profile(_ p: ProfileFields) {
        var present: UInt8 = 0
        if p.skills != nil { present |= 1 << 0 }
        if p.hourlyRateEur != nil { present |= 1 << 1 }
        if p.neighbourhood != nil { present |= 1 << 2 }
        if p.city != nil { present |= 1 << 3 }
        if p.country != nil { present |= 1 << 4 }
        if p.email != nil { present |= 1 << 5 }
        byte(present)
        if let v = p.skills { strings(v) }
        if let v = p.hourlyRateEur { int(v) }
        if let v = p.neighbourhood { string(v) }
        if let v = p.city { string(v) }
        if let v = p.country { byte(v.code) }
        if let v = p.email { string(v) }
    }

    mutating func bidder(_ b: Bidder) {
        byte(b.kind.code | (b.name == nil ? 0 : 2))
        if let name = b.name { string(name) }
        strings(b.kvk)
    }
}

// MARK: - Reading

/// A cursor over one stored payload; every read checks the bounds.
private struct PayloadReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    @inline(__always)
    mutating func byte() throws(WorkloadCodecError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func varint() throws(WorkloadCodecError) -> UInt64 {
        let start = offset
        guard let base = bytes.baseAddress else { throw .truncated(offset: bytes.count) }
        do throws(VarintError) {
            return try Varint.decode(base, offset: &offset, end: bytes.count)
        } catch {
            switch error {
            case .truncated: throw .truncated(offset: bytes.count)
            case .overflows: throw .badVarint(offset: start)
            }
        }
    }

    @inline(__always)
    mutating func int() throws(WorkloadCodecError) -> Int {
        Int(truncatingIfNeeded: ZigZag.decode(try varint()))
    }

    @inline(__always)
    mutating func string() throws(WorkloadCodecError) -> String {
        let start = offset
        return try text(length: try varint(), start: start)
    }

    /// `length` bytes of UTF-8 from the cursor; `start` is where their field began.
    @inline(__always)
    private mutating func text(length: UInt64, start: Int) throws(WorkloadCodecError) -> String {
        guard length <= UInt64(bytes.count - offset) else { throw .truncated(offset: start) }
        let end = offset + Int(length)
        defer { offset = end }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
    }

    @inline(__always)
    mutating func instant() throws(WorkloadCodecError) -> String { try civil(CivilTime.formatInstant) }

    @inline(__always)
    mutating func date() throws(WorkloadCodecError) -> String { try civil(CivilTime.formatDate) }

    @inline(__always)
    private mutating func civil(_ format: (Int64) -> String?) throws(WorkloadCodecError) -> String {
        let start = offset
        let head = try varint()
        guard head & 1 == 1 else { return try text(length: head >> 1, start: start) }
        guard let text = format(ZigZag.decode(head >> 1)) else { throw .badCivilTime(offset: start) }
        return text
    }

    mutating func strings() throws(WorkloadCodecError) -> [String] {
        let start = offset
        let count = try varint()
        guard count <= UInt64(bytes.count - offset) else { throw .truncated(offset: start) }
        var out: [String] = []
        out.reserveCapacity(Int(count))
        for _ in 0..<count { out.append(try string()) }
        return out
    }

    @inline(__always)
    mutating func code<T>(_ make: (UInt8) -> T?) throws(WorkloadCodecError) -> T {
        let at = offset
        let b = try byte()
        guard let value = make(b) else { throw .badCode(offset: at, code: b) }
        return value
    }

    mutating func profile() throws(WorkloadCodecError) -> ProfileFields {
        let at = offset
        let present = try byte()
        guard present & 0xC0 == 0 else { throw .badCode(offset: at, code: present) }
        var p = ProfileFields()
        if present & (1 << 0) != 0 { p.skills = try strings() }
        if present & (1 << 1) != 0 { p.hourlyRateEur = try int() }
        if present & (1 << 2) != 0 { p.neighbourhood = try string() }
        if present & (1 << 3) != 0 { p.city = try string() }
        if present & (1 << 4) != 0 { p.country = try code(Country.init(code:)) }
        if present & (1 << 5) != 0 { p.email = try string() }
        return p
    }

    mutating func bidder() throws(WorkloadCodecError) -> Bidder {
        let at = offset
        let head = try byte()
        guard head & 0xFC == 0, let kind = Bidder.Kind(code: head & 1) else {
            throw .badCode(offset: at, code: head)
        }
        let name = head & 2 != 0 ? try string() : nil
        return Bidder(kind: kind, name: name, kvk: try strings())
    }
}

// MARK: - One-byte codes of the closed sets

extension Country {
    fileprivate var code: UInt8 {
        switch self { case .nl: 0; case .be: 1; case .de: 2 }
    }
    fileprivate init?(code: UInt8) {
        switch code { case 0: self = .nl; case 1: self = .be; case 2: self = .de; default: return nil }
    }
}

extension Bidder.Kind {
    fileprivate var code: UInt8 {
        switch self { case .member: 0; case .consortium: 1 }
    }
    fileprivate init?(code: UInt8) {
        switch code { case 0: self = .member; case 1: self = .consortium; default: return nil }
    }
}

extension MemberProfileUpdated.UpdatedBy {
    fileprivate var code: UInt8 {
        switch self { case .member: 0; case .administration: 1 }
    }
    fileprivate init?(code: UInt8) {
        switch code { case 0: self = .member; case 1: self = .administration; default: return nil }
    }
}

extension MemberProfileUpdated.Source {
    fileprivate var code: UInt8 {
        switch self { case .memberPortal: 0; case .mobileApp: 1; case .administrationDesk: 2 }
    }
    fileprivate init?(code: UInt8) {
        switch code {
        case 0: self = .memberPortal; case 1: self = .mobileApp; case 2: self = .administrationDesk
        default: return nil
        }
    }
}

extension TenderClosed.Reason {
    fileprivate var code: UInt8 {
        switch self { case .deadlinePassed: 0; case .withdrawnByClient: 1 }
    }
    fileprivate init?(code: UInt8) {
        switch code { case 0: self = .deadlinePassed; case 1: self = .withdrawnByClient; default: return nil }
    }
}

extension TenderClosed.NextStep {
    fileprivate var code: UInt8 {
        switch self { case .none: 0; case .evaluation: 1 }
    }
    fileprivate init?(code: UInt8) {
        switch code { case 0: self = .none; case 1: self = .evaluation; default: return nil }
    }
}
