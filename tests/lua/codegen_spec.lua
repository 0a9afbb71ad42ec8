-- SPDX-License-Identifier: Apache-2.0
-- Generated code: its shape, and that a hot loop over compiled rules runs
-- as JIT traces without NYI aborts and without allocating.
local core = require("saker.core")
local compile = require("saker.rules.compile")
-- the engine's JIT settings: with the default machine-code area, traces of
-- earlier specs fill it and a flush re-records (and allocates) mid-measure
require("saker.jit").setup()
local evb = require("evbuild")
local has_load, load = pcall(require, "saker.rules.load")

local C = core.C
local s = assert(core.open({ live = false }))
evb.exec(s, { tid = 100, ptid = 1, comm = "bash", exe = "/bin/bash" })
evb.exec(s, { tid = 101, ptid = 100, comm = "cat", exe = "/bin/cat", args = { "/etc/shadow" } })
evb.openat(s, 101, "/etc/shadow", 1, 3)

local RULES = {
	{ "str", "evt.type in (open, openat) and fd.name startswith /etc and not proc.name in (sh, dog)" },
	{ "num", "fd.num >= 3 and fd.num != 7 and fd.num in (3, 4)" },
	{ "ops", "fd.name contains shad or fd.name icontains X or fd.name endswith w or fd.name glob '/e*'" },
	{ "list", "proc.aname in (bash, zsh) and proc.aname[1] = bash" },
	{ "xf", "toupper(proc.name) = CAT and basename(fd.name) = shadow and len(fd.name) > 3" },
	{ "pm", "fd.name pmatch (/etc, /usr) and fd.name regex '/etc/.*'" },
	{ "val", "proc.pname = val(proc.aname[1]) and fd.name bcontains 2f" },
	{ "bool", "evt.is_open_read = true and not evt.is_open_write = true" },
}

local function ruleset(list)
	local rs = { macros = {}, lists = {}, rules = {} }
	for i, r in ipairs(list) do
		rs.rules[i] = { name = r[1], condition = r[2], output = "%proc.name", priority = "Warning",
			priority_num = 4, warn_evttypes = false }
	end
	return rs
end

-- Runs f n times with jit.v logging into a temp file; returns the log.
local function traced(f, n)
	local path = os.tmpname()
	local v = require("jit.v")
	jit.flush()
	v.on(path)
	f(n)
	v.off()
	local fh = assert(io.open(path))
	local log = fh:read("*a")
	fh:close()
	os.remove(path)
	return log
end

describe("codegen", function()
	it("generates straight-line code with constants inlined", function()
		local c = compile.ruleset(ruleset(RULES), s)
		local src = c.rules[1].lua
		assert.matches("^%-%- rule: str\n", src)
		assert.matches('%(MV%[%d+%]%.len>=4 and memcmp%(MV%[%d+%]%.s,"/etc",4%)==0%)', src)
		assert.matches("get%(s,%d+,v%)==1", src)
		assert.is_nil(src:find("ffi.string", 1, true))
		for _, r in ipairs(c.rules) do assert.is_true(r.match(), r.name) end
	end)

	it("loads each rule with a chunk name naming it", function()
		local c = compile.ruleset(ruleset(RULES), s)
		local info = debug.getinfo(c.rules[2].match, "S")
		assert.are.equal("rule: num", info.short_src)
	end)

	it("runs a hot loop as traces, with no NYI and no allocation", function()
		local c = compile.ruleset(ruleset(RULES), s)
		local rules = c.rules
		local n_rules = #rules
		local function loop(n)
			local hits = 0
			for _ = 1, n do
				for i = 1, n_rules do
					if rules[i].match() then hits = hits + 1 end
				end
			end
			return hits
		end
		local log = traced(loop, 20000)
		assert.is_nil(log:find("NYI", 1, true), log)
		assert.matches("%[TRACE%s+%d+ ", log)
		-- steady state: a late side trace being recorded allocates once, so
		-- measure up to three rounds and ask for one without any allocation
		local allocated
		for _ = 1, 3 do
			loop(20000)
			collectgarbage("stop")
			local before = collectgarbage("count")
			local hits = loop(50000)
			allocated = collectgarbage("count") - before
			collectgarbage("restart")
			assert.are.equal(50000 * n_rules, hits)
			if allocated == 0 then break end
		end
		assert.are.equal(0, allocated)
	end)

	it("evaluates the upstream rules on a stream without NYI or allocation", function()
		if not has_load then return pending("saker.rules.load is not there yet") end
		local rs = load.ruleset({ core.home .. "/../shared/upstream-rules/falco_rules.yaml" })
		local c = compile.ruleset(rs, s)
		local by_type = c.by_type
		local raw = evb.event({ name = "openat", tid = 101, params = { fd = 4, dirfd = -100,
			name = "/etc/passwd", flags = 1, mode = 0, dev = 0, ino = 0 } })
		local function loop(n)
			local hits = 0
			for _ = 1, n do
				C.saker_inject(s, raw, #raw, 0)
				-- no local for the event pointer: a side exit would box it
				local list = by_type[C.saker_next(s, 0).kind]
				for i = 1, #list do
					if list[i].match() then hits = hits + 1 end
				end
			end
			return hits
		end
		local log = traced(loop, 20000)
		assert.is_nil(log:find("NYI", 1, true), log)
		loop(50000)
		collectgarbage("stop")
		local before = collectgarbage("count")
		loop(50000)
		local after = collectgarbage("count")
		collectgarbage("restart")
		-- one allocation per event would be >= 16 bytes per event
		assert.is_true((after - before) * 1024 / 50000 < 1, (after - before) .. " KB")
	end)
end)
