-- wrk script of `make bench`: pre-built requests sent round-robin over the benchmark users.
--
-- Settings come from the environment (Scripts/bench.sh sets them):
--   BENCH_USERS    the tokens file: one user a line, "access_token user_id note_id refresh_token email"
--                  (BENCH_MODE=login: one e-mail a line)
--   BENCH_PATH     the request path; "{note}" becomes the user's note id (e.g. /local/v1/notes/{note})
--   BENCH_METHOD   GET (default) or POST
--   BENCH_BODY     the request body (POST), sent as application/json
--   BENCH_MODE     "token" (default: Authorization: Bearer + X-Bench-User on every request, whatever the
--                  variant, so the load is byte for byte the same), "login" (a login body per e-mail) or
--                  "introspect" (auth's POST /internal/v1/introspect with token=<the user's token>)
--   BENCH_PASSWORD the storm users' password (login mode)
--   BENCH_BASIC    "id:secret" of an introspection client, base64 already (introspect mode)
--   BENCH_OUT      a JSON-lines file; done() appends one record:
--                  {"bench","variant","round","values":{rps, p50_ms, p90_ms, p99_ms, max_ms, mean_ms, requests, errors}}
--   BENCH_NAME, BENCH_VARIANT, BENCH_ROUND  the record's keys
--   BENCH_DELAY_MS a pause before each request of a connection (unset: none, as fast as the server answers):
--                  a light, steady load that leaves the machine room, e.g. the reads beside the login storm
-- Every answer outside 2xx/3xx, and every socket error or timeout, counts in "errors".

local thread_count = 0

-- wrk calls delay() before each request when the script defines it.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if delay_ms then
    function delay()
        return delay_ms
    end
end

function setup(thread)
    -- `index` becomes a global of the thread's own Lua state.
    thread:set("index", thread_count)
    thread_count = thread_count + 1
end

local requests = {}
local position = 0

function init(args)
    local file = os.getenv("BENCH_USERS")
    local template = os.getenv("BENCH_PATH") or "/"
    local method = os.getenv("BENCH_METHOD") or "GET"
    local body = os.getenv("BENCH_BODY")
    local mode = os.getenv("BENCH_MODE") or "token"
    local password = os.getenv("BENCH_PASSWORD") or ""
    for line in io.lines(file) do
        if mode == "login" then
            local email = line:match("^(%S+)")
            if email then
                local login = '{"email":"' .. email .. '","password":"' .. password .. '"}'
                requests[#requests + 1] = wrk.format("POST", template, { ["Content-Type"] = "application/json" }, login)
            end
        elseif mode == "introspect" then
            local token = line:match("^(%S+)")
            if token then
                local headers = {
                    ["Authorization"] = "Basic " .. (os.getenv("BENCH_BASIC") or ""),
                    ["Content-Type"] = "application/x-www-form-urlencoded",
                }
                requests[#requests + 1] = wrk.format("POST", template, headers, "token=" .. token)
            end
        else
            local token, user, note = line:match("^(%S+) (%S+) (%S+)")
            if token then
                local path = (template:gsub("{note}", note))
                local headers = { ["Authorization"] = "Bearer " .. token, ["X-Bench-User"] = user }
                if body then headers["Content-Type"] = "application/json" end
                requests[#requests + 1] = wrk.format(method, path, headers, body)
            end
        end
    end
    if #requests == 0 then
        error("no requests built from " .. tostring(file))
    end
    -- Threads start at different places in the rotation.
    position = (tonumber(index) or 0) * math.floor(#requests / 2) % #requests
end

function request()
    position = position % #requests + 1
    return requests[position]
end

function done(summary, latency, requests_)
    local out = os.getenv("BENCH_OUT")
    if not out then return end
    local e = summary.errors
    local socket_errors = e.connect + e.read + e.write + e.timeout
    local seconds = summary.duration / 1e6
    local line = string.format(
        '{"bench":"%s","variant":"%s","round":%d,"values":{"rps":%.3f,"p50_ms":%.4f,"p90_ms":%.4f,"p99_ms":%.4f,' ..
            '"max_ms":%.4f,"mean_ms":%.4f,"requests":%d,"errors":%d,"status_errors":%d,"socket_errors":%d}}\n',
        os.getenv("BENCH_NAME") or "?", os.getenv("BENCH_VARIANT") or "?", tonumber(os.getenv("BENCH_ROUND") or "0"),
        summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, latency.mean / 1000,
        summary.requests, socket_errors + e.status, e.status, socket_errors)
    local f = assert(io.open(out, "a"))
    f:write(line)
    f:close()
end
