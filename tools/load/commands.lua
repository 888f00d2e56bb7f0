-- The durable command mix of the load benchmark: bids, profile updates and attendances (an
-- activity held with three attending members), in turn. Every request is a distinct command
-- the rules accept: a bid is a (member, tender) pair used once (lot 1 of a tender published for
-- the run, single participation), a profile update carries a new headline, an activity has a
-- new id. Thread `tid` of `nthreads` takes the pairs tid, tid + nthreads, ... so no two
-- threads send the same bid. Statuses are counted per thread.
dofile(os.getenv("LOAD_DIR") .. "/common.lua")

local auth = { ["Authorization"] = "Bearer " .. data.writer_token, ["Content-Type"] = "application/json" }
local n = 0
local bids = 0
local run = os.getenv("LOAD_RUN") or "00000000"

function init(args)
  statuses = {}
end

local function member(i) return data.members[(i % #data.members) + 1] end

function request()
  n = n + 1
  local kind = n % 3
  if kind == 0 then
    local g = bids * nthreads + tid
    bids = bids + 1
    local tender = data.tenders[(g % #data.tenders) + 1]
    local bidder = data.members[(math.floor(g / #data.tenders) % #data.members) + 1]
    return wrk.format("POST", "/api/v1/tenders/" .. tender .. "/bids", auth, string.format(
      '{"lots": [1], "bidder": {"kind": "member", "id": "%s"}, "priceCents": %d, "priceBasis": "fixedPrice"}',
      bidder, 100000 + (g % 50000)))
  elseif kind == 1 then
    local id = member(n * 31 + tid * 17)
    return wrk.format("PUT", "/api/v1/members/" .. id .. "/profile", auth, string.format(
      '{"headline": "Beschikbaar voor klussen, update %d-%d", "languages": ["nl", "en"], "serviceBuurten": ["Wyck"], "serviceCountries": ["NL", "BE"]}',
      tid, n))
  else
    local activity = string.format("%s-%04x-4000-8000-%012x", run, tid, n)
    return wrk.format("POST", "/api/v1/activities", auth, string.format(
      '{"activityId": "%s", "title": "Ledenavond %d", "focusAreas": ["ontmoetend"], "activityType": "meetup", ' ..
      '"heldOn": "%s", "durationMinutes": 90, "buurt": "Wyck", "attendingMemberIds": ["%s", "%s", "%s"], "externalAttendeeCount": 2}',
      activity, n, data.today, member(n), member(n + 1), member(n + 2)))
  end
end

function response(status, headers, body)
  count_status(status)
end
