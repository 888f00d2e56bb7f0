"""The event catalogue of Fabriek: the single source from which generate.py writes the Swift
event types (Events/<Aggregate>/*.swift), their protobuf codec and canonical JSON, the
`events.proto` schema and `CATALOGUE.md`.

Rules that keep old logs readable (see CATALOGUE.md, "Evolution"):
- a type name, a field number and an enum number never change meaning once released;
- new fields are optional (or repeated) and get a new number; a removed field's number is listed
  in `reserved` forever; renaming a field changes only the Swift/JSON name, never the number;
- a change of meaning bumps the schema version and adds an upcaster (Events/Catalogue/Upcasters).

Field type notation: uuid, string, bool, int64, uint32, uint64, day, timestamp, bytes, country,
enum:<Name>, msg:<Name>, sealed:<Name>; suffix `?` = optional, prefix `[]` = repeated.
`pd` marks personal data (only ever inside a sealed message).
"""

# (stable string name, proto number, doc)
ENUMS = {
    "MemberKind": ("Member", "The legal form under which a member works.", [
        ("soleTrader", 1, "eenmanszaak / ZZP-er"),
        ("partnership", 2, "vof, maatschap"),
        ("legalEntity", 3, "bv and other legal persons"),
        ("foreignSelfEmployed", 4, "self-employed, registered abroad (BE/DE/...)"),
    ]),
    "RegistryScheme": ("Member", "The public register a registry id belongs to.", [
        ("kvk", 1, "Dutch Kamer van Koophandel number, 8 digits"),
        ("kbo", 2, "Belgian enterprise number (KBO/BCE), 10 digits"),
        ("ustIdNr", 3, "German USt-IdNr, DE + 9 digits"),
        ("handelsregister", 4, "German Handelsregister entry"),
        ("other", 5, "another register; the value says which"),
    ]),
    "RateUnit": ("Member", "What a member's rate is charged per.", [
        ("hour", 1, "per hour"),
        ("day", 2, "per day"),
        ("fixed", 3, "fixed price per job"),
    ]),
    "Availability": ("Member", "Whether a member takes new work.", [
        ("available", 1, "takes new work"),
        ("limited", 2, "takes small jobs only"),
        ("unavailable", 3, "takes no new work"),
    ]),
    "TargetGroup": ("Member", "Self-declared target groups of the programme (personal data).", [
        ("armoede", 1, "low income"),
        ("age55Plus", 2, "55 years or older"),
        ("atypicalProfession", 3, "atypical profession for the member's gender"),
        ("women", 4, "women"),
        ("men", 5, "men"),
        ("youngTalent", 6, "young talent"),
    ]),
    "AgeBand": ("Member", "Self-declared age band (personal data).", [
        ("under25", 1, "younger than 25"),
        ("from25To34", 2, "25-34"),
        ("from35To54", 3, "35-54"),
        ("from55", 4, "55 or older"),
    ]),
    "MembershipEndReason": ("Member", "Why a membership ended.", [
        ("resigned", 1, "the member resigned"),
        ("ceasedTrading", 2, "the business stopped"),
        ("expelled", 3, "ended by the cooperative"),
        ("deceased", 4, "the member died"),
        ("other", 5, "another reason"),
    ]),
    "ErasureReason": ("Member", "The legal ground of an erasure.", [
        ("dataSubjectRequest", 1, "GDPR art. 17 request of the member"),
        ("retentionExpired", 2, "the retention period ended"),
        ("other", 3, "another ground, recorded outside the log"),
    ]),
    "ConsortiumScope": ("Consortium", "Whether a consortium stands or bids for one tender.", [
        ("standing", 1, "a standing combination"),
        ("singleTender", 2, "formed for one tender"),
    ]),
    "BuyerKind": ("Tender", "Who publishes a tender.", [
        ("municipality", 1, "a municipality (procurement law applies)"),
        ("business", 2, "a business looking for flexible workers"),
    ]),
    "ProcurementCategory": ("Tender", "Category of a procurement (Aanbestedingswet).", [
        ("werken", 1, "works"),
        ("leveringen", 2, "supplies"),
        ("diensten", 3, "services"),
    ]),
    "ProcedureType": ("Tender", "Procurement procedure.", [
        ("enkelvoudigOnderhands", 1, "single private invitation"),
        ("meervoudigOnderhands", 2, "multiple private invitation"),
        ("nationaalOpenbaar", 3, "national open"),
        ("nationaalNietOpenbaar", 4, "national restricted"),
        ("europeesOpenbaar", 5, "European open"),
        ("europeesNietOpenbaar", 6, "European restricted"),
        ("vrijeInkoopPrivaat", 7, "business client, no procurement law"),
    ]),
    "AwardCriterion": ("Tender", "How bids are compared.", [
        ("laagstePrijs", 1, "lowest price"),
        ("laagsteKosten", 2, "lowest cost"),
        ("bestePrijsKwaliteit", 3, "best price-quality ratio (default)"),
    ]),
    "ParticipationRule": ("Tender", "How often a member may take part per lot.", [
        ("singleParticipation", 1, "at most one live bid per member per lot (default)"),
        ("multipleParticipation", 2, "a member may take part in several bids per lot"),
    ]),
    "PartyKind": ("Tender", "Kind of party referred to by a PartyRef.", [
        ("member", 1, "a member"),
        ("consortium", 2, "a consortium"),
    ]),
    "PriceBasis": ("Tender", "What a bid's price covers.", [
        ("fixedPrice", 1, "fixed price for the lots"),
        ("hourlyRate", 2, "price per hour"),
        ("dailyRate", 3, "price per day"),
        ("unitRates", 4, "price per unit of a bill of quantities"),
    ]),
    "BidOutcome": ("Tender", "Result of a bid's evaluation.", [
        ("valid", 1, "the bid is valid and scored"),
        ("disqualified", 2, "the bid is excluded; see disqualificationReason"),
    ]),
    "EmrRegion": ("CrossBorder", "Regions of the Euregio Meuse-Rhine.", [
        ("NL_SOUTH_LIMBURG", 1, "Zuid-Limburg"),
        ("BE_LIMBURG", 2, "Belgian Limburg"),
        ("BE_LIEGE", 3, "Province of Liège"),
        ("BE_OSTBELGIEN", 4, "German-speaking Community of Belgium"),
        ("DE_REGION_AACHEN", 5, "Städteregion Aachen and surroundings"),
        ("OUTSIDE_EMR", 6, "outside the Euregio"),
    ]),
    "ClientKind": ("CrossBorder", "Kind of client of cross-border work.", [
        ("publicBody", 1, "a municipality or other public body"),
        ("business", 2, "a business"),
        ("consumer", 3, "a private person"),
    ]),
    "SocialSecurityBasis": ("CrossBorder", "Which country's social security applies (EU 883/2004).", [
        ("residence", 1, "country of residence"),
        ("workCountry", 2, "country of work"),
        ("posting", 3, "posting: stays in the home country, at most 24 months"),
    ]),
    "A1Status": ("CrossBorder", "State of an A1 certificate.", [
        ("applied", 1, "applied for"),
        ("issued", 2, "issued"),
        ("refused", 3, "refused"),
    ]),
    "FocusArea": ("Programme", "The seven focus areas of the Maastricht goals.", [
        ("sociaal", 1, "social"),
        ("commercieel", 2, "commercial"),
        ("opdrachten", 3, "jobs"),
        ("lerend", 4, "learning"),
        ("ontmoetend", 5, "meeting"),
        ("verbindend", 6, "connecting"),
        ("faciliterend", 7, "facilitating"),
    ]),
    "ActivityType": ("Programme", "Kind of programme activity.", [
        ("meetup", 1, "meetup"),
        ("training", 2, "training"),
        ("workshop", 3, "workshop"),
        ("advice", 4, "advice session"),
        ("matchmaking", 5, "matchmaking session"),
    ]),
}


def F(number, name, type_, doc="", pd=False):
    return dict(number=number, name=name, type=type_, doc=doc, pd=pd)


# Messages that are not events: (folder, doc, fields, reserved)
MESSAGES = {
    "PersonalDetails": ("Member", "The personal data of a member, sealed per member in MemberRegistered.", [
        F(1, "legalName", "string", "legal name (natural person or business)", pd=True),
        F(2, "email", "string?", "e-mail address", pd=True),
        F(3, "phone", "string?", "phone number, E.164 preferred", pd=True),
        F(4, "address", "msg:PostalAddress?", "postal address", pd=True),
        F(5, "tradeName", "string?", "trade name (handelsnaam): often the member's own name (MemberRegistered v2)", pd=True),
        F(6, "registryIds", "[]msg:RegistryId", "entries in public business registers, normalised (MemberRegistered v2)", pd=True),
        F(7, "vatId", "string?", "VAT identification number, normalised (MemberRegistered v2)", pd=True),
    ]),
    "PostalAddress": ("Member", "A postal address (personal data when it is a member's).", [
        F(1, "street", "string", "street name", pd=True),
        F(2, "houseNumber", "string", "house number with addition", pd=True),
        F(3, "postcode", "string", "postcode, normalised (`6211 AB` in NL)", pd=True),
        F(4, "city", "string", "city", pd=True),
        F(5, "country", "country", "ISO 3166-1 alpha-2", pd=True),
    ]),
    "TargetGroupDetails": ("Member", "Self-declared target-group data, sealed per member.", [
        F(1, "groups", "[]enum:TargetGroup", "declared target groups", pd=True),
        F(2, "ageBand", "enum:AgeBand?", "age band", pd=True),
    ]),
    "RegistryId": ("Member", "An entry of a member in a public business register.", [
        F(1, "scheme", "enum:RegistryScheme", "the register"),
        F(2, "value", "string", "the number as written in the register (normalised)"),
    ]),
    "RegistryDigest": ("Member", "A blind-index entry: the keyed hash of a normalised identifier, so that invariant 10 can be checked while the identifier itself is sealed.", [
        F(1, "kind", "string", "the index: the `RegistryScheme` name, e.g. `kvk`"),
        F(2, "digest", "bytes", "HMAC-SHA256 of `kind || 0x00 || value` under the store's blind-index key, 16 bytes"),
    ]),
    "ConsortiumMembership": ("Consortium", "A member of a consortium and their liability acceptance.", [
        F(1, "memberId", "uuid", "the member"),
        F(2, "acceptedJointLiability", "bool", "accepted joint and several liability"),
        F(3, "acceptedAt", "timestamp", "when the liability was accepted"),
    ]),
    "Buyer": ("Tender", "The client who publishes a tender.", [
        F(1, "kind", "enum:BuyerKind", "municipality or business"),
        F(2, "name", "string", "name of the organisation"),
        F(3, "organisationId", "string?", "KvK number or OIN of the organisation"),
    ]),
    "Lot": ("Tender", "A lot (perceel) of a tender.", [
        F(1, "number", "uint32", "lot number, from 1, unique within the tender"),
        F(2, "title", "string", "title of the lot"),
        F(3, "buurten", "[]string", "CBS buurten where the work is"),
        F(4, "estimatedValueCents", "int64?", "estimated value excl. VAT, euro cents"),
    ]),
    "PartyRef": ("Tender", "A reference to a member or a consortium.", [
        F(1, "kind", "enum:PartyKind", "member or consortium"),
        F(2, "id", "uuid", "the member id or consortium id"),
    ]),
    "AcceptedViolation": ("HistoryImport", "One imported event that breaks a domain rule, imported because the operator accepted it.", [
        F(1, "eventId", "uuid", "the imported event (its envelope id)"),
        F(2, "stream", "string", "its stream"),
        F(3, "eventType", "string", "its type name"),
        F(4, "line", "uint64", "its line in the imported file (1-based)"),
        F(5, "rule", "string", "the rule it breaks, e.g. `tender.invalidLotNumber` or `invariant-4.participationConflict`"),
        F(6, "reason", "string", "why, as `fabriek-admin audit` words it"),
    ]),
    "KpiValue": ("Programme", "One computed cell of a programme report.", [
        F(1, "kpiCode", "string", "KPI code, e.g. `SOC-1`"),
        F(2, "breakdown", "string", "breakdown key, e.g. `wijk=WK093501`; empty for the total"),
        F(3, "value", "int64", "value as a scaled integer: value / 10^scale"),
        F(4, "scale", "uint32", "decimal places of value"),
        F(5, "suppressed", "bool", "true when the count was under 5 and is not shown (value 0)"),
    ]),
}

# Aggregates: (name, enum name, folder, stream pattern, doc, events)
# Event: dict(name, version, doc, fields, reserved, stream_field, case)
def E(name, case, doc, fields, version=1, reserved=(), sealed_subject=None, rederive=False):
    """`rederive`: the event has fields derived from its sealed data with store-specific keys
    (blind-index digests); parsing its JSON calls the hand-written `rederive(context:)`."""
    return dict(name=name, case=case, doc=doc, fields=fields, version=version,
                reserved=list(reserved), sealed_subject=sealed_subject, rederive=rederive)


AGGREGATES = [
    ("Member", "MemberEvent", "Member", "member-{memberId}", "A freelancer in the register.", [
        E("MemberRegistered", "registered", "A freelancer joined the register. v1 held trade name, registry ids and VAT id in plaintext (fields 5-7); v2 seals them in `personal` and keeps only their blind-index digests (field 12).", [
            F(1, "memberId", "uuid", "the member (also the data subject of the sealed fields)"),
            F(2, "kind", "enum:MemberKind", "legal form"),
            F(3, "residenceCountry", "country", "country of residence / establishment"),
            F(4, "personal", "sealed:PersonalDetails",
              "legal name, trade name, registry ids, VAT id, e-mail, phone, address — sealed with the member's key", pd=True),
            F(5, "tradeName", "string?", "v1 only: the trade name in plaintext (v2 seals it in `personal`)", pd=True),
            F(6, "registryIds", "[]msg:RegistryId", "v1 only: registry ids in plaintext (v2 seals them in `personal`)", pd=True),
            F(7, "vatId", "string?", "v1 only: the VAT id in plaintext (v2 seals it in `personal`)", pd=True),
            F(8, "postcodeArea", "string?", "4-digit postcode area, e.g. `6211` (not personal)"),
            F(9, "buurt", "string?", "CBS buurt of the business address (not personal)"),
            F(10, "sbiCodes", "[]string", "SBI activity codes (5 digits)"),
            F(11, "joinedOn", "day", "date of joining the cooperative"),
            F(12, "registryDigests", "[]msg:RegistryDigest", "blind-index digests of the sealed registry ids, in their order (invariant 10); recomputed on import"),
        ], version=2, sealed_subject="memberId", rederive=True),
        E("MemberRegistryVerified", "registryVerified", "A registry id of the member was checked against its register. v1 held the id in plaintext (field 2); v2 seals it (field 5) and keeps its digest (field 6).", [
            F(1, "memberId", "uuid", "the member (also the data subject of the sealed field)"),
            F(2, "registryId", "msg:RegistryId?", "v1 only: the entry that was verified, in plaintext", pd=True),
            F(3, "verifiedAt", "timestamp", "when it was verified"),
            F(4, "source", "string?", "how it was verified, e.g. `KVK Handelsregister API`"),
            F(5, "registry", "sealed:RegistryId", "the entry that was verified — sealed with the member's key", pd=True),
            F(6, "registryDigest", "msg:RegistryDigest?", "blind-index digest of the entry; recomputed on import"),
        ], version=2, sealed_subject="memberId", rederive=True),
        E("MemberProfileUpdated", "profileUpdated", "The member's public profile, replaced as a whole.", [
            F(1, "memberId", "uuid", "the member"),
            F(2, "headline", "string?", "one-line headline"),
            F(3, "description", "string?", "free text description"),
            F(4, "languages", "[]string", "ISO 639-1 language codes"),
            F(5, "serviceBuurten", "[]string", "CBS buurten the member serves"),
            F(6, "serviceRadiusKm", "uint32?", "service radius in km"),
            F(7, "serviceCountries", "[]country", "countries the member works in"),
        ]),
        E("MemberSkillsDeclared", "skillsDeclared", "The member's skills and CPV interests, replaced as a whole.", [
            F(1, "memberId", "uuid", "the member"),
            F(2, "skills", "[]string", "skill keywords"),
            F(3, "cpvInterests", "[]string", "CPV codes of interest, e.g. `77310000-6`"),
        ]),
        E("MemberRateSet", "rateSet", "The member's indicative rate. v1 held whole euros in field 3; v2 holds cents in field 4.", [
            F(1, "memberId", "uuid", "the member"),
            F(2, "unit", "enum:RateUnit", "hour, day or fixed"),
            F(4, "amountCents", "int64", "amount excl. VAT in euro cents"),
        ], version=2, reserved=[(3, "amountEuros", "v1: whole euros; upcast to amountCents = 100 x amountEuros")]),
        E("MemberAvailabilityChanged", "availabilityChanged", "The member's availability for new work changed.", [
            F(1, "memberId", "uuid", "the member"),
            F(2, "availability", "enum:Availability", "the new availability"),
            F(3, "hoursPerWeek", "uint32?", "hours per week available"),
            F(4, "effectiveFrom", "day?", "first day it applies"),
            F(5, "effectiveUntil", "day?", "last day it applies"),
        ]),
        E("MemberTargetGroupsDeclared", "targetGroupsDeclared", "The member declared target groups, with consent (sealed).", [
            F(1, "memberId", "uuid", "the member (data subject)"),
            F(2, "consentId", "uuid", "the consent record this declaration rests on"),
            F(3, "details", "sealed:TargetGroupDetails", "target groups and age band — sealed", pd=True),
            F(4, "declaredAt", "timestamp", "when declared"),
        ], sealed_subject="memberId"),
        E("MemberTargetGroupsWithdrawn", "targetGroupsWithdrawn", "The member withdrew the consent; earlier declarations no longer count.", [
            F(1, "memberId", "uuid", "the member"),
            F(2, "consentId", "uuid", "the consent withdrawn"),
            F(3, "withdrawnAt", "timestamp", "when withdrawn"),
        ]),
        E("MembershipEnded", "membershipEnded", "The member left the cooperative; the entry stays (not erased).", [
            F(1, "memberId", "uuid", "the member"),
            F(2, "reason", "enum:MembershipEndReason", "why"),
            F(3, "endedOn", "day", "last day of membership"),
        ]),
        E("MemberErased", "erased", "The member's key was destroyed: their sealed data can never be read again.", [
            F(1, "memberId", "uuid", "the member (pseudonymous from now on)"),
            F(2, "erasedAt", "timestamp", "when the key was destroyed"),
            F(3, "reason", "enum:ErasureReason", "legal ground"),
        ]),
    ]),
    ("Consortium", "ConsortiumEvent", "Consortium", "consortium-{consortiumId}", "Members bidding together.", [
        E("ConsortiumFormed", "formed", "Members formed a consortium (combinatie) with one lead (penvoerder).", [
            F(1, "consortiumId", "uuid", "the consortium"),
            F(2, "name", "string", "name of the combination"),
            F(3, "scope", "enum:ConsortiumScope", "standing or for one tender"),
            F(4, "tenderId", "uuid?", "the tender, when scope is singleTender"),
            F(5, "leadMemberId", "uuid", "the lead (penvoerder), one of the members"),
            F(6, "members", "[]msg:ConsortiumMembership", "all members including the lead"),
        ]),
        E("ConsortiumMemberAdded", "memberAdded", "A member joined the consortium.", [
            F(1, "consortiumId", "uuid", "the consortium"),
            F(2, "member", "msg:ConsortiumMembership", "the new member"),
        ]),
        E("ConsortiumMemberRemoved", "memberRemoved", "A member left the consortium.", [
            F(1, "consortiumId", "uuid", "the consortium"),
            F(2, "memberId", "uuid", "the member"),
            F(3, "reason", "string?", "why (no personal data)"),
        ]),
        E("ConsortiumLeadChanged", "leadChanged", "Another member became the lead.", [
            F(1, "consortiumId", "uuid", "the consortium"),
            F(2, "leadMemberId", "uuid", "the new lead"),
            F(3, "previousLeadMemberId", "uuid", "the previous lead"),
        ]),
        E("ConsortiumDissolved", "dissolved", "The consortium was dissolved.", [
            F(1, "consortiumId", "uuid", "the consortium"),
            F(2, "reason", "string?", "why (no personal data)"),
        ]),
    ]),
    ("Tender", "TenderEvent", "Tender", "tender-{tenderId}", "A job with its lots, invitations, bids, evaluation and award.", [
        E("TenderPublished", "published", "A buyer published a job.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "buyer", "msg:Buyer", "who publishes"),
            F(3, "title", "string", "title"),
            F(4, "description", "string", "description"),
            F(5, "category", "enum:ProcurementCategory", "werken, leveringen or diensten"),
            F(6, "procedure", "enum:ProcedureType", "procedure type"),
            F(7, "estimatedValueCents", "int64", "estimated total value excl. VAT, euro cents"),
            F(8, "mainCpv", "string", "main CPV code, e.g. `77310000-6`"),
            F(9, "lots", "[]msg:Lot", "the lots, at least one"),
            F(10, "submissionDeadline", "timestamp", "bids at or after this instant are late"),
            F(11, "awardCriterion", "enum:AwardCriterion", "award criterion"),
            F(12, "participationRule", "enum:ParticipationRule", "participation rule"),
            F(13, "standstillDays", "uint32", "standstill period in calendar days"),
            F(14, "sroiBasisPoints", "uint32", "social return (SROI) share in basis points: 500 = 5 %"),
        ]),
        E("TenderAmended", "amended", "The buyer amended an open tender; absent fields are unchanged.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "title", "string?", "new title"),
            F(3, "description", "string?", "new description"),
            F(4, "submissionDeadline", "timestamp?", "new deadline"),
            F(5, "estimatedValueCents", "int64?", "new estimated value, euro cents"),
            F(6, "lots", "[]msg:Lot", "replacement lots; empty = lots unchanged"),
            F(7, "reason", "string", "why (published as the amendment note)"),
        ]),
        E("ParticipantInvited", "participantInvited", "A party was invited to bid (private procedures).", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "participant", "msg:PartyRef", "who"),
            F(3, "isLocal", "bool", "based in Maastricht"),
            F(4, "reason", "string", "why this party — auditors ask"),
        ]),
        E("BidSubmitted", "bidSubmitted", "A member or consortium submitted a bid.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "bidId", "uuid", "the bid"),
            F(3, "lots", "[]uint32", "lot numbers bid on"),
            F(4, "bidder", "msg:PartyRef", "member or consortium"),
            F(5, "participatingMemberIds", "[]uuid", "the members taking part, as at submission"),
            F(6, "priceCents", "int64", "price excl. VAT, euro cents, > 0"),
            F(7, "priceBasis", "enum:PriceBasis", "what the price covers"),
        ]),
        E("BidWithdrawn", "bidWithdrawn", "The bidder withdrew a bid before the deadline.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "bidId", "uuid", "the bid"),
            F(3, "reason", "string?", "why"),
        ]),
        E("SubmissionClosed", "submissionClosed", "The deadline passed; no more bids.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "liveBidCount", "uint32", "bids not withdrawn at closing"),
        ]),
        E("BidEvaluated", "bidEvaluated", "A bid was evaluated.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "bidId", "uuid", "the bid"),
            F(3, "outcome", "enum:BidOutcome", "valid or disqualified"),
            F(4, "disqualificationReason", "string?", "why, when disqualified"),
            F(5, "scoreHundredths", "int64?", "score in hundredths of a point"),
            F(6, "rank", "uint32?", "rank among valid bids, 1 = best"),
        ]),
        E("AwardIntended", "awardIntended", "The buyer announced the intended award of a lot (start of standstill).", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "lot", "uint32", "lot number"),
            F(3, "bidId", "uuid", "the winning bid"),
            F(4, "valueCents", "int64", "award value excl. VAT, euro cents"),
            F(5, "standstillEndsAt", "timestamp", "end of the standstill period"),
        ]),
        E("AwardFinalised", "awardFinalised", "The award of a lot became final after the standstill period.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "lot", "uint32", "lot number"),
            F(3, "bidId", "uuid", "the winning bid"),
        ]),
        E("TenderCancelled", "cancelled", "The buyer cancelled the tender.", [
            F(1, "tenderId", "uuid", "the tender"),
            F(2, "reason", "string", "why"),
        ]),
    ]),
    ("CrossBorderAssignment", "CrossBorderEvent", "CrossBorder", "xborder-{assignmentId}", "A YouRegion registration of work across a border.", [
        E("CrossBorderWorkRegistered", "workRegistered", "A member registered work across a border.", [
            F(1, "assignmentId", "uuid", "the assignment"),
            F(2, "memberId", "uuid", "the member"),
            F(3, "residenceCountry", "country", "member's country of residence"),
            F(4, "workCountry", "country", "country where the work is done"),
            F(5, "emrRegion", "enum:EmrRegion", "Euregio region of the work"),
            F(6, "clientKind", "enum:ClientKind", "kind of client"),
            F(7, "startsOn", "day", "first day of work"),
            F(8, "endsOn", "day", "last day of work (>= startsOn)"),
            F(9, "sbiActivity", "string", "SBI code of the activity"),
            F(10, "socialSecurityBasis", "enum:SocialSecurityBasis", "applicable social security"),
            F(11, "clientCountry", "country?", "client's country, when it differs from the work country"),
        ]),
        E("A1CertificateRecorded", "a1CertificateRecorded", "The state of the A1 certificate (applicable social security) was recorded.", [
            F(1, "assignmentId", "uuid", "the assignment"),
            F(2, "status", "enum:A1Status", "applied, issued or refused"),
            F(3, "issuer", "string?", "issuing institution, e.g. `SVB`, `RSZ`, `DVKA`"),
            F(4, "validFrom", "day?", "validity start"),
            F(5, "validUntil", "day?", "validity end"),
        ]),
        E("CrossBorderWorkEnded", "workEnded", "The cross-border work ended.", [
            F(1, "assignmentId", "uuid", "the assignment"),
            F(2, "endedOn", "day", "last day worked"),
            F(3, "reason", "string?", "why, when early"),
        ]),
    ]),
    ("Programme", "ProgrammeEvent", "Programme", "goal-{kpiCode}-{period} / activity-{activityId} / report-{reportId}", "The Maastricht goals programme: goals, activities and reports.", [
        E("ProgrammeGoalSet", "goalSet", "A target was set for one KPI in one period (stream `goal-{kpi}-{period}`).", [
            F(1, "focusArea", "enum:FocusArea", "focus area"),
            F(2, "kpiCode", "string", "KPI code, e.g. `LER-1`"),
            F(3, "period", "string", "period label, e.g. `2026` or `2026-Q2`"),
            F(4, "startsOn", "day", "first day of the period"),
            F(5, "endsOn", "day", "last day of the period"),
            F(6, "targetValue", "int64", "target as a scaled integer: targetValue / 10^scale"),
            F(7, "scale", "uint32", "decimal places of targetValue"),
        ]),
        E("ProgrammeActivityHeld", "activityHeld", "A meetup, training, workshop, advice or matchmaking session took place.", [
            F(1, "activityId", "uuid", "the activity"),
            F(2, "title", "string", "title"),
            F(3, "focusAreas", "[]enum:FocusArea", "focus areas it serves"),
            F(4, "activityType", "enum:ActivityType", "kind of activity"),
            F(5, "heldOn", "day", "date"),
            F(6, "durationMinutes", "uint32", "duration in minutes"),
            F(7, "buurt", "string?", "CBS buurt where it was held"),
            F(8, "attendingMemberIds", "[]uuid", "members who attended"),
            F(9, "externalAttendeeCount", "uint32", "attendees who are not members"),
            F(10, "partners", "[]string", "partner organisations"),
            F(11, "crossBorder", "bool", "a YouRegion (cross-border) activity"),
        ]),
        E("TrainingHoursRecorded", "trainingHoursRecorded", "Training time a member followed (stream of the activity).", [
            F(1, "activityId", "uuid", "the training"),
            F(2, "memberId", "uuid", "the member"),
            F(3, "durationMinutes", "uint32", "minutes followed"),
        ]),
        E("ProgrammeReportIssued", "reportIssued", "A programme report was issued, reproducible from the log up to asOfPosition.", [
            F(1, "reportId", "uuid", "the report"),
            F(2, "period", "string", "period label"),
            F(3, "asOfPosition", "uint64", "last log position the report counts"),
            F(4, "headHash", "bytes", "chain hash at asOfPosition (32 bytes)"),
            F(5, "kpiValues", "[]msg:KpiValue", "the computed cells"),
            F(6, "contentHash", "bytes", "SHA-256 of the report's canonical content (32 bytes)"),
            F(7, "content", "bytes?", "the report's canonical content (UTF-8 JSON) from which every format is reproduced"),
        ]),
    ]),
    ("HistoryImport", "HistoryImportEvent", "HistoryImport", "import-{importId}", "An import of history from a JSON-lines file (`fabriek-admin import`).", [
        E("ImportViolationsAccepted", "violationsAccepted", "An import appended events that break a domain rule because the operator gave `--accept-violations`; recorded in the same commit as those events.", [
            F(1, "importId", "uuid", "the import run (its stream `import-{importId}`)"),
            F(2, "file", "string", "the imported file's name, as given"),
            F(3, "violations", "[]msg:AcceptedViolation", "the accepted events of this commit"),
        ]),
    ]),
]

# Old versions kept for upcasting: (event name, version, fields)
LEGACY = [
    ("MemberRateSet", 1, "Member", [
        F(1, "memberId", "uuid", "the member"),
        F(2, "unit", "enum:RateUnit", "hour, day or fixed"),
        F(3, "amountEuros", "int64", "amount excl. VAT in whole euros"),
    ]),
]
