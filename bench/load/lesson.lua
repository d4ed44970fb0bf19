-- GET the lesson page as many signed-in cadres (one session cookie per request, rotating).
local cookies = {}
local path = os.getenv("LESSON_PATH")

function setup(thread)
  thread:set("id", tostring(thread.id or math.random(1000000)))
end

function init(args)
  for line in io.lines(os.getenv("SESSIONS_FILE")) do
    local cookie = line:match("^[^\t]+\t([^\t]+)")
    if cookie then cookies[#cookies + 1] = cookie end
  end
  n = math.random(#cookies)
end

function request()
  n = n % #cookies + 1
  return wrk.format("GET", path, {["Cookie"] = cookies[n]})
end
