-- The read mix of the load benchmark: LOAD_ROUTE = search | tenders | kpis | member | mix
-- (the four in turn), or ceiling (`/` of the plain Hummingbird route, with the same header). Every request carries the reader token; statuses are counted per thread.
dofile(os.getenv("LOAD_DIR") .. "/common.lua")

local route = os.getenv("LOAD_ROUTE") or "mix"
local auth = { ["Authorization"] = "Bearer " .. data.reader_token }
local words = { "hovenier", "schilder", "cateraar", "ICT", "fotograaf", "vertaler", "timmerman", "coach" }
local n = 0

local function search()
  local k = n % 3
  local word = words[(n % #words) + 1]
  local buurt = data.buurten[(n % #data.buurten) + 1]
  if k == 0 then return "/api/v1/members?q=" .. word
  elseif k == 1 then return "/api/v1/members?buurt=" .. buurt
  else return "/api/v1/members?q=" .. word .. "&buurt=" .. buurt end
end

local kinds = {
  ceiling = function() return "/" end,
  search = search,
  tenders = function() return "/api/v1/tenders?offset=" .. ((n % 3) * 10) end,
  kpis = function() return "/api/v1/programme/kpis" end,
  member = function() return "/api/v1/members/" .. data.members[(n * 7 + tid * 13) % #data.members + 1] end,
}
local order = { "search", "tenders", "kpis", "member" }

function init(args)
  statuses = {}
  math.randomseed(tid * 7919 + 1)
  n = math.random(0, 100000)
end

function request()
  n = n + 1
  local kind = route
  if route == "mix" then kind = order[(n % 4) + 1] end
  return wrk.format("GET", kinds[kind](), auth)
end

function response(status, headers, body)
  count_status(status)
end
