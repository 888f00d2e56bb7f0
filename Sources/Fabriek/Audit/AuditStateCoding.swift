import EventLog
import Events
import Foundation

/// A state the auditor may evict from memory to its scratch file (`SpillingTable`): encoded in
/// the protobuf layout of the events (`ProtoWriter`, the events' own messages for their
/// values), decoded back to an equal value. Fields in number order, absent optionals omitted;
/// the encoding lives only as long as one auditor, so it carries no version.
protocol AuditStateCoding {
    func encode(to w: inout ProtoWriter)
    init(from r: inout ProtoReader) throws
}

extension ProtoWriter {
    /// A case of a `CaseIterable` enum without wire numbers, by its index among the cases.
    mutating func caseIndex<E: CaseIterable & Equatable>(_ field: UInt32, _ v: E) {
        uint64(field, UInt64(E.allCases.firstIndex(of: v).map { E.allCases.distance(from: E.allCases.startIndex, to: $0) } ?? 0))
    }
}

extension ProtoReader {
    /// The sub-message of a length-delimited field.
    mutating func nested(_ wire: WireType) throws -> ProtoReader {
        ProtoReader(try bytesBuffer(wire))
    }

    mutating func caseIndex<E: CaseIterable>(_ wire: WireType, as: E.Type) throws -> E {
        let n = Int(try uint64(wire))
        guard n < E.allCases.count else { throw ProtoDecodingError.unknownEnumValue(enum: String(describing: E.self), number: Int32(n)) }
        return E.allCases[E.allCases.index(E.allCases.startIndex, offsetBy: n)]
    }
}

private func missing(_ message: String, _ field: UInt32) -> ProtoDecodingError {
    .missingField(message: message, field: field)
}

extension TenderState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        if let tenderId { w.uuid(1, tenderId) }
        w.caseIndex(2, status)
        if let buyer { w.message(3, buyer) }
        w.enumValue(4, category)
        w.enumValue(5, procedure)
        w.int64(6, estimatedValueCents)
        for lot in lots { w.message(7, lot) }
        w.timestamp(8, submissionDeadline)
        w.enumValue(9, participationRule)
        w.uint32(10, standstillDays)
        for party in invited { w.message(11, party) }
        for bid in bids { w.nested(12) { bid.encode(to: &$0) } }
        for award in awards.values.sorted(by: { $0.lot < $1.lot }) { w.nested(13) { award.encode(to: &$0) } }
    }

    init(from r: inout ProtoReader) throws {
        self = .initial
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: tenderId = try r.uuid(wire)
            case 2: status = try r.caseIndex(wire, as: TenderStatus.self)
            case 3: buyer = try r.message(wire, as: Buyer.self)
            case 4: category = try r.enumValue(wire, as: ProcurementCategory.self)
            case 5: procedure = try r.enumValue(wire, as: ProcedureType.self)
            case 6: estimatedValueCents = try r.int64(wire)
            case 7: lots.append(try r.message(wire, as: Lot.self))
            case 8: submissionDeadline = try r.timestamp(wire)
            case 9: participationRule = try r.enumValue(wire, as: ParticipationRule.self)
            case 10: standstillDays = try r.uint32(wire)
            case 11: invited.append(try r.message(wire, as: PartyRef.self))
            case 12:
                var sub = try r.nested(wire)
                bids.append(try BidState(from: &sub))
            case 13:
                var sub = try r.nested(wire)
                let award = try AwardState(from: &sub)
                awards[award.lot] = award
            default: try r.skip(wire)
            }
        }
    }
}

extension BidState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        w.uuid(1, bidId)
        w.packedUint32s(2, lots)
        w.message(3, bidder)
        for p in participants { w.uuid(4, p) }
        w.int64(5, priceCents)
        w.bool(6, isWithdrawn)
        if let outcome { w.enumValue(7, outcome) }
    }

    init(from r: inout ProtoReader) throws {
        var bidId: UUID?, bidder: PartyRef?
        var lots: [UInt32] = [], participants: [UUID] = []
        var priceCents: Int64 = 0, isWithdrawn = false, outcome: BidOutcome?
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: bidId = try r.uuid(wire)
            case 2: try r.appendUint32s(wire, to: &lots)
            case 3: bidder = try r.message(wire, as: PartyRef.self)
            case 4: participants.append(try r.uuid(wire))
            case 5: priceCents = try r.int64(wire)
            case 6: isWithdrawn = try r.bool(wire)
            case 7: outcome = try r.enumValue(wire, as: BidOutcome.self)
            default: try r.skip(wire)
            }
        }
        guard let bidId else { throw missing("BidState", 1) }
        guard let bidder else { throw missing("BidState", 3) }
        self.init(bidId: bidId, lots: lots, bidder: bidder, participants: participants, priceCents: priceCents,
                  isWithdrawn: isWithdrawn, outcome: outcome)
    }
}

extension AwardState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        w.uint32(1, lot)
        w.uuid(2, bidId)
        w.int64(3, valueCents)
        w.timestamp(4, standstillEndsAt)
        w.bool(5, isFinal)
    }

    init(from r: inout ProtoReader) throws {
        var lot: UInt32 = 0, bidId: UUID?, valueCents: Int64 = 0
        var standstillEndsAt = Timestamp(microsecondsSinceEpoch: 0), isFinal = false
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: lot = try r.uint32(wire)
            case 2: bidId = try r.uuid(wire)
            case 3: valueCents = try r.int64(wire)
            case 4: standstillEndsAt = try r.timestamp(wire)
            case 5: isFinal = try r.bool(wire)
            default: try r.skip(wire)
            }
        }
        guard let bidId else { throw missing("AwardState", 2) }
        self.init(lot: lot, bidId: bidId, valueCents: valueCents, standstillEndsAt: standstillEndsAt, isFinal: isFinal)
    }
}

extension MemberState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        if let memberId { w.uuid(1, memberId) }
        w.caseIndex(2, status)
        for key in registryKeys {
            switch key {
            case .digest(let d): w.message(3, d)
            case .plaintext(let id): w.message(4, id)
            }
        }
        for consent in activeConsents.sorted(by: { $0.uuidString < $1.uuidString }) { w.uuid(5, consent) }
    }

    init(from r: inout ProtoReader) throws {
        self = .initial
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: memberId = try r.uuid(wire)
            case 2: status = try r.caseIndex(wire, as: MemberStatus.self)
            case 3: registryKeys.append(.digest(try r.message(wire, as: RegistryDigest.self)))
            case 4: registryKeys.append(.plaintext(try r.message(wire, as: RegistryId.self)))
            case 5: activeConsents.insert(try r.uuid(wire))
            default: try r.skip(wire)
            }
        }
    }
}

extension ConsortiumState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        if let consortiumId { w.uuid(1, consortiumId) }
        if let leadMemberId { w.uuid(2, leadMemberId) }
        for m in members { w.message(3, m) }
        w.bool(4, isDissolved)
    }

    init(from r: inout ProtoReader) throws {
        self = .initial
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: consortiumId = try r.uuid(wire)
            case 2: leadMemberId = try r.uuid(wire)
            case 3: members.append(try r.message(wire, as: ConsortiumMembership.self))
            case 4: isDissolved = try r.bool(wire)
            default: try r.skip(wire)
            }
        }
    }
}

extension CrossBorderState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        if let assignmentId { w.uuid(1, assignmentId) }
        if let memberId { w.uuid(2, memberId) }
        w.day(3, startsOn)
        w.day(4, endsOn)
        w.enumValue(5, socialSecurityBasis)
        if let a1Status { w.enumValue(6, a1Status) }
        w.bool(7, isEnded)
    }

    init(from r: inout ProtoReader) throws {
        self = .initial
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: assignmentId = try r.uuid(wire)
            case 2: memberId = try r.uuid(wire)
            case 3: startsOn = try r.day(wire)
            case 4: endsOn = try r.day(wire)
            case 5: socialSecurityBasis = try r.enumValue(wire, as: SocialSecurityBasis.self)
            case 6: a1Status = try r.enumValue(wire, as: A1Status.self)
            case 7: isEnded = try r.bool(wire)
            default: try r.skip(wire)
            }
        }
    }
}

extension ActivityState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        if let activityId { w.uuid(1, activityId) }
        w.enumValue(2, activityType)
        w.uint32(3, durationMinutes)
        for m in attendingMemberIds { w.uuid(4, m) }
    }

    init(from r: inout ProtoReader) throws {
        self = .initial
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: activityId = try r.uuid(wire)
            case 2: activityType = try r.enumValue(wire, as: ActivityType.self)
            case 3: durationMinutes = try r.uint32(wire)
            case 4: attendingMemberIds.append(try r.uuid(wire))
            default: try r.skip(wire)
            }
        }
    }
}

extension GoalState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        if let current { w.message(1, current) }
    }

    init(from r: inout ProtoReader) throws {
        self = .initial
        while let (field, wire) = try r.nextField() {
            if field == 1 { current = try r.message(wire, as: ProgrammeGoalSet.self) } else { try r.skip(wire) }
        }
    }
}

extension ReportState: AuditStateCoding {
    func encode(to w: inout ProtoWriter) {
        if let issued { w.message(1, issued) }
    }

    init(from r: inout ProtoReader) throws {
        self.init(issued: nil)
        while let (field, wire) = try r.nextField() {
            if field == 1 { issued = try r.message(wire, as: ProgrammeReportIssued.self) } else { try r.skip(wire) }
        }
    }
}
