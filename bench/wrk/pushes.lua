-- wrk script of `cargo xtask bench`: POSTs the pushes of a pool file (written by
-- `weixin-bench pool`) to /wxopen, each exactly once, so dedup never short-circuits.
--
--   wrk -t1 -c50 -d60s --latency -s bench/wrk/pushes.lua http://127.0.0.1:PORT -- POOL THREADS
--
-- Thread i of THREADS sends pool lines i, i+THREADS, ... and stops once its share has been
-- answered; with one thread it then sends wrk a SIGINT, which makes wrk report at once
-- (otherwise wrk waits for the whole -d). wrk's own Requests/sec divides by its whole run, so
-- this script times the run itself (LuaJIT FFI clock_gettime, first request to last response)
-- and prints its own line:
--   POOL requests=N seconds=S rps=R non200=B
-- Pool lines are `query<TAB>body`; lines starting with '#' are skipped.

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } weixin_bench_timespec;
int clock_gettime(int clock_id, weixin_bench_timespec *tp);
int getpid(void);
int kill(int pid, int sig);
]]
local SIGINT = 2
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("weixin_bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  if path == nil then
    error("pass the pool file (and the thread count) after --")
  end
  nthreads = tonumber(args[2]) or 1
  pushes = {}
  local index = 0
  for line in io.lines(path) do
    if line:sub(1, 1) ~= "#" and #line > 0 then
      if index % nthreads == id then
        local tab = line:find("\t", 1, true)
        pushes[#pushes + 1] = wrk.format("POST", "/wxopen?" .. line:sub(1, tab - 1),
          { ["Content-Type"] = "text/xml" }, line:sub(tab + 1))
      end
      index = index + 1
    end
  end
  if #pushes == 0 then
    error("no pushes for thread " .. id .. " in " .. path)
  end
  sent = 0
  answered = 0
  bad = 0
  first = 0
  last = 0
end

function request()
  if sent == 0 then
    first = now()
  end
  sent = sent + 1
  -- After the share is used up, until the last answers arrive: repeat the last push (a
  -- retry; at most one per connection, and their answers are not counted).
  return pushes[sent] or pushes[#pushes]
end

function response(status, headers, body)
  if answered >= #pushes then
    return
  end
  answered = answered + 1
  last = now()
  if status ~= 200 then
    bad = bad + 1
  end
  if answered == #pushes then
    wrk.thread:stop()
    if nthreads == 1 then
      -- wrk sleeps for the whole -d unless interrupted: SIGINT makes it report now.
      ffi.C.kill(ffi.C.getpid(), SIGINT)
    end
  end
end

function done(summary, latency, requests)
  local total, non200, started, finished = 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("answered")
    non200 = non200 + thread:get("bad")
    local first = thread:get("first")
    if first > 0 and (started == nil or first < started) then started = first end
    finished = math.max(finished, thread:get("last"))
  end
  local seconds = (started and finished > started) and (finished - started) or 0
  local rps = seconds > 0 and total / seconds or 0
  io.write(string.format("POOL requests=%d seconds=%.3f rps=%.1f non200=%d\n",
    total, seconds, rps, non200))
end
