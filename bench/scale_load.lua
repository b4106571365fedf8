-- wrk script for bench/scale.py: GETs the paths of a file in turn, with a session
-- cookie if one is given, and counts the answers that are not 200 (a redirect to the
-- login page would otherwise pass as a fast success).
--   wrk -s bench/scale_load.lua URL -- PATHS_FILE [COOKIE]
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  headers = {}
  if args[2] and args[2] ~= "" then headers["Cookie"] = args[2] end
  n = math.random(#paths)
  bad = 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("bad") end
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f\n", summary.requests, errors,
    not_ok, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.duration / 1e6))
end
