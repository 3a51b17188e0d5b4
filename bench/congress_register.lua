-- wrk script: POST /congress/<slug>/register/check (Register on the check page), each request as another signed-in
-- person whose session cookie carries their answers to the sign-up's pages, workshops chosen included (minted by
-- congress.py for this run's congress), with the CSRF token of their session.
--   CONGRESS_SLUG  the congress
--   CREDENTIALS    a file of "<session cookie> <CSRF token>" lines, one person a line; thread n of WRK_THREADS
--                  takes every WRK_THREADS-th line, so no two requests of a run are the same person
--   USER_AGENT     the User-Agent the sessions were minted for (Flask-Login's strong session protection)
--   SUMMARY_LUA    the ceiling's summary.lua: its done() prints the one-line JSON summary
local threads = {}
local slug = os.getenv("CONGRESS_SLUG")
local credentials = os.getenv("CREDENTIALS")
local user_agent = os.getenv("USER_AGENT") or "engage-bench"
local thread_count = tonumber(os.getenv("WRK_THREADS") or "2")

dofile(os.getenv("SUMMARY_LUA"))

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  people = {}
  local line_number = 0
  for line in io.lines(credentials) do
    if line_number % thread_count == tid - 1 then
      table.insert(people, line)
    end
    line_number = line_number + 1
  end
  turn = 0
  path = "/congress/" .. slug .. "/register/check"
end

function request()
  -- Past the last person the list starts again: those requests find the person registered (sent to their
  -- registration), and the benchmark reports more requests than registrations.
  turn = turn % #people + 1
  local cookie, token = string.match(people[turn], "^(%S+) (%S+)$")
  local headers = {
    ["Cookie"] = "session=" .. cookie,
    ["User-Agent"] = user_agent,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, "csrf_token=" .. token)
end
