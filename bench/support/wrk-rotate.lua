-- wrk script for the HTTP benchmarks (bench/support/load-tool.ts writes its inputs).
-- Usage: wrk -s wrk-rotate.lua <url> -- <requests file> <threads> <exclusive|shared>
--
-- The requests file has one line per request: slot, method, path, bearer token and body,
-- tab-separated. A slot is one workspace with its owner's pre-minted token and the requests it
-- cycles through (a plan and back). Each wrk thread takes every <threads>-th slot.
--
-- exclusive (commands): a slot has at most one request in flight, as when each client is the
-- owner of its own workspace. Each request carries its slot in X-Correlation-Id, which the API
-- echoes; the answer puts the slot back at the end of the queue. (wrk does not say which
-- connection asks for the next request, so the echo is how a slot comes back.) Give more
-- slots than connections.
-- shared (reads, the bare floor): plain rotation through the slots.
--
-- Every answer other than 2xx is counted (wrk's own count misses 1xx and 3xx). done() prints
-- one JSON line, the last of wrk's output, that load-tool.ts reads: requests, duration,
-- latency percentiles in microseconds, non-2xx answers and socket errors.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

local slots = {}
local queue, first, last = {}, 1, 0
local exclusive = false
non2xx = 0

local function push(slot)
  last = last + 1
  queue[last] = slot
end

local function pop()
  if first > last then
    return nil
  end
  local slot = queue[first]
  queue[first] = nil
  first = first + 1
  return slot
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local thread_count = tonumber(args[2])
  exclusive = args[3] == "exclusive"
  for line in file:lines() do
    local index, method, path, token, body =
      line:match("^(%d+)\t(%u+)\t([^\t]+)\t([^\t]*)\t(.*)$")
    index = tonumber(index)
    if index % thread_count == thread_index then
      if not slots[index] then
        slots[index] = { requests = {}, position = 1 }
        push(index)
      end
      local headers = { ["X-Correlation-Id"] = "bench-slot-" .. index }
      if token ~= "" then
        headers["Authorization"] = "Bearer " .. token
      end
      if body ~= "" then
        headers["Content-Type"] = "application/json"
      else
        body = nil
      end
      local requests = slots[index].requests
      requests[#requests + 1] = wrk.format(method, path, headers, body)
    end
  end
  file:close()
end

function request()
  local index = pop()
  if not index then
    error("every slot is in flight: give more slots than connections")
  end
  if not exclusive then
    push(index)
  end
  local slot = slots[index]
  local r = slot.requests[slot.position]
  slot.position = slot.position % #slot.requests + 1
  return r
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if exclusive then
    local echoed = headers["X-Correlation-Id"] or headers["x-correlation-id"] or ""
    local index = tonumber(echoed:match("^bench%-slot%-(%d+)$"))
    if index then
      push(index)
    end
  end
end

function done(summary, latency, requests)
  local answered_non2xx = 0
  for _, thread in ipairs(threads) do
    answered_non2xx = answered_non2xx + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    '\n{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,' ..
      '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, answered_non2xx, e.connect, e.read, e.write, e.timeout))
end
