-- POSTs BODY (from the environment) with every "%ID%" replaced by an id unique to the request,
-- so the server sees no duplicates. Prints one JSON line of results at the end.
local body_template = os.getenv("WRK_BODY")
local auth = os.getenv("WRK_AUTH")
local threads = {}
local n = 0

function setup(thread)
  n = n + 1
  thread:set("tid", n)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  prefix = tostring(tid) .. "-" .. tostring(math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local id = prefix .. "-" .. counter
  local body = string.gsub(body_template, "%%ID%%", id)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = auth }, body)
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
