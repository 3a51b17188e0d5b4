-- wrk script: POST /congress/<slug>/register, each request as another signed-in person (their session cookie and
-- the CSRF token of their session), choosing a workshop in about half of the time slots offered.
--   CONGRESS_SLUG  the congress
--   CREDENTIALS    a file of "<session cookie> <CSRF token>" lines, one person a line; thread n of WRK_THREADS
--                  takes every WRK_THREADS-th line, so no two requests of a run are the same person
--   WORKSHOPS      the workshop ids of each time slot: "4,5,6|7,8,9" (slot_1, slot_2, ...); empty: none offered
--   USER_AGENT     the User-Agent the sessions were minted for (Flask-Login's strong session protection)
--   SUMMARY_LUA    the ceiling's summary.lua: its done() prints the one-line JSON summary
local threads = {}
local slug = os.getenv("CONGRESS_SLUG")
local credentials = os.getenv("CREDENTIALS")
local workshops = os.getenv("WORKSHOPS") or ""
local user_agent = os.getenv("USER_AGENT") or "engage-bench"
local thread_count = tonumber(os.getenv("WRK_THREADS") or "2")

dofile(os.getenv("SUMMARY_LUA"))

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
  people = {}
  local line_number = 0
  for line in io.lines(credentials) do
    if line_number % thread_count == tid - 1 then
      table.insert(people, line)
    end
    line_number = line_number + 1
  end
  turn = 0
  slots = {}
  for group in string.gmatch(workshops, "[^|]+") do
    local ids = {}
    for id in string.gmatch(group, "%d+") do table.insert(ids, id) end
    table.insert(slots, ids)
  end
  path = "/congress/" .. slug .. "/register"
end

function request()
  -- Past the last person the list starts again: those requests find the person registered (a 200 form page),
  -- and the benchmark reports more requests than registrations.
  turn = turn % #people + 1
  local cookie, token = string.match(people[turn], "^(%S+) (%S+)$")
  local body = "csrf_token=" .. token .. "&attending_as=resident&interpreter=none"
  for number, ids in ipairs(slots) do
    if math.random() < 0.5 then
      body = body .. "&slot_" .. number .. "=" .. ids[math.random(#ids)]
    end
  end
  local headers = {
    ["Cookie"] = "session=" .. cookie,
    ["User-Agent"] = user_agent,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, body)
end
