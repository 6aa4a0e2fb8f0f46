-- wrk script: POST /api/v1/lookup with random residents from lookup-bodies.txt (one JSON body a line)
local bodies = {}
for line in io.lines(os.getenv("BODIES") or "lookup-bodies.txt") do bodies[#bodies + 1] = line end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/api/v1/lookup", nil, bodies[math.random(#bodies)])
end
