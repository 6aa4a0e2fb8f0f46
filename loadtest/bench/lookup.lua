-- wrk script: POST /api/v1/lookup for the residents of lookup-bodies.txt (one JSON body a line), each thread
-- walking its own share of the file in order, so that no resident is asked twice before every one has been
-- (a resident asked again would find their household's answer kept, which pgbench's random draw never does)
local bodies = {}
for line in io.lines(os.getenv("BODIES") or "lookup-bodies.txt") do bodies[#bodies + 1] = line end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("number", #threads)
end
local requests = {}
function init(args)
  -- wrk starts the threads after every setup: thread k of n begins k-1 n-ths into the file
  next_body = math.floor(((number or 1) - 1) * #bodies / (tonumber(os.getenv("WRK_THREADS")) or 2))
  -- every request written out once, before the clock starts, rather than as each is sent: wrk shares the two cores
  -- with the gateway and PostgreSQL, and what it spends in the window is theirs
  for i, body in ipairs(bodies) do requests[i] = wrk.format(nil, "/api/v1/lookup", nil, body) end
end
request = function()
  next_body = next_body % #requests + 1
  return requests[next_body]
end
