-- POSTs BODY (from the environment) with every "%ID%" replaced by an id unique to the request,
-- so the server sees no duplicates, and every "%VISITOR%" by an id shared by 8 consecutive requests of
-- a thread (a visitor sends a few events, not the whole load as one ever-growing history). Prints one JSON line of results at the end.
-- Ids are WRK_RUN_ID (a fresh value per run, from the caller), the thread number and a counter: never
-- a random number, which Lua does not seed, so two runs against one server drew the same ids and the
-- second was silently de-duplicated.
local body_template = os.getenv("WRK_BODY")
local auth = os.getenv("WRK_AUTH")
local run_id = os.getenv("WRK_RUN_ID")
if run_id == nil or run_id == "" then
  error("WRK_RUN_ID must be set (a value unique to this run)")
end
local threads = {}
local n = 0

function setup(thread)
  n = n + 1
  thread:set("tid", n)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  prefix = run_id .. "-" .. tostring(tid)
end

function request()
  counter = counter + 1
  local id = prefix .. "-" .. counter
  local visitor = prefix .. "-v" .. tostring(math.floor((counter - 1) / 8))
  local body = string.gsub(string.gsub(body_template, "%%ID%%", id), "%%VISITOR%%", visitor)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = auth }, body)
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
