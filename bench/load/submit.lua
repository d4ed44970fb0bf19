-- Submit one distinct attempt per request; stop when every prepared attempt was sent once.
-- SLOTS_FILE lines: cookie \t csrf \t attempt ; threads take disjoint slices.
local slots = {}
threads_list = {}

function setup(thread)
  thread:set("tid", #threads_list + 1)
  threads_list[#threads_list + 1] = thread
end

function init(args)
  local all = {}
  for line in io.lines(os.getenv("SLOTS_FILE")) do
    local cookie, csrf, attempt = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)")
    if cookie then all[#all + 1] = {cookie, csrf, attempt} end
  end
  local nthreads = tonumber(os.getenv("THREADS"))
  for i = tid, #all, nthreads do slots[#slots + 1] = all[i] end
  position = 0
  acked = 0
  keys = {}
end

function request()
  position = position + 1
  if position > #slots then  -- all sent once: idle on a cheap page that is not counted
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  local s = slots[position]
  local body = "csrf_token=" .. s[2] .. "&submit_key=" .. s[3] .. "-" .. position
  return wrk.format("POST", "/quizzes/attempt/" .. s[3] .. "/submit",
    {["Cookie"] = s[1], ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
  if status == 302 then
    local attempt = (headers["Location"] or ""):match("/attempt/(%d+)/review")
    if attempt then
      acked = acked + 1
      keys[#keys + 1] = attempt
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  local out = io.open(os.getenv("ACKED_FILE"), "w")
  for _, t in ipairs(threads_list) do
    total = total + (t:get("acked") or 0)
    for _, key in ipairs(t:get("keys") or {}) do out:write(key, "\n") end
  end
  out:close()
  io.write(string.format("ACKED %d\n", total))
end
