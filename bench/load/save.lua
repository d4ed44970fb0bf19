-- Save one answer per request, each to a different (attempt, question) that has no answer yet,
-- so the database must end with exactly as many answers as were acknowledged with 200.
-- SLOTS_FILE lines: cookie \t csrf \t attempt \t questions \t choice tokens (comma-separated, per question) ; threads take disjoint slices.
local slots = {}
threads_list = {}

function setup(thread)
  thread:set("tid", #threads_list + 1)
  threads_list[#threads_list + 1] = thread
end

function init(args)
  local all = {}
  for line in io.lines(os.getenv("SLOTS_FILE")) do
    local cookie, csrf, attempt, questions, choice = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)")
    if cookie then
      local tokens = {}  -- one option token per question (they differ in every attempt and question)
      for t in choice:gmatch("[^,]+") do tokens[#tokens + 1] = t end
      all[#all + 1] = {cookie, csrf, attempt, tonumber(questions), tokens}
    end
  end
  local nthreads = tonumber(os.getenv("THREADS"))
  for i = tid, #all, nthreads do slots[#slots + 1] = all[i] end
  position = 0
  acked = 0
  keys = {}
end

function request()
  -- walk question 1..N of slot 1, then of slot 2, ... : every request writes a fresh cell
  local per = slots[1][4]
  if position >= #slots * per then  -- every cell written once: idle on a page that is not counted
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  local s = slots[math.floor(position / per) + 1]
  local q = position % per + 1
  position = position + 1
  local body = "shown=" .. q .. "&q" .. q .. "=" .. s[5][q]
  return wrk.format("POST", "/quizzes/attempt/" .. s[3] .. "/save",
    {["Cookie"] = s[1], ["X-CSRFToken"] = s[2], ["Content-Type"] = "application/x-www-form-urlencoded",
     ["Accept"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 200 and body:find('"ok": *true') then
    acked = acked + 1
    local attempt = body:match('"attempt": *(%d+)')
    local questions = body:match('"questions": *%[([%d, ]*)%]') or ""
    for q in questions:gmatch("%d+") do keys[#keys + 1] = attempt .. ":" .. q end
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
