import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// `/api/v1/tenders`: publish, amend, invite, the board, one job, bids and awards.
struct TenderRoutes {
    let runtime: ServerRuntime
    var commands: CommandResponder { CommandResponder(runtime: runtime) }
    var queries: QueryResponder { QueryResponder(runtime: runtime) }

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("publishTender", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let id: UUID = try CommandResponder.createdID(try j.optional("tenderId"), field: "tenderId", request: request, context: context)
            let publish = PublishTender(
                tenderId: id, buyer: try j.required("buyer"), title: try j.required("title"),
                description: try j.optional("description") ?? "", category: try j.required("category"),
                procedure: try j.required("procedure"), estimatedValueCents: try j.required("estimatedValueCents"),
                mainCpv: try j.required("mainCpv"), lots: try j.array("lots"), submissionDeadline: try j.required("submissionDeadline"),
                awardCriterion: try j.optional("awardCriterion") ?? .bestePrijsKwaliteit,
                participationRule: try j.optional("participationRule") ?? .singleParticipation,
                standstillDays: try j.optional("standstillDays") ?? 20, sroiBasisPoints: try j.optional("sroiBasisPoints") ?? 0)
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(id), command: .publish(publish),
                                          request: request, context: context, created: true,
                                          extra: ["tenderId": id.uuidString.lowercased()])
        }
        router.operation("submitBid", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            let j = try await RequestBody.object(request, context: context)
            let bidder: PartyRef = try j.required("bidder")
            try requireBidder(bidder, context: context)
            let bidId: UUID = try CommandResponder.createdID(try j.optional("bidId"), field: "bidId", request: request, context: context)
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender), command: .submitBid(
                bidId: bidId, lots: try j.array("lots"), bidder: bidder, priceCents: try j.required("priceCents"),
                priceBasis: try j.optional("priceBasis") ?? .fixedPrice), request: request, context: context, created: true,
                extra: ["bidId": bidId.uuidString.lowercased()])
        }
        router.operation("withdrawBid", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            let bid = try context.uuid("bidId")
            let principal = try context.caller
            if principal.role == .member {
                // Only a bid the member takes part in (alone or as a consortium's lead).
                let bids = try await runtime.runner.read("tender-board") { db in
                    try TenderBoard.bids(db, tenderId: tender.uuidString.lowercased(), viewer: .member(principal.memberId!))
                }
                guard let b = bids.first(where: { $0.bidId == bid.uuidString.lowercased() }),
                      let bidder = UUID(uuidString: b.bidderId) else {
                    throw Problem.forbidden("bid \(bid.uuidString.lowercased()) is not one of yours")
                }
                try requireBidder(PartyRef(kind: b.bidderKind == "consortium" ? .consortium : .member, id: bidder), context: context)
            }
            let reason = request.queryString("reason")
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender),
                                          command: .withdrawBid(bidId: bid, reason: reason), request: request, context: context)
        }
        router.operation("closeSubmission", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender), command: .closeSubmission,
                                          request: request, context: context)
        }
        router.operation("evaluateBid", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            let bid = try context.uuid("bidId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender), command: .evaluateBid(
                bidId: bid, outcome: try j.required("outcome"), disqualificationReason: try j.optional("disqualificationReason"),
                scoreHundredths: try j.optional("scoreHundredths"), rank: try j.optional("rank")), request: request, context: context)
        }
        router.operation("intendAward", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender), command: .intendAward(
                lot: try j.required("lot"), bidId: try j.required("bidId"), valueCents: try j.required("valueCents")),
                request: request, context: context)
        }
        router.operation("finaliseAward", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            guard let raw = context.parameters.get("lot"), let lot = UInt32(raw) else {
                throw Problem.badRequest("path parameter 'lot' must be a lot number", field: "lot", rule: "integer",
                                         value: context.parameters.get("lot"))
            }
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender),
                                          command: .finaliseAward(lot: lot), request: request, context: context)
        }
        router.operation("cancelTender", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender),
                                          command: .cancel(reason: try j.required("reason")), request: request, context: context)
        }
        router.operation("amendTender", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender), command: .amend(
                title: try j.optional("title"), description: try j.optional("description"),
                submissionDeadline: try j.optional("submissionDeadline"), estimatedValueCents: try j.optional("estimatedValueCents"),
                lots: try j.array("lots"), reason: try j.required("reason")), request: request, context: context)
        }
        router.operation("inviteParticipant", tokens: tokens) { request, context in
            let tender = try context.uuid("tenderId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(TenderDecider.self, stream: TenderDecider.streamId(tender), command: .invite(
                try j.required("party"), isLocal: try j.optional("isLocal") ?? false, reason: try j.required("reason")),
                request: request, context: context)
        }
        router.operation("listTenders", tokens: tokens) { request, context in
            let limit = try request.queryInt("limit", default: 20, range: 1...100)
            let offset = try request.queryInt("offset", default: 0, range: 0...1_000_000)
            let now = runtime.clock.now()
            struct Parameters: Hashable { var limit: Int, offset: Int }
            return try await queries.cached("listTenders", projection: "tender-board", parameters: Parameters(limit: limit, offset: offset),
                                            request: request) { db, _ in
                let list = try TenderBoard.openTenders(db, now: now, limit: limit, offset: offset)
                return .init(body: try JSONResponse.body(["tenders": list, "limit": limit, "offset": offset]),
                             validUntil: try TenderBoard.nextDeadline(db, after: now))
            }
        }
        router.operation("getTender", tokens: tokens) { request, context in
            let id = try context.uuid("tenderId")
            let (version, last) = runtime.log.streamHead(TenderDecider.streamId(id))
            let principal = try context.caller
            let viewer: TenderBoard.Viewer = switch principal.role {
            case .coordinator, .admin, .municipality: .buyer
            case .member: .member(principal.memberId!)
            case .auditor: .anyone
            }
            let key = id.uuidString.lowercased()
            let (found, position) = try await queries.read("tender-board", request: request, atLeast: last) { db in
                (try TenderBoard.tender(db, id: key), try TenderBoard.bids(db, tenderId: key, viewer: viewer),
                 try TenderBoard.awards(db, tenderId: key))
            }
            guard let tender = found.0 else { throw Problem.notFound("no tender \(key)") }
            var body = JSONResponse.plain(tender) as? [String: Any] ?? [:]
            body["bids"] = JSONResponse.plain(found.1)
            body["awards"] = JSONResponse.plain(found.2)
            return try JSONResponse.make(body, headers: [.fabriekPosition: "\(position)", .eTag: "\"\(version)\""])
        }
    }

    /// A member token bids only as itself or as a consortium it leads.
    private func requireBidder(_ bidder: PartyRef, context: FabriekContext) throws {
        let principal = try context.caller
        guard principal.role == .member, let me = principal.memberId else { return }
        switch bidder.kind {
        case .member where bidder.id == me:
            return
        case .consortium where runtime.service.directory.consortium(bidder.id)?.leadMemberId == me:
            return
        case .member, .consortium:
            throw Problem.forbidden("a member token bids only as its own member or as a consortium it leads")
        }
    }
}
