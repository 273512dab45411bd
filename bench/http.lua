-- wrk script of bench/http.py: POSTs a fixed mix of GraphQL requests and reports one JSON line.
--
--   wrk -t1 -c16 -d60s --latency -s bench/http.lua http://127.0.0.1:PORT/graphql -- bodies.jsonl
--
-- bodies.jsonl holds one JSON request body a line (route, chain and top questions, in the order
-- bench/http.py drew them). Each connection's thread sends them in turn, round and round, so the
-- mix is the same for every server. A 200 whose body has an "errors" entry is a GraphQL error:
-- wrk counts only HTTP statuses above 399, so the script counts these itself.

local requests = {}
local next_request = 1
-- globals, so that done() can read them from each thread with thread:get
graphql_errors = 0
first_error = ""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
  for line in io.lines(path) do
    if #line > 0 then
      table.insert(requests, wrk.format("POST", nil, headers, line))
    end
  end
  assert(#requests > 0, "no request bodies in " .. path)
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function response(status, headers, body)
  if status < 400 and body and string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
    if first_error == "" then
      first_error = string.sub(body, 1, 300)
    end
  end
end

local function quoted(text)
  return '"' .. string.gsub(text, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests_)
  local errors, first = 0, ""
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("graphql_errors")
    if first == "" then
      first = thread:get("first_error")
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"graphql":%d,"first_error":%s}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, errors, quoted(first)
  ))
end
