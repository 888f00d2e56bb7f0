-- Shared by reads.lua and commands.lua: the data file written by load.py (member and tender
-- ids, tokens), per-thread ids, and a done() that prints one JSON line the driver parses.
data = dofile(os.getenv("LOAD_DATA"))

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  thread:set("nthreads", tonumber(os.getenv("LOAD_THREADS") or "2"))
  counter = counter + 1
  table.insert(threads, thread)
end

statuses = {}

function count_status(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end end
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%d": %d', k, v)) end
  io.write(string.format(
    'LOADJSON {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, table.concat(parts, ", ")))
end
