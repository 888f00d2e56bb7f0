extension Upcaster {
    /// `MemberRateSet` v1 held the amount in whole euros (field 3, `amountEuros`); v2 holds euro
    /// cents (field 4, `amountCents`): amountCents = 100 × amountEuros.
    public static let memberRateSetV1ToV2 = Upcaster(typeName: MemberRateSet.typeName, fromVersion: 1) { payload in
        let v1 = try MemberRateSetV1(payload: payload)
        let (cents, overflow) = v1.amountEuros.multipliedReportingOverflow(by: 100)
        guard !overflow else {
            throw UpcastError.notRepresentable(type: MemberRateSet.typeName, reason: "\(v1.amountEuros) euros overflows cents")
        }
        return MemberRateSet(memberId: v1.memberId, unit: v1.unit, amountCents: cents).encodePayload()
    }
}
