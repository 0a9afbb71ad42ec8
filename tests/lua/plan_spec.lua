-- SPDX-License-Identifier: Apache-2.0
-- plan: the per-event-type evaluation functions (compiled.eval) agree with
-- the unspecialised rules on a varied synthetic stream, report hits in rule
-- order, and fold evt.type tests.
local core = require("saker.core")
local load = require("saker.rules.load")
local compile = require("saker.rules.compile")
local plan = require("saker.rules.plan")
local evb = require("evbuild")

local C = core.C
local DIR = core.home .. "/../shared/upstream-rules/"

local s = assert(core.open({ live = false }))

local function rs(list)
	local out = { macros = {}, lists = {}, rules = {} }
	for i, r in ipairs(list) do
		out.rules[i] = { name = r[1], condition = r[2], output = "%proc.name", priority = "Warning",
			priority_num = 4, warn_evttypes = false, enabled = r[3] }
	end
	return out
end

-- Parameter lists by event name and direction, from the scap table.
local function param_rows()
	local rows = {}
	local f = assert(io.open(core.home .. "/../shared/scap/event_table_full.tsv"))
	f:read("*l")
	for line in f:lines() do
		local name, dir, params = line:match("^%d+\t([^\t]*)\t([EX])\t%d+\t([^\t]*)")
		if name then
			local ps = {}
			for p in params:gmatch("[^;]+") do ps[#ps + 1] = { p:match("^([^:]+):(.+)$") } end
			rows[name .. (dir == "E" and ">" or "<")] = ps
		end
	end
	f:close()
	return rows
end

local PATHS = { "/etc/shadow", "/etc/passwd", "/etc/ld.so.cache", "/usr/bin/ls", "/bin/sh",
	"/tmp/x", "/dev/shm/a.out", "/root/.ssh/authorized_keys", "/proc/self/status", "/var/log/syslog",
	"/home/u/.bashrc", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/sudoers", "/dev/null",
	"/var/run/docker.sock", "/etc/pam.d/sshd", "relative/file", "/sys/kernel/debug/x" }
local COMMS = { "bash", "sh", "ls", "cat", "sshd", "nginx", "python3", "nc", "sudo", "curl",
	"mysqld", "runc", "kubectl", "systemd", "passwd", "find", "dd", "vi" }
local NUMW = { UINT8 = 1, INT8 = 1, FLAGS8 = 1, ENUMFLAGS8 = 1, UINT16 = 1, INT16 = 1, FLAGS16 = 1,
	ENUMFLAGS16 = 1, PORT = 1, UINT32 = 1, INT32 = 1, FLAGS32 = 1, ENUMFLAGS32 = 1, UID = 1, GID = 1,
	MODE = 1, FD32 = 1, PID32 = 1, UINT64 = 1, INT64 = 1, ERRNO = 1, FD = 1, PID = 1 }

local function pick(t) return t[math.random(#t)] end

local function random_value(ptype)
	if NUMW[ptype] then
		local r = math.random(10)
		if r <= 3 then return math.random(0, 8) end
		if r <= 5 then return -math.random(1, 13) end
		if r == 6 then return 0 end
		return math.random(0, 4095)
	elseif ptype == "CHARBUF" or ptype == "FSPATH" or ptype == "FSRELPATH" then
		return pick(math.random(2) == 1 and PATHS or COMMS)
	elseif ptype == "CHARBUFARRAY" or ptype == "BYTEBUF" then
		return { pick(COMMS), pick(PATHS) }
	elseif ptype == "SOCKADDR" then
		return evb.sockaddr4(pick({ "10.0.0.1", "127.0.0.1", "93.184.216.34" }), pick({ 22, 80, 443, 4444 }))
	elseif ptype == "SOCKTUPLE" then
		return evb.socktuple4("10.0.0.2", math.random(1024, 65535), pick({ "127.0.0.1", "8.8.8.8" }),
			pick({ 53, 443, 6667 }))
	end
	return nil
end

local function random_event(rows, names)
	local r = math.random(10)
	local tid = 300 + math.random(0, 5)
	if r <= 4 then
		return { name = "openat", tid = tid, params = { fd = math.random(-2, 9), dirfd = -100,
			name = pick(PATHS), flags = math.random(0, 63), mode = math.random(0, 511), dev = 0, ino = 0 } }
	elseif r <= 6 then
		local comm = pick(COMMS)
		local exe = pick({ "/usr/bin/", "/tmp/", "/bin/", "/dev/shm/" }) .. comm
		return { name = "execve", tid = tid, params = { res = 0, exe = exe, args = { pick(PATHS), "-c" },
			tid = tid, pid = tid, ptid = 300 + math.random(0, 5), cwd = pick({ "/", "/tmp", "/root" }),
			fdlimit = 1024, comm = comm, env = { "HOME=/root" }, tty = math.random(0, 1) * 34816,
			loginuid = math.random(0, 1) * 1000, uid = math.random(0, 1) * 1000, gid = 0,
			filename = exe, cap_effective = math.random(0, 1) * 0x1fffff } }
	end
	local name = pick(names)
	local dir = math.random(4) == 1 and ">" or "<"
	local ps = rows[name .. dir]
	if not ps then dir = "<"; ps = rows[name .. dir] end
	local params = {}
	for _, p in ipairs(ps or {}) do params[p[1]] = random_value(p[2]) end
	return { name = name, dir = dir, tid = tid, params = params }
end

describe("plan", function()
	it("folds evt.type tests for one event type", function()
		local t = compile.ruleset(rs({ { "x", "evt.type in (open, openat) and fd.num > 2" } }), s).rules[1].tree
		local f = plan.fold(t, "openat")
		assert.are.equal("cmp", f.k)
		assert.are.equal("fd.num", f.field.name)
		assert.is_false(plan.fold(t, "execve"))
		local n = compile.ruleset(rs({ { "y", "not (evt.type != execve) or proc.name = sh" } }), s).rules[1].tree
		assert.is_true(plan.fold(n, "execve"))
		assert.are.equal("proc.name", plan.fold(n, "openat").field.name)
	end)

	it("gives the verdicts of the unspecialised rules over all upstream rules", function()
		local ruleset = load.ruleset({ DIR .. "falco_rules.yaml", DIR .. "falco-incubating_rules.yaml",
			DIR .. "falco-sandbox_rules.yaml" })
		local c = compile.ruleset(ruleset, s, { enabled = function() return true end })
		assert.is_true(#c.rules > 80)
		local rows = param_rows()
		local names = {}
		for code = 0, C.saker_evtype_max() - 1 do
			if #c.by_type[code] > 0 then
				local nm = compile.evtable().names[code]
				if not names[nm] then names[nm] = true; names[#names + 1] = nm end
			end
		end
		table.sort(names)
		for tid = 300, 305 do
			evb.exec(s, { tid = tid, ptid = tid == 300 and 1 or tid - 1, comm = COMMS[tid - 299],
				exe = "/usr/bin/" .. COMMS[tid - 299] })
		end
		math.randomseed(20261128)
		local hits, checked, matched, distinct = {}, 0, 0, {}
		for _ = 1, 6000 do
			local e = evb.feed(s, random_event(rows, names))
			local code = e.type
			local want = {}
			for _, r in ipairs(c.by_type[code]) do
				if r.match() then want[#want + 1] = r.idx end
			end
			local n = c.eval[code](hits)
			local got = {}
			for i = 1, n do got[i] = hits[i] end
			assert.are.same(want, got, "event " .. compile.evtable().names[code])
			checked = checked + #c.by_type[code]
			matched = matched + n
			for _, i in ipairs(got) do distinct[i] = true end
		end
		local nd = 0
		for _ in pairs(distinct) do nd = nd + 1 end
		-- the stream must exercise the rules, not just pass by them
		assert.is_true(checked > 50000)
		assert.is_true(matched > 500)
		assert.is_true(nd >= 15, "distinct rules hit: " .. nd)
	end)

	it("reports hits in rule order, disabled rules never", function()
		local c = compile.ruleset(rs({
			{ "a", "evt.type = openat and proc.name = cat and fd.num = 3" },
			{ "b", "evt.type = openat and fd.num = 3" },
			{ "off", "evt.type = openat and fd.num = 3", false },
			{ "c", "evt.type in (openat, execve) and proc.name = cat" },
			{ "d", "evt.type = openat and proc.name = cat and fd.num = 4" },
			{ "e", "proc.name = cat and evt.type != execve" },
		}), s)
		evb.exec(s, { tid = 101, ptid = 1, comm = "cat", exe = "/bin/cat" })
		local e = evb.openat(s, 101, "/etc/hosts", 1, 3)
		local hits = {}
		local n = c.eval[e.kind](hits)
		assert.are.same({ 1, 2, 4, 6 }, { unpack(hits, 1, n) })
		-- rule_matching first: the first rule in order is hits[1]
		assert.are.equal("a", c.rules[hits[1]].name)
		-- a and d share their conjuncts up to fd.num: one plan, one test each
		local src = select(2, plan.eval(require("saker.rules.codegen").runtime(s), "openat",
			{ { idx = 1, tree = c.rules[1].tree }, { idx = 5, tree = c.rules[5].tree } }, {}))
		local _, nname = src:gsub("get%(s,(%d+),v%)==1 and %(%(MV%[%1%]%.len==3 and memcmp%(MV%[%1%]%.s,\"cat\"", "")
		assert.are.equal(1, nname)
		e = evb.feed(s, { name = "execve", tid = 101, params = { res = 0, exe = "/bin/cat", tid = 101,
			pid = 101, ptid = 1, comm = "cat" } })
		n = c.eval[e.kind](hits)
		assert.are.same({ 4 }, { unpack(hits, 1, n) })
		-- only rule e has no evt.type restriction that excludes close
		assert.are.equal(1, c.eval[evb.code("close")](hits))
		assert.are.equal(6, hits[1])
	end)

	it("merges tests of one field against string sets", function()
		local c = compile.ruleset(rs({
			{ "pos", "evt.type = openat and (proc.name in (cat, ls) or proc.name = vi or proc.name in (sh))" },
			{ "neg", "evt.type = openat and not fd.name in (/etc/a) and not fd.name = /etc/b "
				.. "and not fd.name pmatch (/tmp) and not fd.name = /etc/c and fd.num = 3" },
		}), s)
		local p = plan.rewrite(plan.fold(c.rules[1].tree, "openat"))
		assert.are.equal("cmp", p.k)
		assert.are.equal("in", p.op)
		assert.are.same({ "cat", "ls", "vi", "sh" }, p.consts)
		local q = plan.rewrite(plan.fold(c.rules[2].tree, "openat"))
		local nots, pm = 0, 0
		for _, a in ipairs(q.args) do
			if a.k == "not" then
				nots = nots + 1
				if a.arg.op == "pmatch" then pm = pm + 1 else assert.are.equal(3, #a.arg.consts) end
			end
		end
		assert.are.same({ 2, 1 }, { nots, pm })
		local hits = {}
		evb.exec(s, { tid = 111, ptid = 1, comm = "vi", exe = "/usr/bin/vi" })
		for _, case in ipairs({ { "/etc/b", 3, { 1 } }, { "/etc/x", 3, { 1, 2 } }, { "/tmp/y", 3, { 1 } },
			{ "/etc/x", 4, { 1 } } }) do
			local e = evb.openat(s, 111, case[1], 1, case[2])
			local n = c.eval[e.kind](hits)
			assert.are.same(case[3], { unpack(hits, 1, n) })
		end
	end)

	it("tests a shared conjunct once wherever it is written, the cheap ones first", function()
		local c = compile.ruleset(rs({
			{ "a", "evt.type = openat and proc.name = cat and fd.num = 3" },
			{ "b", "evt.type = openat and fd.num = 4 and proc.name = cat" },
			{ "c", "evt.type = openat and proc.cmdline contains foo and fd.num = 5" },
		}), s)
		local list = {}
		for i, r in ipairs(c.rules) do list[i] = { idx = i, tree = r.tree } end
		local src = select(2, plan.eval(require("saker.rules.codegen").runtime(s), "openat", list, {}))
		local _, ncat = src:gsub("memcmp%(MV%[%d+%]%.s,\"cat\"", "")
		assert.are.equal(1, ncat)
		local num5, foo = src:find("MV%[%d+%]%.n==5"), src:find("\"foo\"")
		assert.is_true(num5 < foo)
		evb.exec(s, { tid = 112, ptid = 1, comm = "cat", exe = "/bin/cat", args = { "foo" } })
		local hits = {}
		for fd, want in pairs({ [3] = { 1 }, [4] = { 2 }, [5] = { 3 }, [6] = {} }) do
			local e = evb.openat(s, 112, "/etc/hosts", 1, fd)
			local n = c.eval[e.kind](hits)
			assert.are.same(want, { unpack(hits, 1, n) })
		end
	end)
end)
