-- One wrk script for every scenario of scripts/bench.sh, chosen by environment variables:
--   BENCH_MODE      user (GET /api/auth/user, a token per request, rotating) | login (POST
--                   /api/auth/login, correct passwords, rotating emails) | register (POST
--                   /api/auth/register, a new email each time) | fixed (GET /api/auth/user with
--                   the same rotating tokens; for the nginx reference)
--   BENCH_TOKENS    file of access tokens, one a line (user, fixed)
--   BENCH_EMAILS    file of emails, one a line (login)
--   BENCH_PASSWORD  their password (login, register)
--   BENCH_OUT       where done() writes the figures as one JSON object
local mode = os.getenv("BENCH_MODE") or "user"
local password = os.getenv("BENCH_PASSWORD") or "Benchmark-Password-1"
local requests_ = {}
local next_index = 1
local counter = 0
local thread_number = 0
local run = tostring(os.time()) .. tostring(math.random(100000, 999999))

function setup(thread)
   thread_number = thread_number + 1
   thread:set("thread_id", thread_number)
end

local function read_lines(path)
   local lines = {}
   for line in io.lines(path) do
      if line ~= "" then table.insert(lines, line) end
   end
   return lines
end

function init(args)
   local json = {["Content-Type"] = "application/json"}
   if mode == "user" or mode == "fixed" then
      for _, token in ipairs(read_lines(os.getenv("BENCH_TOKENS"))) do
         table.insert(requests_, wrk.format("GET", "/api/auth/user",
                                            {Authorization = "Bearer " .. token}))
      end
   elseif mode == "login" then
      for _, email in ipairs(read_lines(os.getenv("BENCH_EMAILS"))) do
         table.insert(requests_, wrk.format("POST", "/api/auth/login", json,
            '{"email":"' .. email .. '","password":"' .. password .. '"}'))
      end
   end
   -- Threads start at different places so that they do not ask for the same user together.
   if #requests_ > 0 then
      next_index = ((thread_id or 1) - 1) * math.floor(#requests_ / 2) % #requests_ + 1
   end
end

function request()
   if mode == "register" then
      counter = counter + 1
      local email = "reg." .. run .. "." .. tostring(thread_id) .. "." .. counter .. "@bench.test"
      return wrk.format("POST", "/api/auth/register", {["Content-Type"] = "application/json"},
                        '{"email":"' .. email .. '","password":"' .. password .. '"}')
   end
   local r = requests_[next_index]
   next_index = next_index % #requests_ + 1
   return r
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local out = string.format(
      '{"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,' ..
      '"p99_ms":%.3f,"max_ms":%.3f,"errors":{"connect":%d,"read":%d,"write":%d,' ..
      '"status":%d,"timeout":%d}}',
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      e.connect, e.read, e.write, e.status, e.timeout)
   local path = os.getenv("BENCH_OUT")
   if path then
      local file = assert(io.open(path, "w"))
      file:write(out, "\n")
      file:close()
   else
      print(out)
   end
end
