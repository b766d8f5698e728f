-- wrk script for `make bench`: the request comes from the environment, the answer is one JSON line.
--   BENCH_METHOD, BENCH_BODY (JSON), BENCH_AUTH (an Authorization header), BENCH_AUTHS (several,
--   separated by "|", taken in turn: one per agent, so reports spread over many computers),
--   BENCH_BODIES (several JSON bodies, one per line, taken in turn: one per employee signing in),
--   BENCH_IDS_FILE (where to write the "id" of every 202 answer, one per line), BENCH_IDEMPOTENCY (a prefix:
--   each request gets an Idempotency-Key of its own, as a new purchase does), BENCH_PATHS (several
--   paths, one per line, taken in turn: one per account), and "%UNIQUE%" in a body becomes a number
--   no other request of the run has (a new computer's name).
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local auth = os.getenv("BENCH_AUTH")
local auths = {}
for value in string.gmatch(os.getenv("BENCH_AUTHS") or "", "[^|]+") do table.insert(auths, value) end
local bodies = {}
for value in string.gmatch(os.getenv("BENCH_BODIES") or "", "[^\n]+") do table.insert(bodies, value) end
local idempotency = os.getenv("BENCH_IDEMPOTENCY") or ""
local paths = {}
for value in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^\n]+") do table.insert(paths, value) end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local ids_file = os.getenv("BENCH_IDS_FILE") or ""

function init(args)
  statuses = {}
  ids = {}
  turn = id
  wrk.method = method
  if body and body ~= "" then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
  end
  if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
end

if #auths > 0 or #bodies > 0 or #paths > 0 or idempotency ~= "" or (body and body:find("%UNIQUE%", 1, true)) then
  function request()
    turn = turn + 1
    if #auths > 0 then wrk.headers["Authorization"] = auths[(turn % #auths) + 1] end
    if idempotency ~= "" then wrk.headers["Idempotency-Key"] = idempotency .. "-" .. id .. "-" .. turn end
    local path = nil
    if #paths > 0 then path = paths[(turn % #paths) + 1] end
    local this = body
    if #bodies > 0 then
      wrk.headers["Content-Type"] = "application/json"
      this = bodies[(turn % #bodies) + 1]
    end
    if this and this ~= "" then
      this = this:gsub("%%UNIQUE%%", id .. "-" .. turn)
      return wrk.format(nil, path, nil, this)
    end
    return wrk.format(nil, path)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 202 and ids_file ~= "" then
    local id = string.match(body, '"id": *"([^"]+)"')
    if id then table.insert(ids, id) end
  end
end

function done(summary, latency, requests)
  if ids_file ~= "" then
    local file = io.open(ids_file, "w")
    for _, thread in ipairs(threads) do
      for _, id in ipairs(thread:get("ids")) do file:write(id, "\n") end
    end
    file:close()
  end
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do table.insert(parts, string.format('"%d": %d', status, count)) end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, table.concat(parts, ", ")))
end
