-- wrk script: replays the requests listed in a file, each once across all threads (from the
-- start again if the run outlasts the list), and prints one JSON summary line at the end.
--
--   wrk ... -s bench/replay.lua URL -- REQUESTS.tsv THREADS EXPECTED_STATUS
--
-- REQUESTS.tsv: one request a line, "METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY" (BODY may be empty).

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local requests = {}
local position, stride = 1, 1
local expected = 200
unexpected, wrapped = 0, 0

function init(args)
   local path, nthreads = args[1], tonumber(args[2])
   expected = tonumber(args[3])
   local index = 0
   for line in io.lines(path) do
      -- Thread k takes lines k, k+n, k+2n, ...: no request is sent twice across threads.
      if index % nthreads == id then
         local method, target, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
         local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
         if body == "" then
            body = nil
         else
            headers["Content-Type"] = "application/json"
         end
         table.insert(requests, wrk.format(method, target, headers, body))
      end
      index = index + 1
   end
   if #requests == 0 then
      error("no requests for thread " .. id)
   end
end

function request()
   if position > #requests then
      position, wrapped = 1, 1
   end
   local r = requests[position]
   position = position + stride
   return r
end

function response(status, headers, body)
   if status ~= expected then
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   local total_unexpected, any_wrapped = 0, 0
   for _, thread in ipairs(threads) do
      total_unexpected = total_unexpected + thread:get("unexpected")
      any_wrapped = math.max(any_wrapped, thread:get("wrapped"))
   end
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "unexpected": %d, "wrapped": %d, '
         .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, '
         .. '"p50": %d, "p90": %d, "p99": %d, "max": %d}\n',
      summary.requests, summary.duration, total_unexpected, any_wrapped,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
