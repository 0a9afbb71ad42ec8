-- SPDX-License-Identifier: Apache-2.0
-- Generic events: a syscall with no event of its own (scap syscall_E/X,
-- carrying the native number) is an event type of its own for the rules,
-- named after the syscall, as in Falco (evt.type = getppid).
local core = require("saker.core")
local compile = require("saker.rules.compile")
local evb = require("evbuild")
local C = core.C
local ffi = core.ffi

local NR_GETPPID, NR_KILL, NR_FADVISE64 = 110, 62, 221

local s = assert(core.open({ live = false }))
evb.exec(s, { tid = 200, ptid = 1, comm = "py", exe = "/usr/bin/python3" })

local function generic(nr, tid)
	return evb.feed(s, { code = 1, tid = tid or 200, params = { ID = 0, nativeID = nr } })
end

local function rs(list)
	local out = { rules = {}, macros = {}, lists = {} }
	for i, r in ipairs(list) do
		out.rules[i] = { name = r[1], condition = r[2], output = "o %evt.type", priority = "Warning",
			priority_num = 4, cond_loc = { file = "r.yaml", line = i, col = 14 } }
	end
	return out
end

local buf = ffi.new("char[256]")
local function field(name)
	local h = C.saker_field_bind(s, name, nil, buf, 256)
	assert(h >= 0, name)
	local n = C.saker_field_render(s, h, buf, 256)
	return n >= 0 and ffi.string(buf, n) or nil
end

describe("generic events", function()
	it("take the type of the syscall they carry", function()
		local e = generic(NR_GETPPID)
		assert.are.equal(1, e.type)
		assert.are_not.equal(e.type, e.kind)
		assert.are.equal("getppid", ffi.string(C.saker_evtype_name(e.kind)))
		assert.are.equal(1, C.saker_evtype_generic(e.kind))
		assert.are.equal(0, C.saker_evtype_generic(evb.code("openat")))
		assert.are.equal("getppid", field("evt.type"))
		assert.are.equal("", field("evt.args"))
		assert.are.equal("getppid", field("syscall.type"))
		e = generic(NR_FADVISE64)
		assert.are.equal("fadvise64", field("evt.type"))
	end)

	it("have a syscall.type, as a syscall's own events do and procexit does not", function()
		evb.openat(s, 200, "/etc/hosts", 1, 3)
		assert.are.equal("openat", field("syscall.type"))
		evb.feed(s, { name = "procexit", dir = ">", tid = 200, params = { status = 0 } })
		assert.are.equal("procexit", field("evt.type"))
		assert.is_nil(field("syscall.type"))
		evb.exec(s, { tid = 200, ptid = 1, comm = "py", exe = "/usr/bin/python3" })
	end)

	it("keep the generic type when the native number is missing or unknown", function()
		local e = generic(511)
		assert.are.equal(1, e.kind)
		assert.are.equal("syscall", field("evt.type"))
		e = evb.feed(s, { code = 1, tid = 200, params = { ID = 0 } })
		assert.are.equal(1, e.kind)
	end)

	it("are dispatched to the rules that name their syscall", function()
		local c = compile.ruleset(rs({
			{ "gp", "evt.type = getppid and proc.name = py" },
			{ "kill", "evt.type in (kill, tgkill)" },
			{ "open", "evt.type = openat" },
		}), s)
		local hits = {}
		local e = generic(NR_GETPPID)
		assert.are.equal(1, c.eval[e.kind](hits))
		assert.are.equal("gp", c.rules[hits[1]].name)
		e = generic(NR_KILL)
		assert.are.equal(1, c.eval[e.kind](hits))
		assert.are.equal("kill", c.rules[hits[1]].name)
		-- kill has events of its own too: a Falco capture carries those
		assert.is_true(c.rules[2].evttypes[evb.code("kill", "<")])
		assert.are.same({ "getppid", "kill", "openat", "tgkill" }, c.interest)
	end)

	it("are asked of the kernel only for the syscalls a rule names", function()
		local c = compile.ruleset(rs({
			{ "wide", "evt.type != switch and proc.name = py" },
			{ "gp", "evt.type = getppid" },
		}), s)
		local names = {}
		for _, n in ipairs(c.interest) do names[n] = true end
		assert.is_true(names.getppid)
		assert.is_true(names.openat) -- decoded syscalls, as before
		assert.is_nil(names.fadvise64) -- only the wide rule would want it
		-- but a generic event that arrives is still matched by the wide rule
		local hits = {}
		local e = generic(NR_FADVISE64)
		assert.are.equal(1, c.eval[e.kind](hits))
		assert.are.equal("wide", c.rules[hits[1]].name)
	end)

	it("select a syscall the probe does not decode", function()
		assert.are.equal(0, C.saker_interest_add(s, "getppid"))
		assert.are.equal(0, C.saker_interest_add(s, "kill"))
		assert.are.equal(-1, C.saker_interest_add(s, "no_such_syscall"))
		C.saker_interest_clear(s)
	end)
end)
