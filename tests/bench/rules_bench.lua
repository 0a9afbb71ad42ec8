-- SPDX-License-Identifier: Apache-2.0
-- Rule evaluation throughput: all upstream rules (stable + incubating +
-- sandbox) compiled, a synthetic stream of realistic events (mostly
-- openat and execve, a few socket/connect) injected, decoded, applied to
-- the state tables and evaluated against the rules indexed by event type.
-- Prints events/s on one core, with and without the injection cost, and
-- the Lua allocation per event (must be 0). Run from the repository root:
--   luajit tests/bench/rules_bench.lua [events]
package.path = "lua/?.lua;tests/lua/?.lua;" .. package.path
local core = require("saker.core")
local load = require("saker.rules.load")
local compile = require("saker.rules.compile")
local evb = require("evbuild")
local sjit = require("saker.jit")

local C = core.C
local N = tonumber(arg and arg[1]) or 2000000
local DIR = core.home .. "/../shared/upstream-rules/"

sjit.setup()
local s = assert(core.open({ live = false }))
local rs, ldiags = load.ruleset({ DIR .. "falco_rules.yaml", DIR .. "falco-incubating_rules.yaml",
	DIR .. "falco-sandbox_rules.yaml" })
assert(not load.has_errors(ldiags), "upstream rules do not load")
local t0 = os.clock()
local c, diags = compile.ruleset(rs, s, {})
local compile_s = os.clock() - t0
for _, d in ipairs(diags) do assert(d.level ~= "error", d.msg) end

-- a small process tree
evb.exec(s, { tid = 1, ptid = 0, comm = "systemd", exe = "/usr/lib/systemd/systemd" })
evb.exec(s, { tid = 200, ptid = 1, comm = "sshd", exe = "/usr/sbin/sshd" })
evb.exec(s, { tid = 300, ptid = 200, comm = "bash", exe = "/bin/bash", args = { "-l" } })
evb.exec(s, { tid = 400, ptid = 300, comm = "nginx", exe = "/usr/sbin/nginx" })

local stream = {}
local function add(ev) stream[#stream + 1] = evb.event(ev) end
local paths = { "/etc/ld.so.cache", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/passwd",
	"/var/www/index.html", "/proc/self/status", "/tmp/cache.db", "/etc/nginx/nginx.conf",
	"/home/user/.bashrc", "/usr/share/zoneinfo/UTC", "/dev/null" }
for i = 1, 70 do
	local tid = i % 3 == 0 and 300 or 400
	add({ name = "openat", tid = tid, params = { fd = 3 + i % 5, dirfd = -100, name = paths[i % #paths + 1],
		flags = i % 4 == 0 and 2 or 1, mode = 0, dev = 0, ino = 0 } })
end
for i = 1, 20 do
	local names = { "ls", "cat", "grep", "sed" }
	local comm = names[i % #names + 1]
	add({ name = "execve", tid = 500 + i, params = { res = 0, exe = "/usr/bin/" .. comm, args = { "-a" },
		tid = 500 + i, pid = 500 + i, ptid = 300, cwd = "/home/user", fdlimit = 1024, comm = comm,
		env = { "HOME=/home/user" }, tty = 34816, loginuid = 1000, uid = 1000, gid = 1000,
		filename = "/usr/bin/" .. comm } })
end
for i = 1, 5 do
	add({ name = "socket", tid = 400, params = { fd = 10 + i, domain = 2, type = 1, proto = 0, flags = 0 } })
	add({ name = "connect", tid = 400, params = { res = 0, tuple = evb.socktuple4("10.0.0.2", 40000 + i,
		"93.184.216.34", 443), fd = 10 + i, addr = evb.sockaddr4("93.184.216.34", 443) } })
end
local nstream = #stream
local by_type, eval = c.by_type, c.eval
local hitbuf = {}
for i = 1, #c.rules do hitbuf[i] = 0 end

local function run(n, rules)
	local hits = 0
	for i = 1, n do
		local raw = stream[i % nstream + 1]
		C.saker_inject(s, raw, #raw, 0)
		-- no local for the event pointer: a side exit would box it
		local code = C.saker_next(s, 0).kind
		if rules then
			hits = hits + eval[code](hitbuf)
		end
	end
	return hits
end

local function timed(n, rules)
	local t = os.clock()
	local hits = run(n, rules)
	return os.clock() - t, hits
end

run(200000, true)
local base = timed(N, false)
collectgarbage("stop")
local before = collectgarbage("count")
local with, hits = timed(N, true)
local alloc = (collectgarbage("count") - before) * 1024 / N
collectgarbage("restart")

local evals = 0
for i = 1, nstream do
	local raw = stream[i]
	C.saker_inject(s, raw, #raw, 0)
	evals = evals + #by_type[C.saker_next(s, 0).kind]
end

print(string.format("rules: %d compiled in %.3f s; %d events, %.1f rules evaluated per event, %d alerts",
	#c.rules, compile_s, N, evals / nstream, hits))
print(string.format("inject+decode+state only:  %10.0f events/s", N / base))
print(string.format("with rule evaluation:      %10.0f events/s", N / with))
print(string.format("rule evaluation alone:     %10.0f events/s (%.0f ns/event)", N / (with - base),
	(with - base) * 1e9 / N))
print(string.format("Lua allocation per event:  %10.3f bytes", alloc))
