-- wrk script for the HTTP benchmarks (bench/support/load-tool.ts writes its inputs).
-- Usage: wrk -s wrk-rotate.lua <url> -- <requests file> <threads>
--
-- The requests file has one line per request: slot, method, path, bearer token and body,
-- tab-separated. A slot is one workspace with its owner's pre-minted token and the requests it
-- cycles through (a plan and back). Each wrk thread takes every <threads>-th slot and rotates
-- through its slots, one request each, so consecutive requests go to different workspaces and
-- a workspace sees its own requests in order.
--
-- wrk cannot tie a slot to a connection; with twice as many slots as connections, a slot comes
-- round again only after the requests of all the others, so two requests of one workspace
-- are in flight together only when one was lapped (the API retries a conflicting append).
--
-- done() prints one JSON line (the last line of wrk's output) that load-tool.ts reads:
-- requests, duration, latency percentiles in microseconds, and every error count.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local slots = {}
local next_slot = 1

function init(args)
  local file = assert(io.open(args[1], "r"))
  local threads = tonumber(args[2])
  local by_slot = {}
  local order = {}
  for line in file:lines() do
    local slot, method, path, token, body = line:match("^(%d+)\t(%u+)\t([^\t]+)\t([^\t]*)\t?(.*)$")
    slot = tonumber(slot)
    if slot % threads == thread_index then
      if not by_slot[slot] then
        by_slot[slot] = { requests = {}, position = 1 }
        order[#order + 1] = slot
      end
      local headers = { ["Authorization"] = "Bearer " .. token }
      if body ~= "" then
        headers["Content-Type"] = "application/json"
      else
        body = nil
      end
      local requests = by_slot[slot].requests
      requests[#requests + 1] = wrk.format(method, path, headers, body)
    end
  end
  file:close()
  for _, slot in ipairs(order) do
    slots[#slots + 1] = by_slot[slot]
  end
end

function request()
  local slot = slots[next_slot]
  next_slot = next_slot % #slots + 1
  local r = slot.requests[slot.position]
  slot.position = slot.position % #slot.requests + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\n{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,' ..
      '"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
